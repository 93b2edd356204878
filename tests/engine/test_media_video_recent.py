"""Scrubbing back over long-GOP footage: the frames just decoded answer without a seek."""

from __future__ import annotations

from fractions import Fraction

from engine.media.video import VideoDecoder, upright_rgb
from tests.support import mediagen


def index_at(decoder: VideoDecoder, frame: int) -> int:
    return mediagen.read_index(upright_rgb(decoder.frame_at(Fraction(frame, 30)), decoder.rotation))


def test_stepping_back_through_a_gop_just_decoded_needs_no_seek(tmp_path) -> None:
    clip = mediagen.write_video(tmp_path / "camera.mp4", 90, size=(320, 180), gop=60)
    with VideoDecoder(clip, recent_megabytes=32) as decoder:
        assert index_at(decoder, 70) == 70  # a click far ahead: one seek, the GOP decoded up to it
        seeks = decoder.seeks
        for frame in range(69, 59, -1):  # dragging back over what was decoded
            assert index_at(decoder, frame) == frame
        assert decoder.seeks == seeks and decoder.recalled == 10
        assert index_at(decoder, 71) == 71  # and forward again, decoding on from where it was
        assert index_at(decoder, 20) == 20  # outside the run: a seek, as before
        assert decoder.seeks == seeks + 1


def test_the_run_is_bounded_and_export_keeps_none(tmp_path) -> None:
    clip = mediagen.write_video(tmp_path / "camera.mp4", 60, size=(320, 180), gop=60)
    frame_bytes = 320 * 180 * 3 // 2
    with VideoDecoder(clip, recent_megabytes=5 * frame_bytes / 1024 / 1024) as decoder:
        assert index_at(decoder, 50) == 50
        assert index_at(decoder, 47) == 47  # within the last few frames
        seeks = decoder.seeks
        assert index_at(decoder, 30) == 30  # long dropped: sought again
        assert decoder.seeks == seeks + 1
    with VideoDecoder(clip) as export:
        assert index_at(export, 50) == 50
        assert index_at(export, 49) == 49
        assert export.recalled == 0 and export.seeks == 1  # read forward to 50, then sought back
