"""The primitives every edit is built from: cut, clear, remove and place, in frames."""

from __future__ import annotations

import opentimelineio as otio

from engine.project import document, trackedit
from engine.project.clips import media_clip, media_reference
from engine.project.document import new_project
from engine.project.times import rt, tr

RATE = 30.0


def shot(name: str, frames: int, start: int = 0, media: int = 300) -> otio.schema.Clip:
    return media_clip(name, media_reference(f"/{name}.mp4", tr(0, media, RATE)), RATE, frames, start)


def layout(track: otio.schema.Track) -> list[tuple[str, int, int]]:
    return [(s.item.name or "gap", s.start, s.end) for s in trackedit.layout(track, RATE)]


def test_splitting_a_clip_keeps_its_source_continuous_and_gives_the_right_piece_a_new_id() -> None:
    track = document.track(new_project(), "V1")
    clip = shot("a", 60, start=10)
    document.shotline_meta(clip).update({"fade_in": 5, "fade_out": 7})
    track.append(clip)
    index, right = trackedit.split(track, 25, RATE)
    assert index == 1 and right is track[1]
    assert layout(track) == [("a", 0, 25), ("a", 25, 60)]
    assert track[0].source_range == tr(10, 25, RATE)
    assert track[1].source_range == tr(35, 35, RATE)
    assert document.clip_id(track[0]) != document.clip_id(track[1])
    assert track[0].metadata["shotline"].get("fade_out") is None
    assert track[1].metadata["shotline"].get("fade_in") is None
    assert track[0].metadata["shotline"]["fade_in"] == 5
    assert track[1].metadata["shotline"]["fade_out"] == 7


def test_splitting_at_a_cut_or_past_the_end_adds_no_piece() -> None:
    track = document.track(new_project(), "V1")
    track.append(shot("a", 30))
    track.append(shot("b", 30))
    assert trackedit.split(track, 30, RATE) == (1, None)
    assert trackedit.split(track, 90, RATE) == (3, None)
    assert layout(track) == [("a", 0, 30), ("b", 30, 60), ("gap", 60, 90)]


def test_clear_leaves_a_gap_and_remove_closes_it() -> None:
    track = document.track(new_project(), "V1")
    for name in "abc":
        track.append(shot(name, 30))
    lifted = trackedit.clear(track, 20, 70, RATE)
    assert [i.name for i in lifted] == ["a", "b", "c"]
    assert layout(track) == [("a", 0, 20), ("gap", 20, 70), ("c", 70, 90)]
    trackedit.remove(track, 20, 70, RATE)
    trackedit.normalize(track, RATE)
    assert layout(track) == [("a", 0, 20), ("c", 20, 40)]


def test_normalize_merges_gaps_and_drops_trailing_ones() -> None:
    track = document.track(new_project(), "V1")
    track.append(shot("a", 30))
    track.append(trackedit.make_gap(10, RATE))
    track.append(trackedit.make_gap(5, RATE))
    track.append(shot("b", 30))
    track.append(trackedit.make_gap(40, RATE))
    trackedit.normalize(track, RATE)
    assert layout(track) == [("a", 0, 30), ("gap", 30, 45), ("b", 45, 75)]


def test_a_transition_without_handles_is_dropped_by_normalize() -> None:
    track = document.track(new_project(), "V1")
    track.append(shot("a", 30, start=0, media=30))  # no media after its out point
    dissolve = otio.schema.Transition(
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=rt(5, RATE),
        out_offset=rt(5, RATE),
    )
    track.append(dissolve)
    track.append(shot("b", 30, start=10))
    reason = trackedit.has_handles(dissolve, track[0], track[2], RATE)
    assert reason is not None and "a needs 5 more frame(s)" in reason
    trackedit.normalize(track, RATE)
    assert not any(isinstance(i, otio.schema.Transition) for i in track)


def test_media_limits_follow_the_media_and_stills_are_unbounded() -> None:
    clip = media_clip("pal", media_reference("/pal.mp4", tr(0, 250, 25.0)), RATE)
    assert trackedit.media_limits(clip, RATE) == (0, 300)
    still = media_clip("card", media_reference("/card.png", None, still=True), RATE, duration=90)
    assert trackedit.media_limits(still, RATE) is None
