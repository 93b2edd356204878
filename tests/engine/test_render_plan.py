"""What the renderer will show and play, decided from the document alone."""

from __future__ import annotations

import math

import numpy as np
import opentimelineio as otio
import pytest

from engine.project import document
from engine.project.clips import media_clip, media_reference
from engine.project.document import AUDIO, new_project
from engine.project.times import rt, tr
from engine.render import plan

RATE = 30.0


def shot(name: str, frames: int, start: int = 0, media: int = 300, kind: str = "video") -> otio.schema.Clip:
    ref = media_reference(f"/{name}.mp4", tr(0, media, RATE))
    return media_clip(name, ref, RATE, frames, start, AUDIO if kind == "audio" else document.VIDEO)


def dissolve(before: int, after: int) -> otio.schema.Transition:
    return otio.schema.Transition(
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=rt(before, RATE),
        out_offset=rt(after, RATE),
    )


def names(layers: list[plan.Layer]) -> list[tuple[str, int]]:
    return [(layer.clip.name, layer.source_frame) for layer in layers]


def test_the_top_visible_track_wins_and_gaps_show_what_is_below() -> None:
    timeline = new_project()
    document.track(timeline, "V1").append(shot("base", 90))
    v2 = document.track(timeline, "V2")
    v2.append(otio.schema.Gap(source_range=tr(0, 30, RATE)))
    v2.append(shot("overlay", 30, start=100))
    assert names(plan.video_layers(timeline, 10)) == [("base", 10)]
    assert names(plan.video_layers(timeline, 30)) == [("overlay", 100)]
    assert names(plan.video_layers(timeline, 65)) == [("base", 65)]
    assert plan.video_layers(timeline, 90) == []  # past the end: black


def test_a_hidden_track_is_not_shown() -> None:
    timeline = new_project()
    document.track(timeline, "V1").append(shot("base", 30))
    document.track(timeline, "V2").append(shot("top", 30))
    document.shotline_meta(document.track(timeline, "V2"))["hidden"] = True
    assert names(plan.video_layers(timeline, 5)) == [("base", 5)]


def test_a_dissolve_blends_the_outgoing_clip_past_its_out_point_with_the_incoming_one() -> None:
    timeline = new_project()
    v1 = document.track(timeline, "V1")
    v1.append(shot("a", 60, start=0))
    v1.append(dissolve(10, 10))
    v1.append(shot("b", 60, start=50))
    # before the dissolve: only a
    assert names(plan.video_layers(timeline, 49)) == [("a", 49)]
    # first frame of the dissolve (10 frames before the cut at 60)
    first = plan.video_layers(timeline, 50)
    assert names(first) == [("a", 50), ("b", 40)]
    assert first[0].weight == pytest.approx(1 - 0.5 / 20)
    # after the cut a keeps playing past its out point (frame 60 of its media is a handle)
    late = plan.video_layers(timeline, 69)
    assert names(late) == [("a", 69), ("b", 59)]
    assert late[1].weight == pytest.approx(19.5 / 20)
    assert sum(layer.weight for layer in late) == pytest.approx(1.0)
    assert names(plan.video_layers(timeline, 70)) == [("b", 60)]


def test_a_video_fade_goes_to_black() -> None:
    timeline = new_project()
    clip = shot("a", 30)
    document.shotline_meta(clip).update({"fade_in": 10, "fade_out": 5})
    document.track(timeline, "V1").append(clip)
    weights = [plan.video_layers(timeline, f)[0].weight for f in range(30)]
    assert weights[0] == pytest.approx(0.05)
    assert weights[9] == pytest.approx(0.95)
    assert weights[10:25] == [1.0] * 15
    assert weights[29] == pytest.approx(0.1)


def test_footage_with_a_start_timecode_is_read_from_the_files_first_frame() -> None:
    timeline = new_project()
    ref = media_reference("/tc.mov", tr(108000, 300, RATE))  # starts at 01:00:00:00
    document.track(timeline, "V1").append(media_clip("tc", ref, RATE, 30, 108010))
    assert names(plan.video_layers(timeline, 0)) == [("tc", 10)]


def test_frames_map_to_samples_without_drift_at_ntsc_rates() -> None:
    rate = 30000 / 1001
    # ten minutes of 29.97 fps (17982 frames) land on the exact rational sample
    assert plan.frame_to_sample(17982, rate) == round(17982 * 48000 * 1001 / 30000)
    assert plan.frame_to_sample(30000, rate) == 48000 * 1001
    assert plan.frame_to_sample(1, 25.0) == 1920


def test_muted_tracks_are_silent_and_solo_leaves_only_soloed_tracks() -> None:
    timeline = new_project()
    a1, a2 = document.track(timeline, "A1"), document.track(timeline, "A2")
    a1.append(shot("dialog", 30, kind="audio"))
    a2.append(shot("music", 30, kind="audio"))
    heard = lambda: sorted(s.clip.name for s in plan.audio_segments(timeline, 0, 1600))  # noqa: E731
    assert heard() == ["dialog", "music"]
    document.shotline_meta(a2)["muted"] = True
    assert heard() == ["dialog"]
    document.shotline_meta(a2)["muted"] = False
    document.shotline_meta(a2)["solo"] = True
    assert heard() == ["music"]


def test_audio_segments_are_sample_exact_with_gain() -> None:
    timeline = new_project()
    a1 = document.track(timeline, "A1")
    a1.append(otio.schema.Gap(source_range=tr(0, 15, RATE)))
    clip = shot("vo", 30, start=30, kind="audio")
    clip.effects.append(otio.schema.Effect(effect_name="AudioVolume", metadata={"gain_db": -6.0}))
    a1.append(clip)
    (segment,) = plan.audio_segments(timeline, 0, 96000)
    assert segment.out_start == 24000  # 15 frames at 30 fps = 0.5 s
    assert segment.count == 48000  # 30 frames = 1 s
    assert segment.source_sample == 48000  # in point 30 frames = 1 s into the media
    assert segment.gain == pytest.approx(10 ** (-6 / 20))
    # a block that starts inside the clip starts reading inside the media
    (later,) = plan.audio_segments(timeline, 30000, 1000)
    assert (later.out_start, later.source_sample, later.count) == (0, 54000, 1000)


def test_an_audio_crossfade_is_equal_power_and_fades_are_linear() -> None:
    timeline = new_project()
    a1 = document.track(timeline, "A1")
    a1.append(shot("a", 30, kind="audio"))
    a1.append(dissolve(6, 6))
    b = shot("b", 30, start=30, kind="audio")
    document.shotline_meta(b)["fade_out"] = 15
    a1.append(b)
    segs = {s.clip.name: s for s in plan.audio_segments(timeline, 0, 96000)}
    a, b_seg = segs["a"], segs["b"]
    # the crossfade spans frames 24..36 = samples 38400..57600
    assert a.out_start + a.count == 57600
    assert b_seg.out_start == 38400
    ea, eb = plan.envelope_values(a), plan.envelope_values(b_seg)
    mid_a = ea[48000 - a.out_start]
    mid_b = eb[48000 - b_seg.out_start]
    assert mid_a**2 + mid_b**2 == pytest.approx(1.0, abs=1e-3)  # equal power at the cut
    assert mid_a == pytest.approx(math.cos(math.pi / 4), abs=1e-3)
    # b fades out linearly over its last 15 frames (half a second) to silence
    assert eb[-1] < 0.001 and eb[-12000] == pytest.approx(0.5, abs=1e-3)
    assert np.all(np.diff(eb[-24000:]) <= 0)
