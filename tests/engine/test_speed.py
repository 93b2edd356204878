"""Speed, reverse and freeze frame: the edits, and the frames and sound an export really has.

The test media burn each frame's own number into the picture, so an exported
frame says exactly which source frame it shows.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.project import document, edits, persistence, speed, timewarp, trackedit
from engine.project.document import clip_id, new_project
from engine.project.times import rt
from engine.render.video import Renderer, render_picture, video_frame
from tests.support.mediagen import read_index, write_video

RATE = 30.0
SIZE = (160, 120)
FAST = ExportSettings(crf=18, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("speed-media")
    write_video(folder / "count.mp4", frames=120, tone_hz=440, gop=10)
    write_video(folder / "other.mp4", frames=60, color=(200, 60, 30), gop=10)
    return folder


def one_clip(media: Path, frames: int = 20, start: int = 10) -> tuple[otio.schema.Timeline, str]:
    """A project with `count.mp4` frames [start, start+frames) on V1/A1 (linked)."""
    timeline = new_project(size=SIZE)
    pic, snd = clips_for(media / "count.mp4", RATE, frames, start)
    edits.append(timeline, {"V1": pic, "A1": snd})
    return timeline, clip_id(pic)


def v1(timeline: otio.schema.Timeline) -> list[tuple[str, int, int]]:
    return [
        (type(slot.item).__name__, slot.start, slot.end)
        for slot in trackedit.layout(document.track(timeline, "V1"), RATE)
    ]


def exported_indices(timeline: otio.schema.Timeline, path: Path) -> list[int]:
    export_mp4(timeline, path, FAST)
    with av.open(str(path)) as container:
        return [read_index(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)]


def sound_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    return samples / 48000


def test_half_speed_shows_every_source_frame_twice_and_lasts_twice_as_long(media, tmp_path):
    timeline, ident = one_clip(media)
    change = speed.set_speed(timeline, ident, 50)
    assert change.result == 40
    assert v1(timeline) == [("Clip", 0, 40)]
    shown = exported_indices(timeline, tmp_path / "slow.mp4")
    assert shown == [10 + i // 2 for i in range(40)]
    # the linked sound follows: same length, and the export's sound lasts as long as its picture
    a1 = trackedit.layout(document.track(timeline, "A1"), RATE)
    assert [(s.start, s.end) for s in a1] == [(0, 40)]
    assert sound_seconds(tmp_path / "slow.mp4") == pytest.approx(40 / RATE, abs=0.03)


def test_double_speed_shows_every_other_frame(media, tmp_path):
    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, 200)
    assert v1(timeline) == [("Clip", 0, 10)]
    assert exported_indices(timeline, tmp_path / "fast.mp4") == [10 + 2 * i for i in range(10)]
    assert sound_seconds(tmp_path / "fast.mp4") == pytest.approx(10 / RATE, abs=0.03)


def test_double_speed_sound_keeps_its_pitch(media):
    from engine.render.audio import audio

    timeline, ident = one_clip(media, frames=60)
    speed.set_speed(timeline, ident, 200)
    samples = audio(timeline, 0, 48000)[:, 0]  # the whole 1 s clip (30 frames at 200%)
    spectrum = np.abs(np.fft.rfft(samples[4800:43200] * np.hanning(38400)))
    peak_hz = np.argmax(spectrum) * 48000 / 38400
    assert abs(peak_hz - 440) < 15  # played twice as fast but still 440 Hz, not 880


def test_reverse_plays_last_to_first_and_is_silent(media, tmp_path):
    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, 100, reverse=True)
    assert v1(timeline) == [("Clip", 0, 20)]
    assert exported_indices(timeline, tmp_path / "back.mp4") == list(range(29, 9, -1))
    from engine.render.audio import audio

    assert not np.any(audio(timeline, 0, 48000 * 20 // 30))


def test_freeze_frame_holds_the_playhead_frame_for_the_rest_of_the_clip(media, tmp_path):
    timeline, ident = one_clip(media)
    change = speed.freeze_frame(timeline, ident, rt(8, RATE))
    held = document.find_clip(timeline, change.result)[1]
    assert isinstance(held.effects[0], otio.schema.FreezeFrame)
    assert v1(timeline) == [("Clip", 0, 8), ("Clip", 8, 20)]
    assert exported_indices(timeline, tmp_path / "hold.mp4") == [*range(10, 18), *[18] * 12]


def test_viewer_shows_the_frames_the_export_writes(media, tmp_path):
    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, 50)
    with Renderer() as renderer:
        viewer = [read_index(video_frame(timeline, f, renderer=renderer)) for f in range(40)]
    assert viewer == exported_indices(timeline, tmp_path / "same.mp4")


def test_slow_motion_blend_and_optical_flow_make_in_between_pictures(media):
    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, 50, interpolation=timewarp.BLEND)

    def pixels(frame: int) -> np.ndarray:  # the compositor's own YUV values
        return render_picture(timeline, frame).data.astype(int)

    nearest_a = pixels(2)  # source frame 11 exactly
    between = pixels(3)  # half-way from 11 to 12
    nearest_b = pixels(4)  # source frame 12
    assert np.abs(nearest_a - nearest_b).max() > 100  # the burnt-in numbers differ
    assert np.abs(between - (nearest_a + nearest_b) / 2).max() <= 1
    speed.set_interpolation(timeline, ident, timewarp.FLOW)
    flowed = pixels(3)
    assert flowed.shape == between.shape
    assert np.abs(flowed - nearest_a).max() > 0  # not simply the earlier frame again
    assert np.abs(flowed - nearest_b).max() > 0


def test_speed_without_ripple_fills_only_up_to_the_next_clip(media):
    timeline, ident = one_clip(media)
    gap = otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0, RATE), rt(10, RATE)))
    document.track(timeline, "V1").append(gap)
    after = clips_for(media / "other.mp4", RATE, 10, 0)[0]
    document.track(timeline, "V1").append(after)
    speed.set_speed(timeline, ident, 50)  # wants 40 frames, has 20 + 10 of gap
    assert v1(timeline) == [("Clip", 0, 30), ("Clip", 30, 40)]
    speed.set_speed(timeline, ident, 200)  # 30 frames covered 15 source frames: now 8 frames
    assert v1(timeline) == [("Clip", 0, 8), ("Gap", 8, 30), ("Clip", 30, 40)]


def test_speed_with_ripple_moves_what_follows(media):
    timeline, ident = one_clip(media)
    after = clips_for(media / "other.mp4", RATE, 10, 0)[0]
    document.track(timeline, "V1").append(after)
    speed.set_speed(timeline, ident, 25, ripple=True)
    assert v1(timeline) == [("Clip", 0, 80), ("Clip", 80, 90)]


def test_speed_is_undoable_and_limited(media):
    timeline, ident = one_clip(media)
    before = otio.adapters.write_to_string(timeline)
    change = speed.set_speed(timeline, ident, 33.3)
    assert v1(timeline) == [("Clip", 0, 60)]
    change.undo()
    assert otio.adapters.write_to_string(timeline) == before
    for bad in (0, 0.5, 20000, float("nan")):
        with pytest.raises(EditError, match="Speed must be"):
            speed.set_speed(timeline, ident, bad)
    speed.set_speed(timeline, ident, 100, reverse=False)
    assert document.find_clip(timeline, ident)[1].effects[:] == []


def test_blade_through_a_fast_clip_keeps_each_piece_showing_the_same_frames(media):
    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, 200)
    before = [read_index(video_frame(timeline, f)) for f in range(10)]
    edits.slice(timeline, rt(4, RATE))
    assert [read_index(video_frame(timeline, f)) for f in range(10)] == before


def test_a_speed_effect_from_another_tool_plays_at_its_speed(media, tmp_path):
    """An OTIO file with a LinearTimeWarp (as Resolve or an EDL's M2 line would bring)."""
    timeline = new_project(size=SIZE)
    pic = clips_for(media / "count.mp4", RATE, 10, 0)[0]
    pic.effects.append(otio.schema.LinearTimeWarp(time_scalar=2.0))
    document.track(timeline, "V1").append(pic)
    path = tmp_path / "foreign.otio"
    otio.adapters.write_to_file(timeline, str(path))
    opened = persistence.load(path).timeline
    assert exported_indices(opened, tmp_path / "foreign.mp4") == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]


