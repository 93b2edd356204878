"""The viewer's two-up while a clip is slid, slipped or a cut rolled: the two edit frames side by side,
each labelled with its edit point and timecode, then the playhead's frame again (unlabelled) once the
mouse is let go."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import QPoint, Qt

from editor.main_window import MainWindow
from editor.timeline.hits import row_top
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.document import new_project
from tests.editor.test_viewer import RATE, SIZE, shown_index, to_array, wait_shown
from tests.support import mediagen
from tests.support.editing import layout
from tests.support.windows import silent_window

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


def three_shot_timeline(folder: Path) -> otio.schema.Timeline:
    """V1/A1: red 0-20 (its media 0-19), green 20-40 (media 5-24), blue 40-60 (media 5-24); 30 frames each."""
    timeline = new_project("two-up test", rate=RATE, size=SIZE)
    for name, color, first in (
        ("red", (200, 40, 40), 0),
        ("green", (40, 200, 40), 5),
        ("blue", (40, 40, 200), 5),
    ):
        media = mediagen.write_video(folder / f"{name}.mp4", 30, size=SIZE, color=color, tone_hz=440)
        edits.append(timeline, placements(source_timeline(media, RATE, SIZE), first, 20))
    return timeline


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = silent_window(qtbot, three_shot_timeline(tmp_path))
    view = win.timeline_view
    view.snapping = False
    view.geometry_.pixels_per_frame = 4.0  # a drag of 4 px is one frame exactly
    view.scroll_to(first_frame=0)
    win.context.playhead.move_to(3)
    wait_shown(qtbot, win, 3)
    yield win
    win.viewer.shutdown()


def drag_green(window: MainWindow, qtbot, tool: str, frames: int) -> QPoint:
    """Pick a tool, press in the middle of green and move `frames` frames along, holding the button;
    where the mouse is now."""
    view = window.timeline_view
    view.set_tool(tool)
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start = QPoint(round(view.geometry_.x_of(30)), y)
    qtbot.mousePress(view, LEFT, NONE, start)
    for i in range(1, 5):
        qtbot.mouseMove(view, start + QPoint(frames * i, 0))
    return start + QPoint(frames * 4, 0)


def halves(window: MainWindow) -> tuple[int, int]:
    """The frame indices drawn in the left and right pictures of the two-up."""
    both = to_array(window.viewer.picture.image)
    width = window.viewer.preview_size()[0]  # each picture's; a thin gap between them
    return mediagen.read_index(both[:, :width]), mediagen.read_index(both[:, -width:])


def two_up_shown(window: MainWindow, frame: int) -> bool:
    picture = window.viewer.picture
    return (
        picture.frame == frame
        and picture.image is not None
        and picture.image.width() > 2 * window.viewer.preview_size()[0]
    )


def test_sliding_green_shows_reds_new_last_frame_beside_blues_new_first(window, qtbot) -> None:
    at = drag_green(window, qtbot, "slide", 4)
    # red now ends at 24 showing media 23; blue starts at 44 showing media 5 + 4
    qtbot.waitUntil(lambda: two_up_shown(window, 44))
    assert halves(window) == (23, 9)
    # red's new out point, blue's new in point, where they now are in the cut
    assert window.viewer.picture.edit_labels == ("Out 00:00:00:23", "In 00:00:01:14")
    qtbot.mouseRelease(window.timeline_view, LEFT, NONE, at)
    assert layout(window.context.session.timeline, "V1") == [
        ("red", 0, 24),
        ("green", 24, 44),
        ("blue", 44, 60),
    ]
    wait_shown(qtbot, window, 3)
    assert window.viewer.picture.image.width() == window.viewer.preview_size()[0]  # one picture again
    assert shown_index(window) == 3


def test_slipping_green_shows_its_new_first_and_last_frames(window, qtbot) -> None:
    at = drag_green(window, qtbot, "slip", -3)  # three frames left: three frames later in its media
    qtbot.waitUntil(lambda: two_up_shown(window, 39))
    assert halves(window) == (8, 27)  # green still 20-40 on the timeline, now showing media 8-27
    # a slip changes which media the clip shows, not where it is: the labels give its media in and out
    assert window.viewer.picture.edit_labels == ("In 00:00:00:08", "Out 00:00:00:27")
    view = window.timeline_view
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # a cancelled drag gives the playhead's frame back too
    qtbot.mouseRelease(view, LEFT, NONE, at)
    wait_shown(qtbot, window, 3)
    assert shown_index(window) == 3
    assert window.viewer.picture.edit_labels == ()


def test_rolling_the_cut_after_green_labels_greens_new_out_and_blues_new_in(window, qtbot) -> None:
    view = window.timeline_view
    view.set_tool("roll")
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start = QPoint(round(view.geometry_.x_of(40)), y)
    qtbot.mousePress(view, LEFT, NONE, start)
    for i in range(1, 4):
        qtbot.mouseMove(view, start + QPoint(-4 * i, 0))  # three frames earlier
    qtbot.waitUntil(lambda: two_up_shown(window, 37))
    assert halves(window) == (21, 2)  # green now ends at 36 (media 21), blue starts at 37 (media 2)
    assert window.viewer.picture.edit_labels == ("Out 00:00:01:06", "In 00:00:01:07")
    qtbot.mouseRelease(view, LEFT, NONE, start + QPoint(-12, 0))
    assert layout(window.context.session.timeline, "V1") == [
        ("red", 0, 20),
        ("green", 20, 37),
        ("blue", 37, 60),
    ]
    wait_shown(qtbot, window, 3)
    assert shown_index(window) == 3 and window.viewer.picture.edit_labels == ()


def test_a_roll_stopped_by_the_media_shows_and_labels_the_cut_where_it_stops(window, qtbot) -> None:
    view = window.timeline_view
    view.set_tool("roll")
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start = QPoint(round(view.geometry_.x_of(20)), y)
    qtbot.mousePress(view, LEFT, NONE, start)
    for i in range(1, 5):
        qtbot.mouseMove(view, start + QPoint(-8 * i, 0))  # eight frames earlier asked; green has five
    qtbot.waitUntil(lambda: two_up_shown(window, 15))
    assert halves(window) == (14, 0)  # red's frame 14 beside green's media frame 0: the cut at 15
    assert window.viewer.picture.edit_labels == ("Out 00:00:00:14", "In 00:00:00:15")
    # the note says the roll that will apply, five frames, and why it goes no further
    assert view.gesture.overlay.note.startswith("Roll: −5 f") and "stops" in view.gesture.overlay.note
    assert view.gesture.overlay.line == 15  # the cut line where the roll stops, not under the mouse
    qtbot.mouseRelease(view, LEFT, NONE, start + QPoint(-32, 0))
    assert layout(window.context.session.timeline, "V1")[:2] == [("red", 0, 15), ("green", 15, 40)]
