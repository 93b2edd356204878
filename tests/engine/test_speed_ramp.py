"""Speed ramps: the exact frames a ramped clip shows, its length, sound, round trip and undo.

The test media burn each frame's own number into the picture, so an exported
frame says exactly which source frame it shows.
"""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import av
import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.project import document, edits, persistence, ramp_curve, speed_ramp, timewarp, trackedit
from engine.project.document import clip_id, new_project
from engine.project.ramp_curve import EASE, LINEAR, Keyframe
from engine.render.video import Renderer, video_frame
from tests.support.mediagen import read_index, write_video

RATE = 30.0
SIZE = (160, 120)
FAST = ExportSettings(crf=18, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ramp-media")
    write_video(folder / "count.mp4", frames=120, tone_hz=440, gop=10)
    return folder


def one_clip(media: Path, frames: int = 40, start: int = 10) -> tuple[otio.schema.Timeline, str]:
    timeline = new_project(size=SIZE)
    pic, snd = clips_for(media / "count.mp4", RATE, frames, start)
    edits.append(timeline, {"V1": pic, "A1": snd})
    return timeline, clip_id(pic)


def spans(timeline: otio.schema.Timeline, track: str) -> list[tuple[str, int, int]]:
    return [
        (type(s.item).__name__, s.start, s.end)
        for s in trackedit.layout(document.track(timeline, track), RATE)
    ]


def v1_clip(timeline: otio.schema.Timeline) -> otio.schema.Clip:
    return next(iter(document.track(timeline, "V1").find_clips()))


def exported(timeline: otio.schema.Timeline, path: Path) -> tuple[list[int], float]:
    export_mp4(timeline, path, FAST)
    with av.open(str(path)) as container:
        shown = [read_index(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)]
    with av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    return shown, samples / 48000


def test_the_curve_is_the_exact_integral_of_the_speed():
    keys = [Keyframe(0, Fraction(100)), Keyframe(10, Fraction(50)), Keyframe(20, Fraction(100))]
    # linear 1 -> 0.5 over 10 frames: 7.5 source frames; and back: 7.5 more; then 1 per frame
    assert ramp_curve.position(keys, 10) == Fraction(15, 2)
    assert ramp_curve.position(keys, 20) == 15
    assert ramp_curve.position(keys, 25) == 20
    eased = [Keyframe(0, Fraction(100), EASE), Keyframe(10, Fraction(50))]
    # smoothstep keeps the same mean as a straight line between the same speeds
    assert ramp_curve.position(eased, 10) == Fraction(15, 2)
    assert ramp_curve.speed_at(eased, 0) == 1 and ramp_curve.speed_at(eased, 10) == Fraction(1, 2)
    assert ramp_curve.speed_at(eased, 5) == Fraction(3, 4)
    # one keyframe is a constant speed, frame for frame
    steady = [Keyframe(0, Fraction(50))]
    assert [math.floor(ramp_curve.position(steady, k)) for k in range(6)] == [0, 0, 1, 1, 2, 2]


@pytest.mark.slow
def test_a_ramp_plays_the_source_frames_its_curve_says_and_its_sound_lasts_as_long(media, tmp_path):
    timeline, ident = one_clip(media, frames=40)
    keys = [Keyframe(0, Fraction(100), LINEAR), Keyframe(20, Fraction(25)), Keyframe(40, Fraction(25))]
    change = speed_ramp.set_keyframes(timeline, ident, keys)
    clip = v1_clip(timeline)
    ramp = ramp_curve.keyframes(clip)
    length = change.result
    # 20 frames from 100% down to 25% use 12.5 source frames; the other 27.5 go at 25%: 110 frames
    assert length == 130
    assert spans(timeline, "V1") == [("Clip", 0, 130)]
    assert spans(timeline, "A1") == [("Clip", 0, 130)]  # the linked sound keeps the same length
    assert ramp_curve.span(ramp, length) == 40  # every source frame of the clip, none more
    shown, seconds = exported(timeline, tmp_path / "ramp.mp4")
    assert len(shown) == 130
    expected = [10 + math.floor(ramp_curve.position(ramp, k)) for k in range(130)]
    assert shown == expected
    assert shown[:3] == [10, 10, 11]  # the start at full speed (slowing from the first frame on)
    assert shown[62:70] == [33] * 4 + [34] * 4  # the slow part at 25%: each source frame four times
    assert shown[-1] == 49  # the end: the clip's last source frame
    assert sorted(set(shown)) == list(range(10, 50))  # every source frame shown, none skipped
    assert seconds == pytest.approx(130 / RATE, abs=0.03)  # the sound lasts as long as the picture


def test_the_viewer_shows_the_frames_the_export_writes(media, tmp_path):
    timeline, ident = one_clip(media, frames=30)
    speed_ramp.apply_preset(timeline, ident)
    shown, _ = exported(timeline, tmp_path / "preset.mp4")
    with Renderer() as renderer:
        viewed = [read_index(video_frame(timeline, k, renderer=renderer)) for k in range(len(shown))]
    assert viewed == shown


def test_the_preset_slows_the_middle_and_uses_exactly_the_clips_media(media):
    timeline, ident = one_clip(media, frames=30)
    length = speed_ramp.apply_preset(timeline, ident).result
    keys = ramp_curve.keyframes(v1_clip(timeline))
    assert [(k.frame, float(k.percent), k.ease) for k in keys] == [
        (0, 100.0, EASE),
        (length // 2 if length % 2 == 0 else round(Fraction(length, 2)), 30.0, EASE),
        (length, 100.0, EASE),
    ]
    assert ramp_curve.span(keys, length) == 30
    assert ramp_curve.span(keys, length - 1) < 30  # the fewest frames that show it all
    assert length > 30  # slower on average than 100%
    assert timewarp.label(v1_clip(timeline)) == "Ramp"


@pytest.mark.parametrize(
    ("key", "percents", "longer"),
    [
        ("slow-middle", [100.0, 30.0, 100.0], True),
        ("fast-middle", [100.0, 300.0, 100.0], False),
        ("into-slow", [100.0, 25.0], True),
        ("out-of-slow", [25.0, 100.0], True),
    ],
)
def test_each_preset_spreads_its_speeds_eased_over_exactly_the_clips_media(media, key, percents, longer):
    timeline, ident = one_clip(media, frames=30)
    preset = speed_ramp.preset_named(key)
    length = speed_ramp.apply_preset(timeline, ident, preset=preset).result
    keys = ramp_curve.keyframes(v1_clip(timeline))
    last, spread = len(percents) - 1, keys[-1].frame
    assert [(k.frame, float(k.percent), k.ease) for k in keys] == [
        (round(Fraction(spread * i, last)), p, EASE) for i, p in enumerate(percents)
    ]
    # to the clip's end, or (the rush, whose last steps would skip its last source frame) a frame
    # or two before it, the last speed holding
    assert 0 <= length - spread <= 2
    assert ramp_curve.span(keys, length) == 30  # the clip's 30 source frames up to the last
    assert ramp_curve.position(keys, length) >= 30  # one frame more would show a frame past them
    assert (length > 30) == longer  # slower on average than 100%, or (the rush) faster
    assert spans(timeline, "A1") == [("Clip", 0, length)]  # the linked sound follows
    assert speed_ramp.preset_of(keys) == preset  # what the Ctrl+R dialog opens on


def test_ramp_presets_are_named_with_their_speeds():
    assert [p.label for p in speed_ramp.PRESETS] == [
        "Slow motion in the middle (100% → 30% → 100%)",
        "Speed up in the middle (100% → 300% → 100%)",
        "Ramp into slow motion (100% → 25%)",
        "Ramp out of slow motion (25% → 100%)",
    ]
    with pytest.raises(EditError, match="no speed ramp preset"):
        speed_ramp.preset_named("reverse-everything")


@pytest.mark.slow
@pytest.mark.parametrize("key", ["fast-middle", "into-slow"])
def test_a_preset_exports_the_source_frames_its_curve_says(media, tmp_path, key):
    timeline, ident = one_clip(media, frames=40)
    length = speed_ramp.apply_preset(timeline, ident, preset=speed_ramp.preset_named(key)).result
    keys = ramp_curve.keyframes(v1_clip(timeline))
    shown, seconds = exported(timeline, tmp_path / f"{key}.mp4")
    assert shown == [10 + math.floor(ramp_curve.position(keys, k)) for k in range(length)]
    assert shown[0] == 10 and shown[-1] == 49  # from the clip's first source frame to its last
    steps = [b - a for a, b in pairwise(shown)]
    if key == "fast-middle":  # full speed at the ends, skipping two frames of three in the middle
        assert steps[:3] == [1, 1, 1] and steps[-1] == 1 and max(steps) == 3
    else:  # about full speed at the start, each source frame shown four times at the end (25%)
        assert len(set(shown[:10])) >= 8 and shown.count(48) == 4
    assert seconds == pytest.approx(length / RATE, abs=0.03)


def test_keyframes_are_added_at_the_playhead_changed_and_removed_and_each_step_undoes(media):
    timeline, ident = one_clip(media, frames=40)
    before = otio.adapters.write_to_string(timeline)
    added = speed_ramp.add_keyframe(timeline, ident, 10)  # at the speed there: 100%
    assert [(k.frame, k.percent) for k in ramp_curve.keyframes(v1_clip(timeline))] == [(0, 100), (10, 100)]
    assert added.result == 40
    changed = speed_ramp.change_keyframe(timeline, ident, 1, percent=50, ease=EASE)
    # slowing from 100% to 50% over the first 10 frames uses 7.5 source frames; 32.5 more at half speed
    assert changed.result == 10 + 65
    assert spans(timeline, "V1") == [("Clip", 0, 75)]
    removed = speed_ramp.remove_keyframe(timeline, ident, 0)
    assert [(k.frame, k.percent) for k in ramp_curve.keyframes(v1_clip(timeline))] == [(10, 50)]
    assert removed.result == 80  # a lone keyframe is a constant 50%
    for change in (removed, changed, added):
        change.undo()
    assert otio.adapters.write_to_string(timeline) == before
    with pytest.raises(EditError, match="between 1% and 10000%"):
        speed_ramp.change_keyframe(timeline, ident, 0, percent=0)


def test_constant_speed_replaces_a_ramp(media):
    from engine.project import speed

    timeline, ident = one_clip(media, frames=40)
    speed_ramp.apply_preset(timeline, ident)
    assert speed.set_speed(timeline, ident, 200).result == 20
    clip = v1_clip(timeline)
    assert not ramp_curve.has_ramp(clip) and timewarp.time_scalar(clip) == 2


def test_a_ramp_survives_save_open_and_otiocat(media, tmp_path):
    timeline, ident = one_clip(media, frames=30)
    speed_ramp.apply_preset(timeline, ident)
    path = tmp_path / "ramp.otio"
    persistence.save(timeline, path)
    opened = persistence.load(path).timeline
    assert otio.adapters.write_to_string(opened) == otio.adapters.write_to_string(timeline)
    assert ramp_curve.keyframes(v1_clip(opened)) == ramp_curve.keyframes(v1_clip(timeline))
    otiocat = Path(sys.executable).with_name("otiocat")
    result = subprocess.run([str(otiocat), str(path)], capture_output=True, text=True, check=True)
    assert "shotline.speed_ramp" in result.stdout


def test_the_slow_part_of_a_ramp_blends_between_source_frames(media):
    import numpy as np

    from engine.project import speed
    from engine.render import plan

    timeline, ident = one_clip(media, frames=40)
    keys = [Keyframe(0, Fraction(100)), Keyframe(20, Fraction(25)), Keyframe(40, Fraction(25))]
    speed_ramp.set_keyframes(timeline, ident, keys)
    speed.set_interpolation(timeline, ident, timewarp.BLEND)
    assert timewarp.interpolation(v1_clip(timeline)) == timewarp.BLEND
    # 62 frames in: source 23 exactly; 64: 23.5, half-way to 24; 66: 24
    (layer,) = plan.video_layers(timeline, 64)
    assert (layer.source_frame, layer.between, layer.interpolation) == (10 + 23, 0.5, timewarp.BLEND)

    def pixels(frame: int) -> np.ndarray:
        return video_frame(timeline, frame).astype(int)

    a, between, b = pixels(62), pixels(64), pixels(66)
    assert np.abs(a - b).max() > 100
    error = np.abs(between - (a + b) / 2)
    assert error.mean() < 0.1 and (error > 6).mean() < 0.001
    # at full speed (the start) nothing is made up: the frame is the source frame itself
    (start,) = plan.video_layers(timeline, 0)
    assert start.between == 0


def test_a_cut_or_trim_through_a_ramp_keeps_every_frame_where_it_was(media):
    from engine.project import trims
    from engine.project.times import rt

    timeline, ident = one_clip(media, frames=40)
    keys = [Keyframe(0, Fraction(100), EASE), Keyframe(20, Fraction(30)), Keyframe(50, Fraction(70))]
    length = speed_ramp.set_keyframes(timeline, ident, keys).result
    with Renderer() as renderer:
        before = [read_index(video_frame(timeline, k, renderer=renderer)) for k in range(length)]
    edits.slice(timeline, rt(23, RATE))  # part-way through a slow source frame
    trims.trim_head(timeline, ident_at(timeline, 40), rt(5, RATE))  # the second piece starts 5 later
    pieces = spans(timeline, "V1")
    assert pieces[:2] == [("Clip", 0, 23), ("Gap", 23, 28)] and pieces[2][1:] == (28, length)
    with Renderer() as renderer:
        after = [read_index(video_frame(timeline, k, renderer=renderer)) for k in range(length)]
    assert after[:23] == before[:23] and after[28:] == before[28:]
    right = list(document.track(timeline, "V1").find_clips())[1]
    assert ramp_curve.keyframes(right)[0].frame == -28  # the curve stays on the picture


def ident_at(timeline: otio.schema.Timeline, frame: int) -> str:
    slot = trackedit.slot_at(document.track(timeline, "V1"), frame, RATE)
    return clip_id(slot.item)


@pytest.mark.slow
def test_a_ramps_sound_keeps_its_pitch_and_has_no_clicks_whatever_the_block_size(media):
    """The sound follows the ramp in pitch-kept pieces: a 440 Hz tone stays 440 Hz where the clip
    plays at 25%, it is heard all through the clip, and playback's small blocks make the same
    sound as export's large ones, smooth across every join."""
    import numpy as np

    from engine.render.audio import audio
    from engine.render.sources import Sources

    timeline, ident = one_clip(media, frames=40, start=0)
    keys = [Keyframe(0, Fraction(100), EASE), Keyframe(20, Fraction(25)), Keyframe(40, Fraction(25))]
    length = speed_ramp.set_keyframes(timeline, ident, keys).result
    total = length * 48000 // 30
    whole = audio(timeline, 0, total)
    with Sources() as sources:
        small = np.concatenate(
            [audio(timeline, s, min(1600, total - s), sources) for s in range(0, total, 1600)]
        )
    assert np.abs(small - whole).max() < 1e-4
    slow = whole[48000 : 48000 + 38400, 0]  # frames 30..54: all at 25%
    spectrum = np.abs(np.fft.rfft(slow * np.hanning(len(slow))))
    assert abs(np.argmax(spectrum) * 48000 / len(slow) - 440) < 15  # not 110 Hz
    tone_step = 0.25 * 2 * np.pi * 440 / 48000  # the largest step between samples of the source tone
    assert np.abs(np.diff(whole[4800:-4800, 0])).max() < tone_step * 1.3
    loud = [np.abs(whole[i : i + 1600, 0]).max() for i in range(0, total - 1600, 1600)]
    assert min(loud) > 0.2  # heard all through, no piece missing


def test_a_freeze_frame_in_a_ramp_holds_the_frame_the_ramp_showed(media):
    from engine.project import speed
    from engine.project.times import rt

    timeline, ident = one_clip(media, frames=30)
    length = speed_ramp.apply_preset(timeline, ident).result
    at = length // 2
    held = read_index(video_frame(timeline, at))
    speed.freeze_frame(timeline, ident, rt(at, RATE))
    frozen = list(document.track(timeline, "V1").find_clips())[1]
    assert timewarp.is_frozen(frozen) and not ramp_curve.has_ramp(frozen)
    assert [read_index(video_frame(timeline, k)) for k in (at, length - 1)] == [held, held]


def test_a_ramped_clip_extends_only_as_far_as_its_media_at_the_curves_speed(media):
    from engine.project import trims
    from engine.project.times import rt

    timeline, ident = one_clip(media, frames=40)  # source 10..50 of 120
    keys = [Keyframe(0, Fraction(100)), Keyframe(20, Fraction(25)), Keyframe(40, Fraction(25))]
    assert speed_ramp.set_keyframes(timeline, ident, keys).result == 130
    # after the last keyframe the clip goes on at 25%: the 70 source frames left last 280 frames
    trims.trim_tail(timeline, ident, rt(1000, RATE), ripple=True)
    assert spans(timeline, "V1") == [("Clip", 0, 410)]
    assert read_index(video_frame(timeline, 409)) == 119
    # before the first keyframe it plays at 100%: 10 source frames before the start, 10 frames
    trims.trim_head(timeline, ident, rt(-1000, RATE), ripple=True)
    assert spans(timeline, "V1") == [("Clip", 0, 420)]
    assert [read_index(video_frame(timeline, k)) for k in (0, 9, 10)] == [0, 9, 10]


def test_a_hand_edited_ramp_with_bad_entries_plays_what_is_left():
    clip = otio.schema.Clip(name="x")
    effect = ramp_curve.make_effect([Keyframe(0, Fraction(50))])
    effect.metadata["shotline"]["keyframes"].append({"frame": "soon", "percent": "fast"})
    effect.metadata["shotline"]["keyframes"].append({"frame": 10, "percent": -5})
    effect.metadata["shotline"]["phase"] = [1, 0]
    clip.effects.append(effect)
    assert ramp_curve.keyframes(clip) == [Keyframe(0, Fraction(50))]
    assert ramp_curve.clip_position(clip, 4) == 2


def test_without_ripple_a_ramp_grows_only_into_the_gap_after_it(media):
    timeline, ident = one_clip(media, frames=30)
    other = clips_for(media / "count.mp4", RATE, 10, 0)[0]
    edits.append(timeline, {"V1": other})
    assert speed_ramp.apply_preset(timeline, ident, ripple=False).result == 30  # the next clip is in the way
    assert spans(timeline, "V1") == [("Clip", 0, 30), ("Clip", 30, 40)]
    timeline, ident = one_clip(media, frames=30)
    length = speed_ramp.apply_preset(timeline, ident, ripple=True).result
    assert length > 30 and spans(timeline, "V1") == [("Clip", 0, length)]
