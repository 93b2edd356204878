"""The slide tool (U), and the two-up edit frames the viewer is sent while sliding and slipping."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt

from editor.timeline.view import SLIDE
from engine.project import document, edits
from tests.support.editing import layout, project, shot, source
from tests.support.timeline_harness import LEFT, Harness, make_harness


def three_shots() -> otio.schema.Timeline:
    """V1: A 0-60, B 60-120, C 120-180, each 30 frames into its 300 frames of media; A1: a1 0-90."""
    timeline = project()
    for name in "ABC":
        edits.append(timeline, {"V1": shot(name, 60, start=30)})
    edits.append(timeline, {"A1": shot("a1", 90, start=30, audio=True)})
    return timeline


@pytest.fixture
def tl(qtbot, tmp_path, monkeypatch) -> Harness:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    harness = make_harness(qtbot, tmp_path)
    harness.open(three_shots())
    return harness


@pytest.fixture
def edit_frames(tl: Harness) -> list[tuple[otio.schema.Timeline | None, object]]:
    """What the viewer is asked to show, in order: (the edited copy, its frame or two-up frames)."""
    sent: list[tuple[otio.schema.Timeline | None, object]] = []
    tl.context.media.editFrame.connect(lambda timeline, frame: sent.append((timeline, frame)))
    return sent


@pytest.fixture
def status(tl: Harness) -> list[str]:
    said: list[str] = []
    tl.context.status.message.connect(lambda text, _ms: said.append(text))
    return said


def test_u_picks_the_slide_tool_and_dragging_a_clip_slides_it_between_its_neighbours(tl: Harness) -> None:
    before = tl.serialized()
    tl.key(Qt.Key.Key_U)
    assert tl.view.tool == SLIDE
    assert tl.view.cursor().shape() == Qt.CursorShape.OpenHandCursor
    assert tl.context.actions.action("timeline.tool.slide").text() == "Slid&e Tool"

    tl.drag(tl.at(90, "V1"), tl.at(100, "V1"), release=False)  # B, ten frames later
    assert tl.view.gesture.overlay.note.startswith("Slide: +10 f")
    assert tl.serialized() == before  # nothing is edited until the mouse is let go
    tl.qtbot.mouseRelease(tl.view, LEFT, pos=tl.at(100, "V1"))

    # A's tail and C's head took the ten frames; B shows the same media, ten frames later
    assert tl.layout("V1") == [("A", 0, 70), ("B", 70, 130), ("C", 130, 180)]
    assert source(tl.timeline, "V1") == [(30, 70), (30, 60), (40, 50)]
    assert tl.layout("A1") == [("a1", 0, 90)]
    assert tl.context.session.undo_stack.undoText() == "Slide"
    tl.undo_redo_restores(before, tl.serialized())


def test_sliding_shows_the_clip_befores_new_last_frame_beside_the_clip_afters_new_first(
    tl: Harness, edit_frames: list
) -> None:
    before = tl.serialized()
    tl.key(Qt.Key.Key_U)
    tl.drag(tl.at(90, "V1"), tl.at(100, "V1"), release=False)  # four steps: 2.5, 5, 7.5, 10 frames
    shown = [frame for _, frame in edit_frames]
    assert shown == [(61, 122), (64, 125), (67, 128), (69, 130)]  # (A's last, C's first) at +2 +5 +8 +10
    for copy, (last, first) in edit_frames:  # each is a frame of the timeline as that slide leaves it
        assert copy is not tl.timeline
        a, b, c = layout(copy, "V1")
        assert (a[0], a[2] - 1, b[0], c[0], c[1]) == ("A", last, "B", "C", first)
        assert not document.track(copy, "V2").enabled  # the slid track alone, as a trim monitor shows it
    assert tl.serialized() == before  # the copies are the viewer's: the document is untouched

    tl.qtbot.mouseRelease(tl.view, LEFT, pos=tl.at(100, "V1"))
    assert edit_frames[-1] == (None, -1)  # the drag is over: the viewer goes back to the playhead


def test_slipping_shows_the_clips_new_first_and_last_frames(tl: Harness, edit_frames: list) -> None:
    tl.key(Qt.Key.Key_Y)
    tl.drag(tl.at(90, "V1"), tl.at(80, "V1"), release=False)  # left by ten frames: later media
    copy, frame = edit_frames[-1]
    assert frame == (60, 119)  # B's first and last frames stay where they are ...
    assert source(copy, "V1")[1] == (40, 60)  # ... showing media ten frames later
    assert source(tl.timeline, "V1")[1] == (30, 60)
    assert all(f == (60, 119) for _, f in edit_frames)
    tl.qtbot.mouseRelease(tl.view, LEFT, pos=tl.at(80, "V1"))
    assert edit_frames[-1] == (None, -1)
    assert source(tl.timeline, "V1")[1] == (40, 60)


def test_the_first_clip_of_a_track_cannot_slide_left_and_says_why(
    tl: Harness, edit_frames: list, status: list[str]
) -> None:
    before = tl.serialized()
    steps = tl.context.session.undo_stack.count()
    tl.key(Qt.Key.Key_U)
    tl.drag(tl.at(30, "V1"), tl.at(20, "V1"), release=False)
    assert tl.view.gesture.overlay.note == "Slide: +0 f  (+00:00:00:00)  ·  stops: A is at the start of V1"
    assert tl.view.gesture.overlay.ghosts[0].start == 0  # the ghost stays where the engine keeps it
    assert edit_frames[-1][1] == 60  # nothing before A: the one edit point there is, B's first frame
    tl.qtbot.mouseRelease(tl.view, LEFT, pos=tl.at(20, "V1"))
    assert tl.serialized() == before
    assert tl.context.session.undo_stack.count() == steps  # no empty undo step either
    assert status[-1] == "Cannot slide A: A is at the start of V1"


def test_a_slide_stops_where_the_next_clip_runs_out_of_media(tl: Harness, status: list[str]) -> None:
    tl.view.set_snapping(False)
    tl.key(Qt.Key.Key_U)
    tl.drag(tl.at(90, "V1"), tl.at(50, "V1"), release=False)  # forty frames left; C has thirty to give
    assert tl.view.gesture.overlay.note.endswith("stops: C on V1 has no more media")
    tl.qtbot.mouseRelease(tl.view, LEFT, pos=tl.at(50, "V1"))
    assert tl.layout("V1") == [("A", 0, 30), ("B", 30, 90), ("C", 90, 180)]
    assert source(tl.timeline, "V1") == [(30, 30), (30, 60), (0, 90)]
    assert status[-1] == "Slide stopped at −30 f  (−00:00:01:00): C on V1 has no more media"


def test_a_slip_past_the_media_shows_what_will_apply_and_why_it_stops(tl: Harness, status: list[str]) -> None:
    tl.key(Qt.Key.Key_Y)
    tl.drag(tl.at(90, "V1"), tl.at(130, "V1"), release=False)  # forty frames earlier; B has thirty before it
    gesture = tl.view.gesture
    stop = "B on V1 shows the first frame of its media"
    assert gesture.overlay.note == f"Slip: −30 f  (−00:00:01:00)  ·  stops: {stop}"
    assert gesture.overlay.ghosts[0].label == "in 00:00:00:00"  # its media's first frame, not -10
    tl.qtbot.mouseRelease(tl.view, LEFT, pos=tl.at(130, "V1"))
    assert source(tl.timeline, "V1")[1] == (0, 60)
    assert tl.layout("V1") == [("A", 0, 60), ("B", 60, 120), ("C", 120, 180)]
    steps = tl.context.session.undo_stack.count()
    tl.drag(tl.at(90, "V1"), tl.at(100, "V1"))  # no earlier media left at all
    assert tl.context.session.undo_stack.count() == steps
    assert status[-1] == f"Cannot slip B: {stop}"
