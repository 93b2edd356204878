"""Frame-exact decoding: the frame at a time is the one a viewer and an export both show."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.media.cache import FrameCache
from engine.media.video import VideoDecoder, upright_rgb
from tests.support.mediagen import read_index, write_video


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("video")
    # a keyframe every 12 frames, so random access really has to seek and decode forward
    write_video(folder / "long.mp4", frames=150, size=(160, 120), gop=12)
    write_video(folder / "pal.mp4", frames=50, rate=Fraction(25), gop=10)
    vfr = [0, 1000, 1300, 3000, 3100, 5000, 6000, 6500, 9000, 9100]
    write_video(folder / "vfr.mp4", frames=len(vfr), pts=vfr, time_base=Fraction(1, 30000))
    write_video(folder / "phone.mp4", frames=6, size=(160, 96), rotation=90)
    return folder


def index_at(decoder: VideoDecoder, seconds: Fraction) -> int:
    return read_index(upright_rgb(decoder.frame_at(seconds), decoder.rotation))


def test_every_frame_read_in_order_without_a_single_seek(media: Path) -> None:
    with VideoDecoder(media / "long.mp4") as decoder:
        assert [index_at(decoder, Fraction(i, 30)) for i in range(150)] == list(range(150))
        assert decoder.seeks == 0


def test_random_access_is_frame_exact(media: Path) -> None:
    order = list(range(150))
    random.Random(3).shuffle(order)
    with VideoDecoder(media / "long.mp4") as decoder:
        for i in order[:60]:
            assert index_at(decoder, Fraction(i, 30)) == i
        assert decoder.seeks > 0  # jumps backwards and far ahead did seek


def test_a_time_between_frames_shows_the_frame_before_it(media: Path) -> None:
    with VideoDecoder(media / "long.mp4") as decoder:
        assert index_at(decoder, Fraction(10, 30) + Fraction(1, 100)) == 10
        assert index_at(decoder, Fraction(11, 30) - Fraction(1, 1000)) == 10
        assert index_at(decoder, Fraction(-1)) == 0  # before the start: the first frame
        assert index_at(decoder, Fraction(60)) == 149  # past the end: the last frame holds


def test_a_25fps_source_on_a_30fps_timeline(media: Path) -> None:
    with VideoDecoder(media / "pal.mp4") as decoder:
        shown = [index_at(decoder, Fraction(i, 30)) for i in range(60)]
    # timeline frame i shows source frame floor(i * 25 / 30)
    assert shown == [i * 25 // 30 for i in range(60)]


def test_variable_frame_rate_follows_the_same_rule(media: Path) -> None:
    pts = [0, 1000, 1300, 3000, 3100, 5000, 6000, 6500, 9000, 9100]
    with VideoDecoder(media / "vfr.mp4") as decoder:
        for t in range(0, 9500, 100):
            expected = max(i for i, p in enumerate(pts) if p <= t)
            assert index_at(decoder, Fraction(t, 30000)) == expected, t


def test_phone_footage_comes_out_upright_and_scaled(media: Path) -> None:
    with VideoDecoder(media / "phone.mp4") as decoder:
        assert decoder.rotation == 90
        frame = decoder.frame_at(Fraction(3, 30))
        image = upright_rgb(frame, decoder.rotation)
        assert image.shape == (160, 96, 3)
        small = upright_rgb(frame, decoder.rotation, size=(48, 80))
        assert small.shape == (80, 48, 3)


def test_the_frame_cache_never_holds_more_than_its_limit() -> None:
    cache = FrameCache(max_megabytes=1)
    frame = np.zeros((120, 160, 3), np.uint8)  # 57.6 kB
    for i in range(200):
        cache.put(("clip", i), frame.copy())
        assert cache.bytes_used <= 1024 * 1024
    assert len(cache) == 1024 * 1024 // frame.nbytes
    assert cache.get(("clip", 199)) is not None and cache.get(("clip", 0)) is None
    cache.get(("clip", 190))  # recently used frames stay
    cache.put(("clip", 500), frame.copy())
    assert cache.get(("clip", 190)) is not None
