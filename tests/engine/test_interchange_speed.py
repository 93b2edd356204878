"""Speed, reverse and freeze frames on the way to other editors and back.

FCP 7 XML carries constant speed and reverse as Premiere's Time Remap filter,
an EDL carries speed (M2) and freeze frames (FF), Kdenlive speed and reverse;
what a format cannot carry is named in the one-line warning of
`shotline convert`, and the rest of the cut still arrives.
"""

from __future__ import annotations

from pathlib import Path

import av
import opentimelineio as otio
import pytest

from engine.cli.main import main as cli_main
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.interchange import finishing
from engine.interchange.opening import open_timeline
from engine.media.reference import clips_for
from engine.project import edits, persistence, speed, timewarp
from engine.project.document import clip_id, new_project
from engine.project.times import rt
from tests.support.mediagen import read_index, write_video

RATE = 30.0
FAST = ExportSettings(crf=18, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("interchange-speed")
    write_video(folder / "count.mp4", frames=120, gop=10)
    return folder


def speedy_cut(media: Path) -> otio.schema.Timeline:
    """200%, 50%, reversed, then a clip whose second half is a freeze frame."""
    timeline = new_project(size=(160, 120))
    for percent, reverse in ((200, False), (50, False), (100, True)):
        pic = clips_for(media / "count.mp4", RATE, 20, 10)[0]
        edits.append(timeline, {"V1": pic})
        speed.set_speed(timeline, clip_id(pic), percent, reverse=reverse)
    pic = clips_for(media / "count.mp4", RATE, 20, 10)[0]
    edits.append(timeline, {"V1": pic})
    speed.freeze_frame(timeline, clip_id(pic), rt(85, RATE))
    return timeline


def scalars(timeline: otio.schema.Timeline) -> list[float]:
    return [float(timewarp.time_scalar(c)) for c in timeline.find_clips()]


def shown(timeline: otio.schema.Timeline, path: Path) -> list[int]:
    export_mp4(timeline, path, FAST)
    with av.open(str(path)) as container:
        return [read_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]


def test_fcp7_xml_carries_speed_and_reverse_and_plays_them_back(media, tmp_path):
    cut = speedy_cut(media)
    result = finishing.export_timeline(cut, tmp_path / "for-premiere.xml")
    assert result.warning == "for-premiere.xml cannot carry: freeze frames (1 clip)"
    text = (tmp_path / "for-premiere.xml").read_text()
    assert text.count("<effectid>timeremap</effectid>") == 3
    # Premiere's in/out are source frames: the 200% clip's 10 frames cover source 10..30
    assert "<in>10</in>" in text and "<out>30</out>" in text
    opened = open_timeline(tmp_path / "for-premiere.xml").timeline
    assert scalars(opened) == [2.0, 0.5, -1.0, 1.0, 1.0]  # the hold plays its first frame on
    frames = shown(opened, tmp_path / "back.mp4")
    assert frames[:10] == [10 + 2 * i for i in range(10)]
    assert frames[10:50] == [10 + i // 2 for i in range(40)]
    assert frames[50:70] == list(range(29, 9, -1))


def test_an_edl_carries_speed_and_freeze_frames_and_names_what_it_loses(media, tmp_path):
    result = finishing.export_timeline(speedy_cut(media), tmp_path / "cut.edl")
    assert result.warning == "cut.edl cannot carry: reversed clips (1 clip)"
    opened = open_timeline(tmp_path / "cut.edl", rate=RATE).timeline
    assert scalars(opened) == [2.0, 0.5, 1.0, 1.0, 0.0]


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("cut.fcpxml", "speed changes (2 clips); reversed clips (1 clip); freeze frames (1 clip)"),
        ("cut.aaf", "speed changes (2 clips); reversed clips (1 clip); freeze frames (1 clip)"),
        ("cut.kdenlive", "reversed clips (1 clip); freeze frames (1 clip)"),
        ("cut.otio", None),
    ],
)
def test_shotline_convert_names_the_speed_effects_a_format_cannot_carry(
    media, tmp_path, capsys, name, warning
):
    project = tmp_path / "speedy.otio"
    persistence.save(speedy_cut(media), project)
    assert cli_main(["convert", str(project), str(tmp_path / name)]) == 0
    err = capsys.readouterr().err
    if warning is None:
        assert "warning" not in err
        assert scalars(open_timeline(tmp_path / name).timeline) == [2.0, 0.5, -1.0, 1.0, 0.0]
    else:
        assert f"shotline convert: warning: {name} cannot carry: {warning}" in err
    assert (tmp_path / name).exists()


