"""Sequence settings and what an export ends with: size, rate, sample rate, In/Out range, loudness."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pyloudnorm
import pytest

from engine.cli.main import main as cli_main
from engine.export.job import result_to_json
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.project import document, edits, markers, persistence, tracks
from engine.project.sequence import change_settings
from engine.project.times import rt
from engine.render.loudness import LoudnessMeter
from tests.support.mediagen import write_video

FAST = ExportSettings(crf=18, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sequence-media")
    write_video(folder / "a.mp4", frames=60, tone_hz=440)
    return folder


def test_shotline_new_then_export_has_the_chosen_size_rate_and_sample_rate(
    media: Path, tmp_path: Path, capsys
) -> None:
    project = tmp_path / "phone.otio"
    assert (
        cli_main(["new", str(project), "--size", "1080x1920", "--fps", "25", "--sample-rate", "44100"]) == 0
    )
    assert capsys.readouterr().out.strip() == f"{project}: 1080x1920 at 25 fps, 44100 Hz"
    timeline = persistence.load(project).timeline
    s = document.settings(timeline)
    assert (s.width, s.height, s.rate, s.sample_rate) == (1080, 1920, 25.0, 44100)
    # refuses to replace it, in one line, unless --force
    assert cli_main(["new", str(project), "--size", "1920x1080"]) == 2
    assert "already exists" in capsys.readouterr().err
    picture, sound = clips_for(media / "a.mp4", 25.0, 50)
    edits.append(timeline, {"V1": picture, "A1": sound})
    result = export_mp4(timeline, tmp_path / "phone.mp4", ExportSettings(crf=30, x264_preset="ultrafast"))
    with av.open(str(tmp_path / "phone.mp4")) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.width, video.height, video.average_rate) == (1080, 1920, 25)
        assert audio.rate == 44100
        samples = sum(f.samples for f in container.decode(audio=0))
    assert result.frames == 50 and result.sample_rate == 44100
    assert 2 * 44100 <= samples < 2 * 44100 + 1024  # two seconds, within one AAC frame


def test_a_rate_change_conforms_every_cut_to_whole_frames_and_says_what_moved() -> None:
    timeline = document.new_project(rate=30)
    for length in (30, 15, 55):
        edits.append(timeline, {"V1": _shot(length)})
    change = change_settings(timeline, rate="25")
    assert document.settings(timeline).rate == 25.0
    v1 = document.track(timeline, "V1")
    cuts = [0]
    for item in v1:
        duration = item.source_range.duration
        assert duration.rate == 25.0 and duration.value == int(duration.value)
        cuts.append(cuts[-1] + int(duration.value))
    # 30 -> 25 frames exactly; 45 -> 37.5 lands on 38; 100 -> 83.3 on 83
    assert cuts == [0, 25, 38, 83]
    moved = {m.item: m.new_frame for m in change.result}
    assert moved == {"shot 55": 38}
    assert "shot 55" in change.result[0].describe(25.0)
    change.undo()
    assert document.settings(timeline).rate == 30.0
    assert [int(i.source_range.duration.value) for i in v1] == [30, 15, 55]


def test_a_rate_change_conforms_locked_tracks_and_markers_too() -> None:
    timeline = document.new_project(rate=30)
    edits.append(timeline, {"V1": _shot(45)})
    edits.append(timeline, {"A1": _shot_audio(45)})
    tracks.set_track_flags(timeline, "A1", locked=True)
    markers.add_marker(timeline, rt(45, 30.0), "door")
    change_settings(timeline, rate="24")
    assert [int(i.source_range.duration.value) for i in document.track(timeline, "A1")] == [36]
    (placed,) = markers.all_markers(timeline)
    assert placed.frame == 36 and placed.marker.marked_range.start_time.rate == 24.0


def test_size_and_sample_rate_change_freely_in_one_undo_step() -> None:
    timeline = document.new_project()
    change = change_settings(timeline, size=(1080, 1080), sample_rate=44100)
    s = document.settings(timeline)
    assert (s.width, s.height, s.sample_rate, s.rate) == (1080, 1080, 44100, 30.0)
    change.undo()
    assert document.settings(timeline) == document.ProjectSettings(30.0, 1920, 1080, 48000)


def test_the_in_out_range_exports_exactly_its_frames(
    media: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    timeline = document.new_project(size=(160, 120))
    picture, sound = clips_for(media / "a.mp4", 30.0, 60)
    edits.append(timeline, {"V1": picture, "A1": sound})
    result = export_mp4(timeline, tmp_path / "part.mp4", FAST, span=(10, 34))
    assert result.frames == 24
    with av.open(str(tmp_path / "part.mp4")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 24
    persistence.save(timeline, tmp_path / "film.otio")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    args = [
        "export",
        str(tmp_path / "film.otio"),
        "-o",
        str(tmp_path / "cli.mp4"),
        "--x264-preset",
        "ultrafast",
    ]
    assert cli_main([*args, "--mark-in", "10", "--mark-out", "39"]) == 0
    err = capsys.readouterr().err
    assert "cli.mp4: 30 frames" in err and "LUFS integrated (EBU R128)" in err


def test_the_loudness_of_a_known_tone_matches_pyloudnorm(media: Path, tmp_path: Path) -> None:
    rate = 48000
    t = np.arange(rate * 3) / rate
    tone = np.stack([0.5 * np.sin(2 * np.pi * 1000 * t)] * 2, axis=1)
    meter = LoudnessMeter(rate)
    for at in range(0, len(tone), 2048):
        meter.add(tone[at : at + 2048])
    expected = pyloudnorm.Meter(rate).integrated_loudness(tone)
    assert meter.integrated() == pytest.approx(expected, abs=0.01)
    # a 1 kHz sine peaking at -6 dBFS in both channels: mean square 0.125 per channel, summed over
    # two channels 0.25 (-6.02 dB); K-weighting's +0.69 dB at 1 kHz cancels BS.1770's -0.691
    assert meter.integrated() == pytest.approx(-6.02, abs=0.1)
    # and an export reports the loudness of what it wrote (the 440 Hz tone of the test media)
    timeline = document.new_project(size=(160, 120))
    picture, sound = clips_for(media / "a.mp4", 30.0, 60)
    edits.append(timeline, {"V1": picture, "A1": sound})
    result = export_mp4(timeline, tmp_path / "tone.mp4", FAST)
    with av.open(str(tmp_path / "tone.mp4")) as container:
        decoded = np.concatenate([f.to_ndarray().T for f in container.decode(audio=0)])
    assert result.loudness == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(decoded), abs=0.3)
    assert result_to_json(result)["loudness"] == round(result.loudness, 2)


def _shot_audio(length: int):
    from engine.project.clips import media_clip, media_reference
    from engine.project.times import tr

    ref = media_reference(f"/media/sound{length}.wav", tr(0, 300, 30.0))
    return media_clip(f"sound {length}", ref, 30.0, length, 0, document.AUDIO)


def _shot(length: int):
    from engine.project.clips import media_clip, media_reference
    from engine.project.times import tr

    ref = media_reference(f"/media/shot{length}.mp4", tr(0, 300, 30.0))
    return media_clip(f"shot {length}", ref, 30.0, length, 0, document.VIDEO)


def test_a_rate_change_conforms_the_cuts_inside_a_nested_sequence() -> None:
    timeline = document.new_project(rate=30)
    inner = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    for length in (30, 15, 55):
        inner.append(_shot(length))
    scene = otio.schema.Stack(name="Scene", children=[inner])
    document.track(timeline, "V1").append(scene)
    edits.append(timeline, {"V1": _shot(30)})
    change = change_settings(timeline, rate="25")
    nested_track = document.track(timeline, "V1")[0][0]
    cuts = [0]
    for item in nested_track:
        duration = item.source_range.duration
        assert duration.rate == 25.0 and duration.value == int(duration.value)
        cuts.append(cuts[-1] + int(duration.value))
    assert cuts == [0, 25, 38, 83]  # as on the top level: each inner cut on its nearest new frame
    outer = document.track(timeline, "V1")
    assert [int(i.source_range.duration.value) for i in outer] == [83, 25]
    assert outer[0].duration().rate == 25.0 and outer[0].duration().value == 83
    (moved,) = [m for m in change.result if m.item == "shot 55"]
    assert moved.new_frame == 38 and "Scene" in moved.track
    change.undo()
    assert [int(i.source_range.duration.value) for i in document.track(timeline, "V1")[0][0]] == [30, 15, 55]
    assert document.track(timeline, "V1")[0][0][0].source_range.duration.rate == 30.0


def test_an_export_measures_its_loudness_without_scipy_installed(
    media: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    """The desktop bundle has no scipy: its exports are measured all the same (the filters are ours)."""
    timeline = document.new_project(size=(160, 120))
    picture, sound = clips_for(media / "a.mp4", 30.0, 60)
    edits.append(timeline, {"V1": picture, "A1": sound})
    with_scipy = export_mp4(timeline, tmp_path / "with.mp4", FAST).loudness
    for name in [m for m in sys.modules if m == "scipy" or m.startswith(("scipy.", "pyloudnorm"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "scipy", None)  # any import of scipy now fails, as in the bundle
    monkeypatch.setitem(sys.modules, "pyloudnorm", None)
    result = export_mp4(timeline, tmp_path / "plain.mp4", FAST)
    assert result.frames == 60 and math.isfinite(result.loudness)
    assert result.loudness == pytest.approx(with_scipy, abs=1e-6)
    persistence.save(timeline, tmp_path / "film.otio")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    film, out = str(tmp_path / "film.otio"), str(tmp_path / "cli.mp4")
    assert cli_main(["export", film, "-o", out, "--x264-preset", "ultrafast"]) == 0
    assert f"loudness {result.loudness:.1f} LUFS integrated (EBU R128)" in capsys.readouterr().err


@pytest.mark.parametrize("rate", [44100, 48000])
def test_programme_loudness_matches_pyloudnorm_with_gating(rate: int) -> None:
    """Noise bursts with quiet stretches and silence between (the relative gate drops the quiet
    ones), fed in uneven blocks as playback and export feed it: the same figure as pyloudnorm's."""
    rng = np.random.default_rng(7)
    signal = np.concatenate(
        [level * rng.standard_normal((rate, 2)) for level in (0.3, 0.02, 0.0, 0.5, 0.005, 0.2)]
    )
    meter = LoudnessMeter(rate)
    at, sizes, fed = 0, [1, 511, 4096, 777, 48000], 0
    while at < len(signal):
        step = sizes[fed % len(sizes)]
        meter.add(signal[at : at + step])
        at, fed = at + step, fed + 1
    assert meter.integrated() == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(signal), abs=0.01)