EDL = """TITLE: speedy
FCM: NON-DROP FRAME

001  COUNT    V     C        00:00:00:00 00:00:00:20 00:00:00:00 00:00:00:10
M2   COUNT       060.0                00:00:00:00
* FROM CLIP NAME: count.mp4
"""


def test_an_edl_motion_effect_plays_at_its_speed(media, tmp_path):
    edl = tmp_path / "speedy.edl"
    edl.write_text(EDL)
    timeline = otio.adapters.read_from_file(str(edl), rate=30)
    (clip,) = list(timeline.find_clips())
    assert timewarp.time_scalar(clip) == 2
    clip.media_reference = clips_for(media / "count.mp4", RATE, 20, 0)[0].media_reference
    project = new_project(size=SIZE)
    document.track(project, "V1").append(clip.clone())
    assert exported_indices(project, tmp_path / "edl.mp4") == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]


def test_speed_and_freeze_survive_save_open_and_otiocat(media, tmp_path):
    timeline, ident = one_clip(media, frames=30)
    speed.set_speed(timeline, ident, 50, reverse=True, interpolation=timewarp.FLOW)
    speed.freeze_frame(timeline, ident, rt(30, RATE))
    path = tmp_path / "speedy.otio"
    persistence.save(timeline, path)
    opened = persistence.load(path).timeline
    assert otio.adapters.write_to_string(opened) == otio.adapters.write_to_string(timeline)
    effects = [type(e).__name__ for _, c in document.iter_clips(opened) for e in c.effects]
    assert effects.count("FreezeFrame") == 1 and effects.count("LinearTimeWarp") == 2
    otiocat = Path(sys.executable).with_name("otiocat")
    cat = subprocess.run([str(otiocat), str(path)], capture_output=True, text=True, check=True)
    assert '"OTIO_SCHEMA": "LinearTimeWarp.1"' in cat.stdout
    assert '"OTIO_SCHEMA": "FreezeFrame.1"' in cat.stdout


