"""Every frame of a shot is counted: what Shotline writes, and what other tools write, probes exactly.

A 103-frame 1080p animatic at 30 fps that Shotline itself wrote used to
probe as 102 frames (its MP4 said 3.433 s, and 3.433 x 30 was truncated),
so Extend refused the whole clip and the bin showed the wrong length.
Generated shots of 97, 103 and 121 frames at 24, 25, 30 and 29.97 fps are
written the way every generation writes them (engine/generate/mezzanine.py)
and must read back to the frame: count, duration, the clip's available
range, and the range Extend accepts.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from engine.generate.extend.request import ExtendRequest
from engine.generate.mezzanine import write_video, x264_stream
from engine.media.probe import probe
from engine.media.reference import available_range
from engine.render.picture import frame_from_rgb
from tests.support.mediagen import write_video as write_test_video

RATES = [Fraction(24), Fraction(25), Fraction(30), Fraction(30000, 1001)]


def generated_shot(path: Path, frames: int, rate: Fraction, size: tuple[int, int]) -> Path:
    pictures = (np.full((size[1], size[0], 3), n * 2 % 256, np.uint8) for n in range(frames))
    assert write_video(path, pictures, rate, size) == frames
    return path


def assert_counted_exactly(path: Path, frames: int, rate: Fraction) -> None:
    info = probe(path)
    assert info.video.frames == frames
    assert info.duration == Fraction(frames) / rate
    assert available_range(info).duration.value == pytest.approx(frames, abs=1e-9)
    extend = ExtendRequest.from_params({"input": str(path), "frames": 4})
    assert (extend.start, extend.count) == (0, frames)  # the whole clip, frames 0 to frames - 1


@pytest.mark.parametrize("rate", RATES, ids=lambda r: f"{float(r):.2f}fps")
@pytest.mark.parametrize("frames", [97, 103, 121])
def test_a_generated_shot_reads_back_to_the_frame(tmp_path: Path, frames: int, rate: Fraction) -> None:
    path = generated_shot(tmp_path / "shot.mp4", frames, rate, (160, 90))
    assert_counted_exactly(path, frames, rate)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.duration * stream.time_base == Fraction(frames) / rate  # exact for any reader


@pytest.mark.slow
@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize(("frames", "rate"), [(103, Fraction(30)), (121, Fraction(30000, 1001))])
def test_a_generated_shot_of_any_size_reads_back_to_the_frame(tmp_path: Path, size, frames, rate) -> None:
    assert_counted_exactly(generated_shot(tmp_path / "shot.mp4", frames, rate, size), frames, rate)


def test_an_mp4_with_a_rounded_duration_is_counted_by_its_frames(tmp_path: Path) -> None:
    """As Shotline wrote shots before (and other tools still do): the edit list in milliseconds."""
    path = tmp_path / "before.mp4"
    with av.open(str(path), "w", format="mp4") as container:
        stream = x264_stream(container, Fraction(30), (64, 36), {"crf": "10", "preset": "fast"})
        for n in range(103):
            frame = frame_from_rgb(np.full((36, 64, 3), n * 2 % 256, np.uint8))
            frame.pts, frame.time_base = n, Fraction(1, 30)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.duration * stream.time_base * 30 < 103  # 3.433 s: 102.99 frames
    assert_counted_exactly(path, 103, Fraction(30))


@pytest.mark.parametrize(("fmt", "suffix"), [("matroska", "mkv"), ("webm", "webm")])
def test_a_file_without_a_frame_count_is_counted_from_its_last_frame(
    tmp_path: Path, fmt: str, suffix: str
) -> None:
    codec = "libvpx-vp9" if fmt == "webm" else "libx264"
    path = write_test_video(
        tmp_path / f"clip.{suffix}",
        frames=103,
        rate=Fraction(30),
        size=(64, 36),
        codec=codec,
        container_format=fmt,
    )
    with av.open(str(path)) as container:
        assert container.streams.video[0].frames == 0  # Matroska keeps no count
    assert_counted_exactly(path, 103, Fraction(30))
