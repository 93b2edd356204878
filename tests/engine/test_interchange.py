"""Timelines from Premiere, Resolve, Avid, Final Cut and Kdenlive: open, relink from a folder, export
frame-exact; and Shotline's cut written for them.

Every foreign file here is written by OpenTimelineIO's own adapters
(tests/support/foreign.py) and points at media that are not where it says,
as a cut brought from another machine does. The stand-in media show their
frame index, so an export is checked frame by frame.
"""

from __future__ import annotations

import zipfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.cli.main import main as cli_main
from engine.demo import build_demo_project
from engine.errors import ExportError, ProjectFileError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.interchange import finishing
from engine.interchange.opening import open_timeline
from engine.interchange.relink import relink_folder
from engine.media.timecode import start_timecode
from engine.project import document, persistence, speed, titles, trackedit, transform
from engine.render import plan
from tests.support import foreign
from tests.support.foreign import RATE, SIMPLE_CUT, which
from tests.support.mediagen import write_video

FAST = ExportSettings(crf=12, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return foreign.write_media(tmp_path_factory.mktemp("footage"))


def pictures(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


def exported(timeline: otio.schema.Timeline, out: Path) -> list[np.ndarray]:
    export_mp4(timeline, out, FAST)
    return pictures(out)


def expect_simple_cut(frames: list[np.ndarray]) -> None:
    """The cut every simple fixture holds: c 5.., a 5-frame gap, d 10.., e 0.."""
    assert len(frames) == sum(length for length, _, _ in SIMPLE_CUT)
    at = 0
    for length, name, first in SIMPLE_CUT:
        for offset in (0, length - 1):
            picture = frames[at + offset]
            if name is None:
                assert picture.mean() < 12, f"frame {at + offset} should be black (a gap)"
            else:
                assert which(picture) == (name, first + offset), f"frame {at + offset}"
        at += length


# reading: each format converts, relinks and exports the right frames ------------------------------


def test_an_edl_at_25_fps_opens_offline_by_reel_relinks_by_name_and_exports_the_camera_timecode_frames(
    tmp_path, media, capsys
):
    edl = foreign.write_edl(tmp_path)
    project = tmp_path / "scene12.otio"
    assert cli_main(["convert", str(edl), str(project), "--rate", "25"]) == 0
    err = capsys.readouterr().err
    assert "offline: shot_a.mov: no media file (reel A001)" in err
    assert "offline: B camera: no media file (reel SHOT_B)" in err

    assert cli_main(["info", str(project)]) == 0
    out = capsys.readouterr().out
    assert "at 25.000 fps" in out and "offline: B camera: no media file (reel SHOT_B)" in out

    with pytest.raises(ExportError, match="B camera \\(reel SHOT_B\\) is offline"):
        export_mp4(persistence.load(project).timeline, tmp_path / "early.mp4", FAST)
    assert not (tmp_path / "early.mp4").exists()

    assert cli_main(["relink", str(project), "--search", str(media)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Relinked 2 clip(s); 0 still offline."
    loaded = persistence.load(project)
    assert loaded.offline == []
    assert document.settings(loaded.timeline).width == 160  # the size came from the first relinked file

    frames = exported(loaded.timeline, tmp_path / "scene12.mp4")
    # A from 01:00:00:10 (its frame 10), a 10-frame dissolve, B from 01:00:10:05 (its frame 5)
    assert len(frames) == 55
    assert [which(frames[i]) for i in (0, 19)] == [("shot_a", 10), ("shot_a", 29)]
    assert [which(frames[i]) for i in (30, 54)] == [("shot_b", 10), ("shot_b", 34)]
    middle = frames[25][90:].reshape(-1, 3).mean(axis=0)  # half red, half green in the dissolve
    assert 80 < middle[0] < 160 and 80 < middle[1] < 160


def test_an_fcp7_xml_from_premiere_keeps_its_nested_sequence_and_disabled_clip_and_renders_both(
    tmp_path, media
):
    loaded = open_timeline(foreign.write_fcp7_xml(tmp_path))
    v1 = document.track(loaded.timeline, "V1")
    kinds = [type(item).__name__ for item in v1]
    assert kinds == ["Clip", "Stack", "Clip"]
    assert v1[2].enabled is False
    assert {name for name, _ in loaded.offline} == {"c", "d", "e", "f"}

    _, report = relink_folder(loaded.timeline, media)
    assert len(report.relinked) == 5 and report.offline == []
    frames = exported(loaded.timeline, tmp_path / "premiere.mp4")
    assert len(frames) == 50
    assert [which(frames[i]) for i in (0, 19)] == [("c", 5), ("c", 24)]
    # the nested sequence shows its own range (5..25): d 5..14, then e from 10
    assert [which(frames[i]) for i in (20, 29, 30, 39)] == [("d", 5), ("d", 14), ("e", 10), ("e", 19)]
    assert frames[45].mean() < 12  # the disabled clip does not play


@pytest.mark.parametrize("writer", [foreign.write_aaf, foreign.write_fcpxml, foreign.write_kdenlive])
def test_an_avid_aaf_a_resolve_fcpxml_and_a_kdenlive_project_relink_and_export_frame_exact(
    tmp_path, media, writer
):
    path = writer(tmp_path)
    project = tmp_path / "converted.otio"
    assert cli_main(["convert", str(path), str(project)]) == 0
    assert cli_main(["relink", str(project), "--search", str(media), "--recursive"]) == 0
    loaded = persistence.load(project)
    assert loaded.offline == []
    assert document.settings(loaded.timeline).rate == RATE
    settings = ExportSettings(crf=12, x264_preset="ultrafast", width=160, height=120)
    export_mp4(loaded.timeline, tmp_path / "out.mp4", settings)
    expect_simple_cut(pictures(tmp_path / "out.mp4"))


def test_a_file_with_several_timelines_names_them_until_one_is_chosen(tmp_path, capsys):
    first, second = otio.schema.Timeline("Assembly"), otio.schema.Timeline("Fine cut")
    for timeline in (first, second):
        track = otio.schema.Track("V1", kind="Video")
        track.append(
            otio.schema.Clip(
                "x", otio.schema.MissingReference(), foreign.TR(foreign.RT(0, 25), foreign.RT(10, 25))
            )
        )
        timeline.tracks.append(track)
    xml = tmp_path / "two.xml"
    xml.write_text(
        otio.adapters.write_to_string(otio.schema.SerializableCollection(children=[first, second]), "fcp_xml")
    )

    assert cli_main(["convert", str(xml), str(tmp_path / "out.otio")]) == 2
    err = capsys.readouterr().err
    assert "holds 2 timelines (1 'Assembly', 2 'Fine cut')" in err and "--timeline" in err
    assert cli_main(["convert", str(xml), str(tmp_path / "out.otio"), "--timeline", "Fine cut"]) == 0
    assert persistence.load(tmp_path / "out.otio").timeline.name == "Fine cut"
    assert cli_main(["convert", str(xml), str(tmp_path / "out2.otio"), "--timeline", "3"]) == 2
    assert "has no timeline '3'" in capsys.readouterr().err


def test_an_unknown_extension_and_a_damaged_file_get_one_line_each(tmp_path, capsys):
    bad = tmp_path / "cut.edl"
    bad.write_text("001  AX  V  C  garbage\n")
    assert cli_main(["convert", str(bad), str(tmp_path / "x.otio"), "--rate", "25"]) == 2
    assert "cut.edl is not a readable CMX 3600 EDL file" in capsys.readouterr().err
    assert cli_main(["convert", str(bad), str(tmp_path / "x.mov")]) == 2
    assert "Shotline reads and writes timelines as .otio" in capsys.readouterr().err


# foreign structure kept: data tracks, edge transitions, disabled clips --------------------------


def test_a_data_track_is_kept_aside_unrendered_and_written_back_on_export(tmp_path, media):
    timeline = otio.schema.Timeline("With subtitles", global_start_time=foreign.RT(0, RATE))
    video = otio.schema.Track("V1", kind="Video")
    video.append(
        otio.schema.Clip(
            "c",
            otio.schema.ExternalReference(str(media / "c.mov")),
            foreign.TR(foreign.RT(0, RATE), foreign.RT(10, RATE)),
        )
    )
    data = otio.schema.Track("Subtitles", kind="Data")
    data.append(otio.schema.Gap(source_range=foreign.TR(foreign.RT(0, RATE), foreign.RT(10, RATE))))
    timeline.tracks.extend([video, data])
    source = tmp_path / "data.otio"
    otio.adapters.write_to_file(timeline, str(source))

    loaded = open_timeline(source)
    assert [t.name for t in document.tracks(loaded.timeline)] == ["V1"]
    persistence.save(loaded.timeline, tmp_path / "saved.otio")
    again = persistence.load(tmp_path / "saved.otio")
    finishing.export_timeline(again.timeline, tmp_path / "for-resolve.otio")
    written = otio.adapters.read_from_file(str(tmp_path / "for-resolve.otio"))
    assert [(t.name, t.kind) for t in written.tracks] == [("V1", "Video"), ("Subtitles", "Data")]


def test_a_transition_at_a_tracks_start_and_end_fades_the_clip_in_and_out(tmp_path, media):
    timeline = document.new_project(rate=RATE, size=(160, 120))
    track = document.track(timeline, "V1")
    clip = otio.schema.Clip(
        "c",
        otio.schema.ExternalReference(str(media / "c.mov")),
        foreign.TR(foreign.RT(0, RATE), foreign.RT(20, RATE)),
    )
    fade = otio.schema.TransitionTypes.SMPTE_Dissolve
    track.extend(
        [
            otio.schema.Transition(
                transition_type=fade, in_offset=foreign.RT(0, RATE), out_offset=foreign.RT(5, RATE)
            ),
            clip,
            otio.schema.Transition(
                transition_type=fade, in_offset=foreign.RT(5, RATE), out_offset=foreign.RT(0, RATE)
            ),
        ]
    )
    persistence.save(timeline, tmp_path / "edges.otio")
    loaded = persistence.load(tmp_path / "edges.otio")
    assert sum(isinstance(i, otio.schema.Transition) for i in document.track(loaded.timeline, "V1")) == 2
    weights = [sum(layer.weight for layer in plan.video_layers(loaded.timeline, f)) for f in range(20)]
    assert weights[0] < weights[2] < weights[4] < 1.0
    assert weights[5:15] == [1.0] * 10
    assert 1.0 > weights[15] > weights[17] > weights[19] > 0


def test_a_disabled_clip_on_an_upper_track_lets_the_lower_one_show(media):
    timeline = document.new_project(rate=RATE, size=(160, 120))
    for name, source in (("V1", "c"), ("V2", "d")):
        clip = otio.schema.Clip(
            source,
            otio.schema.ExternalReference(str(media / f"{source}.mov")),
            foreign.TR(foreign.RT(0, RATE), foreign.RT(10, RATE)),
        )
        document.track(timeline, name).append(clip)
    assert plan.video_layers(timeline, 3)[0].clip.name == "d"
    document.track(timeline, "V2")[0].enabled = False
    assert plan.video_layers(timeline, 3)[0].clip.name == "c"


# relinking: re-probed, not trusted ------------------------------------------------------------------


def test_relink_refuses_a_file_too_short_for_its_clip_and_notes_one_at_another_rate(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    write_video(folder / "long.mov", frames=20, rate=Fraction(RATE))
    write_video(folder / "other.mov", frames=60, rate=Fraction(30))
    timeline = document.new_project(rate=RATE, size=(160, 120))
    track = document.track(timeline, "V1")
    for name, frames in (("long", 40), ("other", 20)):
        ref = otio.schema.ExternalReference(
            f"/gone/{name}.mov", foreign.TR(foreign.RT(0, RATE), foreign.RT(60, RATE))
        )
        track.append(otio.schema.Clip(name, ref, foreign.TR(foreign.RT(0, RATE), foreign.RT(frames, RATE))))

    change, report = relink_folder(timeline, folder)
    assert [name for name, _ in report.relinked] == ["other"]
    assert report.notes == ["other: other.mov is 30.000 fps, the clip's media was 25.000 fps"]
    assert report.offline == [
        "long: long.mov holds 00:00:00:00-00:00:00:20 but long uses 00:00:00:00-00:00:01:15"
    ]
    assert track[0].media_reference.target_url == "/gone/long.mov"  # refused: left as it was
    change.undo()
    assert track[1].media_reference.target_url == "/gone/other.mov"


def test_relink_by_stem_and_by_duration_when_names_differ(tmp_path, media):
    timeline = document.new_project(rate=RATE, size=(160, 120))
    track = document.track(timeline, "V1")
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    (renamed / "card_0042.mov").write_bytes((media / "e.mov").read_bytes())
    by_stem = otio.schema.ExternalReference(
        "/gone/c.mxf", foreign.TR(foreign.RT(0, RATE), foreign.RT(60, RATE))
    )
    by_length = otio.schema.ExternalReference(
        "/gone/A003C012.mov", foreign.TR(foreign.RT(0, RATE), foreign.RT(60, RATE))
    )
    track.append(otio.schema.Clip("c", by_stem, foreign.TR(foreign.RT(0, RATE), foreign.RT(10, RATE))))
    track.append(otio.schema.Clip("x", by_length, foreign.TR(foreign.RT(0, RATE), foreign.RT(10, RATE))))
    (renamed / "c.mov").write_bytes((media / "c.mov").read_bytes())
    _, report = relink_folder(timeline, renamed)
    assert {(name, path.name) for name, path in report.relinked} == {("c", "c.mov"), ("x", "card_0042.mov")}


def test_a_start_timecode_is_read_from_the_file(media):
    assert start_timecode(media / "shot_b.mov", Fraction(RATE)) == foreign.tc("01:00:10:00")
    assert start_timecode(media / "c.mov", Fraction(RATE)) is None


# writing for other editors ----------------------------------------------------------------------------


def _two_video_tracks(media: Path) -> otio.schema.Timeline:
    timeline = document.new_project(rate=RATE, size=(160, 120), video_tracks=3)
    for name, source in (("V1", "c"), ("V2", "d")):
        clip = otio.schema.Clip(
            source,
            otio.schema.ExternalReference(str(media / f"{source}.mov")),
            foreign.TR(foreign.RT(0, RATE), foreign.RT(10, RATE)),
        )
        document.track(timeline, name).append(clip)
    return timeline


def test_an_edl_is_written_per_video_track_with_empty_tracks_dropped(tmp_path, media):
    result = finishing.export_timeline(_two_video_tracks(media), tmp_path / "cut.edl")
    assert [p.name for p in result.paths] == ["cut_V1.edl", "cut_V2.edl"]
    assert (
        "c.mov" in (tmp_path / "cut_V1.edl").read_text() and "d.mov" in (tmp_path / "cut_V2.edl").read_text()
    )
    assert not (tmp_path / "cut.edl").exists()


def test_fcp_xml_has_absolute_file_urls_and_the_frame_size(tmp_path, media):
    finishing.export_timeline(_two_video_tracks(media), tmp_path / "cut.xml")
    text = (tmp_path / "cut.xml").read_text()
    assert f"<pathurl>{(media / 'c.mov').as_uri()}</pathurl>" in text
    assert "<width>160</width>" in text and "<height>120</height>" in text
    back = open_timeline(tmp_path / "cut.xml")
    assert (document.settings(back.timeline).width, document.settings(back.timeline).height) == (160, 120)


def test_a_failed_export_leaves_no_file_behind(tmp_path, media, monkeypatch):
    def half_then_fail(timeline, path, **kwargs):
        Path(path).write_bytes(b"half an AAF")
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(otio.adapters, "write_to_file", half_then_fail)
    with pytest.raises(ExportError, match=r"Could not write cut\.aaf as AAF: the disk went away"):
        finishing.export_timeline(_two_video_tracks(media), tmp_path / "cut.aaf")
    assert list(tmp_path.iterdir()) == []


def test_what_a_format_cannot_carry_is_one_warning_line(tmp_path, media, capsys):
    timeline = _two_video_tracks(media)
    clip = document.track(timeline, "V1")[0]
    take = otio.schema.ExternalReference(str(media / "e.mov"))
    take.metadata["shotline"] = {"generated": True, "prompt": "a lighthouse"}
    clip.set_media_references({"DEFAULT_MEDIA": clip.media_reference, "take2": take}, "DEFAULT_MEDIA")
    document.shotline_meta(clip)["fade_in"] = 5
    persistence.save(timeline, tmp_path / "p.otio")
    assert cli_main(["convert", str(tmp_path / "p.otio"), str(tmp_path / "p.kdenlive")]) == 0
    warning = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert warning == [
        "shotline convert: warning: p.kdenlive cannot carry: takes (1 clip); generated provenance (1 clip); "
        "effects (1 clip)"
    ]
    assert cli_main(["convert", str(tmp_path / "p.otio"), str(tmp_path / "copy.otio")]) == 0
    assert "warning" not in capsys.readouterr().err
    again = persistence.load(tmp_path / "copy.otio").timeline
    kept = document.track(again, "V1")[0]
    assert kept.media_references()["take2"].metadata["shotline"]["prompt"] == "a lighthouse"
    assert (
        kept.media_references()["take2"].target_url == (media / "e.mov").as_uri()
        or Path(kept.media_references()["take2"].target_url) == media / "e.mov"
    )


# bundles -----------------------------------------------------------------------------------------------


def test_an_otioz_bundle_carries_every_take_and_opens_relinked_next_to_itself(tmp_path, media):
    timeline = _two_video_tracks(media)
    clip = document.track(timeline, "V1")[0]
    clip.set_media_references(
        {"DEFAULT_MEDIA": clip.media_reference, "take2": otio.schema.ExternalReference(str(media / "e.mov"))},
        "DEFAULT_MEDIA",
    )
    result = finishing.export_timeline(timeline, tmp_path / "handoff.otioz")
    with zipfile.ZipFile(result.paths[0]) as archive:
        assert sorted(archive.namelist()) == [
            "content.otio",
            "media/c.mov",
            "media/d.mov",
            "media/e.mov",
            "version.txt",
        ]
    # OTIO's own reader opens it too
    assert isinstance(otio.adapters.read_from_file(str(result.paths[0])), otio.schema.Timeline)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = (tmp_path / "handoff.otioz").rename(elsewhere / "handoff.otioz")
    loaded = open_timeline(moved)
    assert loaded.offline == []
    refs = document.track(loaded.timeline, "V1")[0].media_references()
    assert Path(refs["take2"].target_url) == elsewhere / "handoff" / "media" / "e.mov"
    assert open_timeline(moved).offline == []  # a second open reuses the unpacked folder


def test_a_bundle_with_names_leaving_its_folder_is_refused(tmp_path):
    evil = tmp_path / "evil.otioz"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("content.otio", otio.adapters.write_to_string(otio.schema.Timeline(), "otio_json"))
        archive.writestr("../outside.txt", "x")
    with pytest.raises(ProjectFileError, match="holds a file outside its folder"):
        open_timeline(evil)
    assert not (tmp_path / "outside.txt").exists()


# Shotline's demo, written for each editor and read back ------------------------------------------------


def _picture_map(timeline: otio.schema.Timeline) -> dict[int, tuple[str, int]]:
    """What each frame shows where one clip shows alone: (clip name, source frame)."""
    rate = document.settings(timeline).rate
    end = max(trackedit.track_end(t, rate) for t in document.tracks(timeline))
    shown = {}
    for frame in range(end):
        layers = plan.video_layers(timeline, frame)
        if len(layers) == 1 and layers[0].weight == 1.0:
            shown[frame] = (layers[0].clip.name, layers[0].source_frame)
    return shown


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return build_demo_project(tmp_path_factory.mktemp("demo"))


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".otio", ".otioz", ".edl", ".xml", ".fcpxml", ".aaf", ".kdenlive"])
def test_the_demo_exports_to_each_format_and_reads_back_with_the_same_cuts(tmp_path, demo, suffix, capsys):
    out = tmp_path / f"demo{suffix}"
    assert cli_main(["convert", str(demo), str(out), "--rate", "30"]) == 0
    written = capsys.readouterr()
    assert written.out.split() == [str(out)]  # one file: the demo's empty V2 was dropped, not a second EDL
    back = open_timeline(out, rate=30.0)
    assert back.offline == []
    original = persistence.load(demo).timeline
    before, after = _picture_map(original), _picture_map(back.timeline)
    both = before.keys() & after.keys()
    assert len(both) >= 370  # all but the dissolve's frames
    assert {f: before[f] for f in both} == {f: after[f] for f in both}
    assert max(before) == max(after)
    if suffix not in (".otio", ".otioz"):
        assert "cannot carry: effects (1 clip)" in written.err  # the music's gain and fades
    if suffix == ".edl":
        assert "sound (2 tracks)" in written.err
        assert "file://" in out.read_bytes().decode("utf-8", "replace") or suffix in (".aaf", ".kdenlive")


SPEED_CARRIED = (".otio", ".otioz", ".edl", ".xml", ".kdenlive")


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".otio", ".otioz", ".edl", ".xml", ".fcpxml", ".aaf", ".kdenlive"])
def test_the_demo_with_a_title_a_speed_change_and_a_transform_reads_back_with_the_same_cuts(
    tmp_path, demo, suffix, capsys
):
    timeline = persistence.load(demo).timeline
    shots = {c.name: document.clip_id(c) for c in document.track(timeline, "V1").find_clips()}
    speed.set_speed(timeline, shots["Dawn"], 200)  # 60 frames now, a gap after it
    transform.set_transform(timeline, shots["Sea"], scale=1.5)
    titles.add_title(timeline, "Lower third", at=150, frames=30)  # over City, on V2
    project = tmp_path / "finished.otio"
    persistence.save(timeline, project)
    out = tmp_path / f"finished{suffix}"
    assert cli_main(["convert", str(project), str(out), "--rate", "30"]) == 0
    err = capsys.readouterr().err
    back = open_timeline(out, rate=30.0)
    assert back.offline == []
    before, after = _picture_map(persistence.load(project).timeline), _picture_map(back.timeline)
    assert before[10] == ("Dawn", 2 * 10)  # from its in frame (0), every other frame
    assert 100 not in before  # the gap after Dawn shows nothing
    assert before[160] == ("Name", 10)  # the title, drawn over City
    if suffix in SPEED_CARRIED:
        assert after[10] == before[10]
    else:
        assert after[10] == ("Dawn", 10)  # at normal speed over the same cut, and named
        assert "speed changes (" in err
        before = {f: shown for f, shown in before.items() if shown[0] != "Dawn"}
    if suffix not in (".otio", ".otioz"):
        before = {f: shown for f, shown in before.items() if shown[0] != "Name"}
    both = before.keys() & after.keys()
    assert len(both) >= (250 if suffix in SPEED_CARRIED else 190)
    assert {f: before[f] for f in both} == {f: after[f] for f in both}
    assert 100 not in after  # the gap stays a gap
    if suffix not in (".otio", ".otioz"):
        assert after[160] == ("City", 15 + 40)  # the title went as a gap: City shows
        assert "titles (1 clip)" in err and "effects (2 clips)" in err  # the Sea's transform, the music


def test_a_nested_sequence_on_an_audio_track_is_heard_from_its_own_range(media):
    timeline = document.new_project(rate=RATE, size=(160, 120))
    nested = otio.schema.Stack(
        "Nested audio", source_range=foreign.TR(foreign.RT(4, RATE), foreign.RT(10, RATE))
    )
    inner = otio.schema.Track("A1", kind="Audio")
    c = otio.schema.Clip(
        "c",
        otio.schema.ExternalReference(str(media / "c.mov")),
        foreign.TR(foreign.RT(2, RATE), foreign.RT(20, RATE)),
    )
    inner.append(c)
    nested.append(inner)
    outer = document.track(timeline, "A1")
    outer.append(otio.schema.Gap(source_range=foreign.TR(foreign.RT(0, RATE), foreign.RT(5, RATE))))
    outer.append(nested)
    second = 48000 // RATE  # samples per frame at 25 fps
    segments = plan.audio_segments(timeline, 0, 20 * second)
    assert [(s.clip.name, s.out_start, s.count, s.source_sample) for s in segments] == [
        ("c", 5 * second, 10 * second, (2 + 4) * second)  # heard at frame 5, from its source frame 6
    ]
    c.enabled = False
    assert plan.audio_segments(timeline, 0, 20 * second) == []
