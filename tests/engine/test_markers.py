"""Markers on the timeline and on clips, for notes and snapping."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.project import document, edits, markers
from tests.support.editing import edit_and_check_undo, frames, project, shot


def cut():
    timeline = project()
    edits.append(timeline, {"V1": shot("a", 30, start=10)})
    edits.append(timeline, {"V1": shot("b", 30, start=50)})
    return timeline


def test_timeline_markers_can_be_added_moved_renamed_and_removed() -> None:
    timeline = cut()
    change = edit_and_check_undo(
        timeline, lambda: markers.add_marker(timeline, frames(12), "music in", note="hit")
    )
    ident = change.result
    assert markers.marker_times(timeline) == [12]
    edit_and_check_undo(timeline, lambda: markers.move_marker(timeline, ident, frames(40)))
    edit_and_check_undo(
        timeline,
        lambda: markers.rename_marker(timeline, ident, "music out", color=otio.schema.MarkerColor.GREEN),
    )
    (placed,) = markers.all_markers(timeline)
    assert (placed.frame, placed.marker.name, placed.marker.color) == (40, "music out", "GREEN")
    assert placed.marker.metadata["shotline"]["note"] == "hit"
    edit_and_check_undo(timeline, lambda: markers.remove_marker(timeline, ident))
    assert markers.marker_times(timeline) == []


def test_a_clip_marker_stays_on_its_picture_when_the_clip_moves() -> None:
    timeline = cut()
    b = document.clip_id(document.track(timeline, "V1")[1])
    markers.add_marker(timeline, frames(35), "flash", clip_id=b)
    (placed,) = markers.all_markers(timeline)
    assert placed.frame == 35 and placed.marker.marked_range.start_time.value == 55  # source frame
    edits.move(timeline, b, frames(100))
    assert markers.marker_times(timeline) == [105]


def test_marker_times_are_sorted_across_timeline_and_clips() -> None:
    timeline = cut()
    a = document.clip_id(document.track(timeline, "V1")[0])
    markers.add_marker(timeline, frames(50))
    markers.add_marker(timeline, frames(5), clip_id=a)
    markers.add_marker(timeline, frames(20))
    assert markers.marker_times(timeline) == [5, 20, 50]


def test_bad_marker_requests_are_refused() -> None:
    timeline = cut()
    a = document.clip_id(document.track(timeline, "V1")[0])
    with pytest.raises(EditError, match="outside a"):
        markers.add_marker(timeline, frames(45), clip_id=a)
    with pytest.raises(EditError, match="not a marker colour"):
        markers.add_marker(timeline, frames(1), color="TEAL")
    with pytest.raises(EditError, match="before the start"):
        markers.add_marker(timeline, frames(-2))
    with pytest.raises(EditError, match="no marker with id"):
        markers.remove_marker(timeline, "nope")
    ident = markers.add_marker(timeline, frames(3), clip_id=a).result
    with pytest.raises(EditError, match="must stay inside a"):
        markers.move_marker(timeline, ident, frames(40))
