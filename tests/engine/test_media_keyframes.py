"""Clicking ahead over long-GOP footage: the file's keyframe index decides seek or decode on."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.media import keyframes
from engine.media.video import Superseded, VideoDecoder, upright_rgb
from tests.support import mediagen


def index_at(decoder: VideoDecoder, frame: int) -> int:
    return mediagen.read_index(upright_rgb(decoder.frame_at(Fraction(frame, 30)), decoder.rotation))


def test_a_click_just_past_a_keyframe_seeks_to_it_instead_of_decoding_the_gop_before(tmp_path) -> None:
    clip = mediagen.write_video(tmp_path / "camera.mp4", 90, size=(320, 180), gop=30)
    with VideoDecoder(clip) as decoder:
        assert index_at(decoder, 5) == 5
        decoded, seeks = decoder.decoded, decoder.seeks
        assert index_at(decoder, 32) == 32  # 27 frames ahead, 2 past the keyframe at 30
        assert decoder.seeks == seeks + 1
        assert decoder.decoded - decoded <= 6  # the keyframe and the two after it (and the next)
        assert index_at(decoder, 33) == 33  # playing on from there reads on: no seek
        assert index_at(decoder, 50) == 50  # ahead inside the same GOP: decoded through
        assert decoder.seeks == seeks + 1


def test_the_index_is_read_once_and_kept_on_disk_for_the_next_start(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    clip = mediagen.write_video(tmp_path / "camera.mp4", 70, size=(160, 120), gop=30)
    index = keyframes.packet_index(clip)
    assert index is not None and index.keyframes == [index.pts[0], index.pts[30], index.pts[60]]
    assert len(index.pts) == 70
    keyframes._memory.clear()  # a new start: only the disk remembers
    monkeypatch.setattr(keyframes, "_read", lambda path: pytest.fail("demuxed again"))
    assert keyframes.packet_index(clip) == index


def test_a_file_that_cannot_be_indexed_still_plays_every_frame(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    clip = mediagen.write_video(tmp_path / "camera.mp4", 90, size=(160, 120), gop=30)
    monkeypatch.setattr("engine.media.video.packet_index", lambda path: None)
    with VideoDecoder(clip) as decoder:
        assert [index_at(decoder, f) for f in (5, 32, 31, 89, 0)] == [5, 32, 31, 89, 0]
    assert keyframes.packet_index(tmp_path / "missing.mp4") is None
    (tmp_path / "junk.mp4").write_bytes(b"not a video at all")
    assert keyframes.packet_index(tmp_path / "junk.mp4") is None


def test_a_decode_no_longer_wanted_stops_and_the_decoder_reads_on_correctly_after(tmp_path) -> None:
    clip = mediagen.write_video(tmp_path / "camera.mp4", 90, size=(160, 120), gop=90)
    with VideoDecoder(clip) as decoder:
        decoder.superseded = lambda: decoder.decoded > 10  # the playhead moved on mid-GOP
        with pytest.raises(Superseded):
            decoder.frame_at(Fraction(80, 30))
        assert decoder.decoded < 20  # stopped long before frame 80
        decoder.superseded = None
        assert [index_at(decoder, f) for f in (12, 80, 3)] == [12, 80, 3]