@pytest.mark.parametrize(("percent", "reverse"), [(200, False), (50, False), (100, True), (200, True)])
def test_trimming_a_speed_clip_keeps_the_frames_it_still_shows(media, percent, reverse):
    from engine.project import trims

    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, percent, reverse=reverse)
    length = v1(timeline)[0][2]
    before = [read_index(video_frame(timeline, f)) for f in range(length)]
    trims.trim_head(timeline, ident, rt(2, RATE))
    trims.trim_tail(timeline, ident, rt(-2, RATE))
    # without ripple the clip now starts 2 frames later: every frame it still shows is unchanged
    assert v1(timeline)[-1] == ("Clip", 2, length - 2)
    assert [read_index(video_frame(timeline, f)) for f in range(2, length - 2)] == before[2:-2]


def test_a_fast_clip_cannot_be_extended_past_its_media(media):
    from engine.project import trims

    timeline, ident = one_clip(media, frames=20, start=100)  # the last 20 of the 120 frames
    speed.set_speed(timeline, ident, 200)  # 10 frames show source 100..119
    trims.trim_tail(timeline, ident, rt(5, RATE))  # no media after 119: nothing to add
    assert v1(timeline) == [("Clip", 0, 10)]
    timeline, ident = one_clip(media, frames=20, start=0)
    speed.set_speed(timeline, ident, 200)  # source 0..19; 100 more source frames are 50 at 200%
    trims.trim_tail(timeline, ident, rt(100, RATE))
    assert v1(timeline) == [("Clip", 0, 60)]
    assert read_index(video_frame(timeline, 59)) == 118