def test_a_speed_ramp_goes_to_other_editors_as_its_average_speed_and_is_named(media, tmp_path):
    from engine.project import speed_ramp

    timeline = new_project(size=(160, 120))
    pic = clips_for(media / "count.mp4", RATE, 30, 10)[0]
    edits.append(timeline, {"V1": pic})
    length = speed_ramp.apply_preset(timeline, clip_id(pic)).result
    result = finishing.export_timeline(timeline, tmp_path / "ramped.xml")
    assert result.warning == "ramped.xml cannot carry: speed ramps (1 clip)"
    opened = open_timeline(tmp_path / "ramped.xml").timeline
    # the same length on the track, covering the same 30 source frames at the ramp's mean speed
    (clip,) = opened.find_clips()
    assert clip.source_range.duration.value == length
    mean = float(timewarp.time_scalar(pic))  # the source frames the curve plays, per frame
    assert abs(mean * length - 30) < 1  # other editors' clip covers the same media, to the frame
    assert scalars(opened)[0] == pytest.approx(mean, abs=1e-4)
    edl = finishing.export_timeline(timeline, tmp_path / "ramped.edl")
    assert edl.warning == "ramped.edl cannot carry: speed ramps (1 clip)"


def test_an_edl_writes_a_speed_events_source_out_as_in_plus_record_length_times_speed(media, tmp_path):
    timeline = new_project(size=(160, 120))
    for percent in (50, 200):
        pic = clips_for(media / "count.mp4", RATE, 20, 10)[0]  # source frames 10..29
        edits.append(timeline, {"V1": pic})
        speed.set_speed(timeline, clip_id(pic), percent)
    finishing.export_timeline(timeline, tmp_path / "speeds.edl")
    events = [line.split() for line in (tmp_path / "speeds.edl").read_text().splitlines()]
    cuts = [e[4:8] for e in events if e and e[0].isdigit()]
    # 50%: 40 record frames play source 10..29; 200%: 10 record frames play source 10..29
    assert cuts == [
        ["00:00:00:10", "00:00:01:00", "00:00:00:00", "00:00:01:10"],
        ["00:00:00:10", "00:00:01:00", "00:00:01:10", "00:00:01:20"],
    ]
    assert [e[2] for e in events if e and e[0] == "M2"] == ["15.0", "60.0"]
    opened = open_timeline(tmp_path / "speeds.edl", rate=RATE).timeline
    assert scalars(opened) == [0.5, 2.0]
    ranges = [(c.source_range.start_time.value, c.source_range.duration.value) for c in opened.find_clips()]
    assert ranges == [(10, 40), (10, 10)]
    frames = shown(opened, tmp_path / "back.mp4")
    assert frames == [10 + i // 2 for i in range(40)] + [10 + 2 * i for i in range(10)]


def test_a_resolve_edl_whose_speed_event_keeps_the_record_length_as_source_length_plays_at_speed(
    media, tmp_path
):
    (tmp_path / "count.mp4").symlink_to(media / "count.mp4")
    (tmp_path / "resolve.edl").write_text(
        "TITLE: Timeline 1\nFCM: NON-DROP FRAME\n\n"
        "001  AX       V     C        00:00:00:20 00:00:00:25 01:00:00:00 01:00:00:05  \n"
        "M2   AX             060.0                00:00:00:20 \n"
        "* FROM CLIP NAME: count.mp4\n"
        "002  AX       V     C        00:00:00:10 00:00:00:15 01:00:00:05 01:00:00:10  \n"
        "* FROM CLIP NAME: count.mp4\n"
    )
    opened = open_timeline(tmp_path / "resolve.edl", rate=RATE).timeline
    assert scalars(opened) == [2.0, 1.0]


def test_a_kdenlive_speed_change_survives_the_round_trip(media, tmp_path):
    timeline = new_project(size=(160, 120))
    for percent in (200, 50):
        pic = clips_for(media / "count.mp4", RATE, 20, 10)[0]  # source frames 10..29
        edits.append(timeline, {"V1": pic})
        speed.set_speed(timeline, clip_id(pic), percent)
    finishing.export_timeline(timeline, tmp_path / "speeds.kdenlive")
    assert (tmp_path / "speeds.kdenlive").read_text().count('<property name="mlt_service">timewarp<') >= 2
    opened = open_timeline(tmp_path / "speeds.kdenlive").timeline
    clips = list(opened.find_clips())
    assert scalars(opened) == [2.0, 0.5]
    assert [c.name for c in clips] == ["count", "count"]
    ranges = [(c.source_range.start_time.value, c.source_range.duration.value) for c in clips]
    assert ranges == [(10, 10), (10, 40)]
    frames = shown(opened, tmp_path / "back.mp4")
    assert frames == [10 + 2 * i for i in range(10)] + [10 + i // 2 for i in range(40)]


def test_an_edl_that_fades_up_from_black_and_down_to_black_reads_back_with_both_fades(media, tmp_path):
    timeline = new_project(size=(160, 120))
    pic = clips_for(media / "count.mp4", RATE, 20, 10)[0]
    edits.append(timeline, {"V1": pic})
    track = timeline.tracks[0]
    dissolve = otio.schema.TransitionTypes.SMPTE_Dissolve
    track.insert(
        0, otio.schema.Transition(transition_type=dissolve, in_offset=rt(0, RATE), out_offset=rt(5, RATE))
    )
    track.append(
        otio.schema.Transition(transition_type=dissolve, in_offset=rt(4, RATE), out_offset=rt(0, RATE))
    )
    finishing.export_timeline(timeline, tmp_path / "fades.edl")
    text = (tmp_path / "fades.edl").read_text()
    assert "001  BL" in text and " D 005 " in text  # a dissolve from a zero-length black event
    opened = open_timeline(tmp_path / "fades.edl", rate=RATE).timeline
    items = list(opened.tracks[0])
    assert [type(i).__name__ for i in items] == ["Transition", "Clip", "Transition"]
    assert (items[0].in_offset.value, items[0].out_offset.value) == (0, 5)
    assert (items[2].in_offset.value, items[2].out_offset.value) == (4, 0)
    assert items[1].source_range.start_time.value == 10 and items[1].source_range.duration.value == 20


@pytest.mark.parametrize("suffix", [".fcpxml", ".aaf"])
def test_a_disabled_clip_goes_to_fcpxml_and_aaf_as_a_gap_and_is_named(media, tmp_path, suffix):
    timeline = new_project(size=(160, 120))
    for _ in range(2):
        edits.append(timeline, {"V1": clips_for(media / "count.mp4", RATE, 20, 10)[0]})
    first = next(iter(timeline.find_clips()))
    first.enabled = False
    result = finishing.export_timeline(timeline, tmp_path / f"cut{suffix}")
    assert "disabled clips (1 item)" in result.warning
    opened = open_timeline(tmp_path / f"cut{suffix}", rate=RATE).timeline
    clips = list(opened.find_clips())
    assert len(clips) == 1 and clips[0].enabled  # the disabled one is not played by the other editor
    assert opened.tracks[0].range_of_child(clips[0]).start_time.value == 20
