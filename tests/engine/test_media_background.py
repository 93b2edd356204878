"""Previews made off the caller's thread: the editor paints on while pictures and peaks are made."""

from __future__ import annotations

import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media import thumbnails, waveform
from engine.media.background import PreviewService
from tests.support.mediagen import read_index, write_audio, write_video

WAIT = 10  # seconds; a healthy request takes milliseconds


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("background")
    write_video(folder / "clip.mp4", frames=30)
    write_audio(folder / "voice.wav", seconds=0.5)
    (folder / "broken.mp4").write_bytes(np.random.default_rng(5).bytes(8192))
    return folder


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def service():
    with PreviewService() as previews:
        yield previews


class Gate:
    """Wraps a function so each call records its thread and waits until the test opens the gate."""

    def __init__(self, function) -> None:
        self.function = function
        self.open = threading.Event()
        self.started = threading.Event()
        self.threads: list[int] = []

    def __call__(self, *args, **kwargs):
        self.threads.append(threading.get_ident())
        self.started.set()
        assert self.open.wait(WAIT)
        return self.function(*args, **kwargs)


def test_a_thumbnail_is_made_on_another_thread(
    media: Path, service: PreviewService, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(thumbnails.thumbnail)
    monkeypatch.setattr(thumbnails, "thumbnail", gate)
    future = service.request_thumbnail(media / "clip.mp4", Fraction(12, 30), 120)
    assert not future.done()  # the request came back while the work is still waiting
    gate.open.set()
    assert read_index(future.result(WAIT)) == 12
    assert gate.threads and threading.get_ident() not in gate.threads


def test_the_same_request_in_flight_is_made_once(
    media: Path, service: PreviewService, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(thumbnails.thumbnail)
    monkeypatch.setattr(thumbnails, "thumbnail", gate)
    first = service.request_thumbnail(media / "clip.mp4", Fraction(1, 3), 60)
    # the bin and the timeline ask again before the answer arrives, spelling the path differently
    second = service.request_thumbnail(str(media / "." / "clip.mp4"), Fraction(10, 30), 60)
    other = service.request_thumbnail(media / "clip.mp4", Fraction(1, 3), 30)
    assert second is first and other is not first
    gate.open.set()
    assert read_index(first.result(WAIT)) == 10
    other.result(WAIT)
    assert len(gate.threads) == 2
    # once answered, a request is new again (and served from disk)
    assert service.request_thumbnail(media / "clip.mp4", Fraction(1, 3), 60) is not first


def test_a_broken_file_resolves_with_the_message_to_show(media: Path, service: PreviewService) -> None:
    future = service.request_thumbnail(media / "broken.mp4", Fraction(0), 48)
    error = future.exception(WAIT)
    assert isinstance(error, MediaError) and "broken.mp4" in str(error)
    assert isinstance(service.request_peaks(media / "clip.mp4").exception(WAIT), MediaError)  # no sound


def test_peaks_and_filmstrips_arrive_too(
    media: Path, service: PreviewService, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(waveform.peaks)
    gate.open.set()
    monkeypatch.setattr(waveform, "peaks", gate)
    result = service.request_peaks(media / "voice.wav").result(WAIT)
    assert result.shape == (50, 2) and 0.2 < result[:, 1].max() < 0.3
    assert threading.get_ident() not in gate.threads
    strip = service.request_filmstrip(media / "clip.mp4", [Fraction(i, 30) for i in (3, 9)], 60).result(WAIT)
    assert [read_index(image) for image in strip] == [3, 9]


def test_closing_drops_requests_not_yet_started(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = Gate(thumbnails.thumbnail)
    monkeypatch.setattr(thumbnails, "thumbnail", gate)
    previews = PreviewService(workers=1)
    running = previews.request_thumbnail(media / "clip.mp4", Fraction(0), 48)
    waiting = previews.request_thumbnail(media / "clip.mp4", Fraction(1, 2), 48)
    assert gate.started.wait(WAIT)  # the first is being made, the second queued behind it
    previews.close()
    gate.open.set()
    assert waiting.cancelled()
    assert running.result(WAIT).shape == (48, 64, 3)  # the one being made still answers
