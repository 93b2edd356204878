"""The dialogue's subtitles inside the export: a mov_text stream timed to their lines, or burned in."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.cli.main import main
from engine.errors import ExportError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings, preset
from engine.media.reference import clips_for
from engine.project import document, persistence
from engine.project.document import new_project
from engine.project.times import tr
from tests.support.mediagen import write_audio, write_video

RATE = 24.0
SIZE = (320, 180)
LINES = (("It holds.", 12, 36), ("The lamp is out — go!", 48, 60))  # words, first frame, end frame


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """72 frames of picture, and two spoken lines with their subtitles on a Dialogue track."""
    folder = tmp_path_factory.mktemp("captions")
    write_video(folder / "shot.mp4", frames=72, rate=Fraction(24), size=SIZE, color=(40, 60, 90))
    write_audio(folder / "line.wav", seconds=2)
    timeline = new_project(size=SIZE, rate=RATE, video_tracks=1, audio_tracks=1)
    document.track(timeline, "V1").append(clips_for(folder / "shot.mp4", RATE, 72)[0])
    dialogue = document.track(timeline, "A1")
    at = 0
    for words, first, end in LINES:
        dialogue.append(otio.schema.Gap(source_range=tr(0, first - at, RATE)))
        line = clips_for(folder / "line.wav", RATE, end - first)[0]
        document.shotline_meta(line)["subtitle"] = words
        dialogue.append(line)
        at = end
    path = folder / "film.otio"
    persistence.save(timeline, path)
    return path


def subtitle_packets(film: Path) -> list[tuple[Fraction, Fraction, str]]:
    """(start s, end s, text) of every non-empty sample of the MP4's subtitle stream."""
    with av.open(str(film)) as container:
        assert [s.codec_context.name for s in container.streams.subtitles] == ["mov_text"]
        stream = container.streams.subtitles[0]
        found = []
        for packet in container.demux(stream):
            data = bytes(packet)
            if packet.pts is None or len(data) <= 2:
                continue  # the muxer's empty samples between lines
            size = int.from_bytes(data[:2], "big")
            start = packet.pts * packet.time_base
            found.append((start, start + packet.duration * packet.time_base, data[2 : 2 + size].decode()))
    return found


def frames_of(film: Path) -> list[np.ndarray]:
    with av.open(str(film)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def test_embedded_captions_are_a_subtitle_stream_timed_to_their_lines_frames(
    project: Path, tmp_path: Path
) -> None:
    timeline = persistence.load(project).timeline
    film = tmp_path / "film.mp4"
    export_mp4(timeline, film, ExportSettings(x264_preset="ultrafast", captions="embed"))
    assert subtitle_packets(film) == [
        (Fraction(first, 24), Fraction(end, 24), words) for words, first, end in LINES
    ]
    with av.open(str(film)) as container:
        assert container.streams.video[0].frames == 72  # the picture is untouched by the stream


def test_burned_captions_are_drawn_on_their_frames_only(project: Path, tmp_path: Path) -> None:
    timeline = persistence.load(project).timeline
    plain, burned = tmp_path / "plain.mp4", tmp_path / "burned.mp4"
    export_mp4(timeline, plain, ExportSettings(x264_preset="ultrafast"))
    export_mp4(timeline, burned, ExportSettings(x264_preset="ultrafast", captions="burn"))
    before, after = frames_of(plain), frames_of(burned)
    assert len(before) == len(after) == 72
    with av.open(str(burned)) as container:
        assert not container.streams.subtitles
    bottom = slice(SIZE[1] * 2 // 3, SIZE[1])

    def words_drawn(n: int) -> bool:
        # white letters over a dark blue shot: many bright pixels in the lower third
        return int((after[n][bottom].min(axis=2) > 200).sum()) > 50

    def same(n: int) -> bool:
        return np.abs(before[n].astype(int) - after[n].astype(int)).mean() < 1.0

    for n in (0, 11, 36, 47, 60, 71):
        assert not words_drawn(n) and same(n), f"frame {n} has no line"
    for n in (12, 24, 35, 48, 59):
        assert words_drawn(n), f"frame {n} shows its line"
        assert (
            np.abs(before[n][: SIZE[1] // 3].astype(int) - after[n][: SIZE[1] // 3].astype(int)).mean() < 1.5
        )


def test_the_cli_takes_captions_and_refuses_what_it_does_not_know(
    project: Path, tmp_path: Path, capsys
) -> None:
    film = tmp_path / "cli.mp4"
    assert (
        main(["export", str(project), "-o", str(film), "--x264-preset", "ultrafast", "--captions", "embed"])
        == 0
    )
    assert [text for *_, text in subtitle_packets(film)] == [words for words, *_ in LINES]
    assert (tmp_path / "cli.srt").is_file()  # the SRT beside it as always
    with pytest.raises(SystemExit):
        main(["export", str(project), "-o", str(film), "--captions", "karaoke"])
    assert "--captions" in capsys.readouterr().err
    with pytest.raises(ExportError, match="Captions must be srt, embed, burn"):
        preset("project", captions="karaoke")
