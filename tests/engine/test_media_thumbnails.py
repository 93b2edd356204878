"""Thumbnails for the bin and filmstrips for the timeline: the right frame, upright, made once."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media import thumbnails
from engine.media.thumbnails import filmstrip, thumbnail
from engine.media.video import VideoDecoder
from tests.support.mediagen import read_index, write_audio, write_image, write_video


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("thumbs")
    write_video(folder / "clip.mp4", frames=90, size=(160, 120), gop=30)
    write_video(folder / "phone.mp4", frames=6, size=(160, 96), rotation=90)
    write_image(folder / "logo.png", size=(64, 48), alpha=True)
    write_audio(folder / "voice.wav", seconds=0.5)
    return folder


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


class CountingDecoder(VideoDecoder):
    """The real decoder, counting how often one is opened and how often it seeks."""

    opened = 0
    seeks = 0

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path)
        CountingDecoder.opened += 1

    def close(self) -> None:
        CountingDecoder.seeks += self.seeks
        super().close()


@pytest.fixture
def decoders(monkeypatch: pytest.MonkeyPatch) -> type[CountingDecoder]:
    CountingDecoder.opened = CountingDecoder.seeks = 0
    monkeypatch.setattr(thumbnails, "VideoDecoder", CountingDecoder)
    return CountingDecoder


def test_a_thumbnail_is_the_frame_at_that_time(media: Path) -> None:
    for i in (0, 7, 45, 89):
        assert read_index(thumbnail(media / "clip.mp4", Fraction(i, 30), height=120)) == i


def test_a_thumbnail_keeps_the_pictures_shape_at_the_height_asked(media: Path) -> None:
    image = thumbnail(media / "clip.mp4", Fraction(1), height=60)
    assert image.shape == (60, 80, 3) and image.dtype == np.uint8
    assert read_index(image) == 30  # scaled, still the same frame
    assert thumbnail(media / "clip.mp4", Fraction(1), height=33).shape == (33, 44, 3)


def test_phone_footage_stands_upright(media: Path) -> None:
    """Shot in portrait, stored on its side: the thumbnail is tall and reads the right way up."""
    image = thumbnail(media / "phone.mp4", Fraction(2, 30), height=160)
    assert image.shape == (160, 96, 3)
    assert read_index(image) == 2  # the index the phone drew along the top of its upright picture
    assert thumbnail(media / "phone.mp4", Fraction(0), height=80).shape == (80, 48, 3)


def test_a_still_image_gives_its_picture_at_any_time(media: Path) -> None:
    image = thumbnail(media / "logo.png", Fraction(5), height=24)
    assert image.shape == (24, 32, 3)
    assert abs(int(image[..., 0].mean()) - 100) <= 2  # red at half opacity, over black


def test_a_sound_file_has_no_thumbnail(media: Path) -> None:
    with pytest.raises(MediaError, match="no picture"):
        thumbnail(media / "voice.wav", Fraction(0), height=48)


def test_a_second_request_is_served_from_disk(media: Path, decoders: type[CountingDecoder]) -> None:
    first = thumbnail(media / "clip.mp4", Fraction(10, 30), height=60)
    assert decoders.opened == 1
    again = thumbnail(media / "clip.mp4", Fraction(10, 30), height=60)
    assert decoders.opened == 1  # no decoder opened: it came off the disk
    np.testing.assert_array_equal(again, first)
    thumbnail(media / "clip.mp4", Fraction(10, 30), height=30)
    assert decoders.opened == 2  # another size is another picture


def test_a_changed_file_is_decoded_again(tmp_path: Path, decoders: type[CountingDecoder]) -> None:
    clip = write_video(tmp_path / "take.mp4", frames=10)
    thumbnail(clip, Fraction(0), height=60)
    stat = clip.stat()
    os.utime(clip, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched
    thumbnail(clip, Fraction(0), height=60)
    assert decoders.opened == 2
    write_video(clip, frames=10, color=(200, 30, 30))  # re-exported under the same name
    redone = thumbnail(clip, Fraction(0), height=60)
    assert decoders.opened == 3
    assert redone[-1, -1, 0] > 150  # the new, red version


def test_a_damaged_cache_entry_is_made_again(
    media: Path, data: Path, decoders: type[CountingDecoder]
) -> None:
    good = thumbnail(media / "clip.mp4", Fraction(20, 30), height=60)
    (entry,) = (data / "cache" / "thumbnails").iterdir()
    entry.write_bytes(entry.read_bytes()[:100])  # cut short, as by a failing disk
    again = thumbnail(media / "clip.mp4", Fraction(20, 30), height=60)
    np.testing.assert_array_equal(again, good)
    assert decoders.opened == 2
    thumbnail(media / "clip.mp4", Fraction(20, 30), height=60)
    assert decoders.opened == 2  # and the entry was written again, whole
    assert [p.suffix for p in (data / "cache" / "thumbnails").iterdir()] == [".npy"]  # no temp files


def test_a_filmstrip_reads_forward_through_one_decoder(media: Path, decoders: type[CountingDecoder]) -> None:
    times = [Fraction(i, 30) for i in range(0, 90, 6)]
    strip = filmstrip(media / "clip.mp4", list(reversed(times)), height=60)
    assert [read_index(image) for image in strip] == list(range(84, -1, -6))  # in the order asked
    assert decoders.opened == 1 and decoders.seeks == 0


def test_a_filmstrip_shares_its_frames_with_thumbnails(media: Path, decoders: type[CountingDecoder]) -> None:
    """After a trim the strip changes by a few frames; only those are decoded."""
    thumbnail(media / "clip.mp4", Fraction(1), height=60)
    assert decoders.opened == 1
    filmstrip(media / "clip.mp4", [Fraction(1), Fraction(2)], height=60)
    assert decoders.opened == 2
    assert read_index(thumbnail(media / "clip.mp4", Fraction(2), height=60)) == 60
    filmstrip(media / "clip.mp4", [Fraction(2), Fraction(1)], height=60)
    assert decoders.opened == 2  # every frame of both came off the disk


def test_a_broken_file_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(np.random.default_rng(1).bytes(4096))
    with pytest.raises(MediaError):
        thumbnail(broken, Fraction(0), height=48)
    with pytest.raises(MediaError, match="does not exist"):
        thumbnail(tmp_path / "gone.mp4", Fraction(0), height=48)