@pytest.mark.parametrize("percent", [50, 75, 200])
def test_stretched_sound_has_no_clicks_whatever_the_block_size(media, percent):
    """Playback reads small blocks, export larger ones: the same sound, smooth across every join."""
    from engine.render.audio import audio
    from engine.render.sources import Sources

    timeline, ident = one_clip(media, frames=60, start=0)
    speed.set_speed(timeline, ident, percent)
    total = 48000 * 60 * 100 // percent // 30
    with Sources() as sources:
        small = np.concatenate(
            [audio(timeline, s, min(1600, total - s), sources) for s in range(0, total, 1600)]
        )
    whole = audio(timeline, 0, total)
    assert np.abs(small - whole).max() < 1e-4
    tone_step = 0.25 * 2 * np.pi * 440 / 48000  # the largest step between samples of the source tone
    assert np.abs(np.diff(small[4800:-4800, 0])).max() < tone_step * 1.2


def test_a_dissolve_after_a_fast_clip_needs_media_at_its_speed(media):
    from engine.project import transitions

    timeline = new_project(size=SIZE)
    fast, other = (clips_for(media / "count.mp4", RATE, 20, start)[0] for start in (70, 10))
    edits.append(timeline, {"V1": fast})
    edits.append(timeline, {"V1": other})
    speed.set_speed(timeline, clip_id(fast), 200, ripple=True)  # 10 frames showing 70..89
    # 6 frames past its out point at 200% is 12 source frames, 90..101: there are (the file has 120)
    transitions.add_cross_dissolve(timeline, "V1", rt(10, RATE), rt(12, RATE))
    assert any(isinstance(i, otio.schema.Transition) for i in document.track(timeline, "V1"))
    timeline, ident = one_clip(media, frames=20, start=100)
    edits.append(timeline, {"V1": clips_for(media / "other.mp4", RATE, 20, 20)[0]})
    speed.set_speed(
        timeline, ident, 200, ripple=True
    )  # 10 frames showing 100..118; 2 more need 120 and 122 of 0..119
    with pytest.raises(EditError, match="needs 3 more frame"):
        transitions.add_cross_dissolve(timeline, "V1", rt(10, RATE), rt(4, RATE))


@pytest.mark.parametrize(
    ("percent", "reverse", "later", "edge", "earlier"),
    [(200, False, 45, 118, -50), (50, False, 180, 119, -200), (200, True, 5, 0, -50)],
)
def test_slip_stops_where_the_media_at_the_clips_speed_ends(media, percent, reverse, later, edge, earlier):
    """The media moves by the slip at the clip's speed: source 10..30 of 120 has 90 frames of room
    after it, 10 before, which a 200% clip crosses in half as many frames (reversed: the other way)."""
    from engine.project import trims

    timeline, ident = one_clip(media, frames=20, start=10)
    speed.set_speed(timeline, ident, percent, reverse=reverse)
    assert trims.slip(timeline, ident, rt(500, RATE)).result == later
    length = trackedit.source_frames(next(iter(document.track(timeline, "V1").find_clips())), RATE)[1]
    shown = [read_index(video_frame(timeline, k)) for k in range(length)]
    assert (min(shown) if reverse else max(shown)) == edge  # up to the media's end (reversed: start)
    assert trims.slip(timeline, ident, rt(-500, RATE)).result == earlier  # and back to the other end


def test_a_moved_slow_clip_gets_the_same_in_between_pictures(media):
    """Slow motion on the compositing path: a clip with a transform blends or flows between source
    frames too, not just repeats the nearest one."""
    from engine.project import transform

    timeline, ident = one_clip(media)
    speed.set_speed(timeline, ident, 50, interpolation=timewarp.BLEND)
    transform.set_transform(timeline, ident, scale=0.5)

    def pixels(frame: int) -> np.ndarray:
        return video_frame(timeline, frame).astype(int)

    nearest_a, between, nearest_b = pixels(2), pixels(3), pixels(4)  # source 11, 11.5, 12
    assert np.abs(nearest_a - nearest_b).max() > 100
    error = np.abs(between - (nearest_a + nearest_b) / 2)
    # the mix of the two neighbours, up to rounding at the digits' edges (YUV <-> RGB both ways)
    assert error.mean() < 0.1 and (error > 3).mean() < 0.001
    assert np.abs(between - nearest_a).max() > 50 and np.abs(between - nearest_b).max() > 50
    speed.set_interpolation(timeline, ident, timewarp.FLOW)
    flowed = pixels(3)
    assert np.abs(flowed - nearest_a).max() > 0 and np.abs(flowed - nearest_b).max() > 0
