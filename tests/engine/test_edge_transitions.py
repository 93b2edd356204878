"""A transition at a track's start or end (a fade in from nothing, out to nothing, as FCP XML and
AAF bring them) stays through the edits made on that track afterwards."""

from __future__ import annotations

import opentimelineio as otio

from engine.project import document, edits, trackedit
from engine.project.document import clip_id, new_project
from engine.project.times import rt
from tests.support.editing import RATE, layout, shot


def fade(in_frames: int, out_frames: int) -> otio.schema.Transition:
    return otio.schema.Transition(
        transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
        in_offset=rt(in_frames, RATE),
        out_offset=rt(out_frames, RATE),
    )


def edged() -> otio.schema.Timeline:
    """V1: a fade in, a 30 and a 20 frame clip, a fade out."""
    timeline = new_project(rate=RATE)
    document.track(timeline, "V1").extend([fade(0, 5), shot("a", 30), shot("b", 20, start=50), fade(5, 0)])
    return timeline


def kinds(timeline: otio.schema.Timeline) -> list[str]:
    return [
        type(i).__name__ if not isinstance(i, otio.schema.Clip) else i.name
        for i in document.track(timeline, "V1")
    ]


def test_a_blade_and_a_move_keep_the_edge_transitions_and_undo_restores_them() -> None:
    timeline = edged()
    edits.slice(timeline, rt(10, RATE), ["V1"])
    assert kinds(timeline) == ["Transition", "a", "a", "b", "Transition"]
    b = clip_id(document.track(timeline, "V1")[3])
    change = edits.move(timeline, b, rt(60, RATE))  # leaves a gap before it; still the last clip
    assert kinds(timeline) == ["Transition", "a", "a", "Gap", "b", "Transition"]
    assert layout(timeline, "V1") == [("a", 0, 10), ("a", 10, 30), ("gap", 30, 60), ("b", 60, 80)]
    change.undo()
    assert kinds(timeline) == ["Transition", "a", "a", "b", "Transition"]


def test_a_ripple_delete_of_the_first_clip_fades_in_the_next() -> None:
    timeline = edged()
    edits.ripple_delete(timeline, [clip_id(document.track(timeline, "V1")[1])])
    assert kinds(timeline) == ["Transition", "b", "Transition"]


def test_normalize_keeps_edge_transitions_but_not_one_left_before_a_gap() -> None:
    track = document.track(edged(), "V1")
    trackedit.normalize(track, RATE)
    assert [type(i).__name__ for i in track] == ["Transition", "Clip", "Clip", "Transition"]
    track.insert(3, trackedit.make_gap(10, RATE))  # the fade out no longer follows a clip
    track.append(shot("c", 10))
    trackedit.normalize(track, RATE)
    assert [type(i).__name__ for i in track] == ["Transition", "Clip", "Clip", "Gap", "Clip"]


def test_lifting_the_last_clip_moves_the_fade_out_to_the_clip_before() -> None:
    timeline = edged()
    edits.lift(timeline, [clip_id(document.track(timeline, "V1")[2])])
    assert kinds(timeline) == ["Transition", "a", "Transition"]


def test_appending_after_a_fade_out_puts_the_new_clip_before_it() -> None:
    timeline = edged()
    edits.append(timeline, {"V1": shot("c", 10)})
    assert kinds(timeline)[-2:] == ["c", "Transition"]
