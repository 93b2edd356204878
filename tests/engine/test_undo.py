"""Exact undo: every edit can be taken back, and a failed edit changes nothing."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError, TrackLockedError
from engine.project import document, trackedit
from engine.project.change import mutation
from engine.project.clips import media_clip, media_reference
from engine.project.document import new_project
from engine.project.times import tr
from engine.project.undo import UndoStack

RATE = 30.0


def serialized(timeline: otio.schema.Timeline) -> str:
    return otio.adapters.write_to_string(timeline)


def place_clip(timeline: otio.schema.Timeline, frame: int, frames: int, name: str = "shot"):
    track = document.track(timeline, "V1")
    clip = media_clip(name, media_reference(f"/{name}.mp4", tr(0, 300, RATE)), RATE, duration=frames)
    with mutation(timeline, f"Place {name}", [track]) as change:
        trackedit.place(track, frame, [clip], RATE)
        trackedit.normalize(track, RATE)
    return change


def layout(timeline: otio.schema.Timeline, name: str = "V1") -> list[tuple[str, int, int]]:
    return [
        (s.item.name or type(s.item).__name__, s.start, s.end)
        for s in trackedit.layout(document.track(timeline, name), RATE)
    ]


def test_undo_and_redo_restore_exact_states() -> None:
    timeline = new_project()
    stack = UndoStack()
    states = [serialized(timeline)]
    stack.push(place_clip(timeline, 0, 30, "a"))
    states.append(serialized(timeline))
    stack.push(place_clip(timeline, 45, 15, "b"))
    states.append(serialized(timeline))
    assert layout(timeline) == [("a", 0, 30), ("Gap", 30, 45), ("b", 45, 60)]
    stack.undo()
    assert serialized(timeline) == states[1]
    stack.undo()
    assert serialized(timeline) == states[0]
    stack.redo()
    stack.redo()
    assert serialized(timeline) == states[2]
    assert not stack.can_redo


def test_a_track_object_stays_the_same_across_undo() -> None:
    timeline = new_project()
    v1 = document.track(timeline, "V1")
    change = place_clip(timeline, 0, 30)
    change.undo()
    change.redo()
    assert document.track(timeline, "V1") is v1 and len(v1) == 1


def test_a_failing_edit_leaves_the_timeline_unchanged() -> None:
    timeline = new_project()
    place_clip(timeline, 0, 30)
    before = serialized(timeline)
    track = document.track(timeline, "V1")
    with pytest.raises(EditError), mutation(timeline, "Broken", [track]):
        trackedit.remove(track, 0, 10, RATE)
        raise EditError("something went wrong halfway")
    assert serialized(timeline) == before


def test_a_locked_track_refuses_edits_until_unlocked() -> None:
    timeline = new_project()
    document.shotline_meta(document.track(timeline, "V1"))["locked"] = True
    before = serialized(timeline)
    with pytest.raises(TrackLockedError, match="V1 is locked"):
        place_clip(timeline, 0, 30)
    assert serialized(timeline) == before
    document.shotline_meta(document.track(timeline, "V1"))["locked"] = False
    place_clip(timeline, 0, 30)
    assert layout(timeline) == [("shot", 0, 30)]


def test_a_transaction_is_one_undo_step_and_rolls_back_on_error() -> None:
    timeline = new_project()
    stack = UndoStack()
    start = serialized(timeline)
    with stack.transaction("Place two shots"):
        stack.push(place_clip(timeline, 0, 30, "a"))
        stack.push(place_clip(timeline, 30, 30, "b"))
    assert len(stack) == 1 and stack.undo_text == "Place two shots"
    stack.undo()
    assert serialized(timeline) == start
    stack.redo()
    after = serialized(timeline)

    with pytest.raises(EditError), stack.transaction("Half done"):
        stack.push(place_clip(timeline, 60, 30, "c"))
        raise EditError("the second half failed")
    assert serialized(timeline) == after
    assert len(stack) == 1


def test_the_stack_knows_when_the_document_matches_the_saved_file() -> None:
    timeline = new_project()
    stack = UndoStack()
    assert stack.is_clean
    stack.push(place_clip(timeline, 0, 30))
    assert not stack.is_clean
    stack.set_clean()
    stack.undo()
    assert not stack.is_clean
    stack.redo()
    assert stack.is_clean
    stack.undo()
    stack.push(place_clip(timeline, 0, 10))  # the saved state is gone from history
    stack.undo()
    assert not stack.is_clean
