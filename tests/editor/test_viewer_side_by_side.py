"""The source and timeline monitors side by side in a wide window, tabs in a narrow one, as seen and used."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDockWidget

from editor.main_window import MainWindow
from editor.viewer.panel import SIDE_BY_SIDE_WIDTH
from engine.project import document
from tests.editor import test_viewer
from tests.editor.test_viewer import wait_shown
from tests.support import mediagen

#: The window of tests/editor/test_viewer.py: red (30 frames) then blue (20) on V1/A1, no sound card.
window = test_viewer.window
WIDE, NARROW = (1800, 900), (1000, 700)


def resize(qtbot, window: MainWindow, size: tuple[int, int]) -> None:
    window.resize(*size)
    wide = size == WIDE
    qtbot.waitUntil(lambda: window.viewer.side_by_side == wide)
    qtbot.wait(20)


def open_source(qtbot, window: MainWindow, path) -> None:
    window.context.media.sourceRequested.emit(path)
    qtbot.waitUntil(lambda: window.viewer.source_path == path)
    source = window.viewer.source_monitor
    qtbot.waitUntil(lambda: source.picture.frame == 0 and source.picture.image is not None)


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(widget.width() // 2, widget.height() // 2))


def key(qtbot, window: MainWindow, which: Qt.Key) -> None:
    """A key as the user types it: to whatever has the focus in the window."""
    target = window.focusWidget() or window
    qtbot.keyClick(target, which)


def test_a_wide_window_shows_both_monitors_and_a_narrow_one_tabs(window, qtbot) -> None:
    viewer = window.viewer
    source, program = viewer.source_monitor, viewer.program
    resize(qtbot, window, WIDE)
    assert source.isVisible() and program.isVisible()
    assert source.title.isVisible() and source.title.text() == "Source"
    assert program.title.isVisible() and program.title.text() == "Timeline"
    assert not source.tabs.isVisible() and not program.tabs.isVisible()
    assert source.geometry().right() < program.geometry().left()  # source on the left, as in Premiere
    for monitor in (source, program):
        assert monitor.width() >= monitor.minimumSizeHint().width()
        for button in monitor.buttons.values():  # every button whole
            assert button.isVisible() and button.width() >= button.sizeHint().width(), button.text()
    assert "insert" in source.buttons and "insert" not in program.buttons
    assert source.picture.message == "No source clip: open one from the bin"
    assert source.picture.hint  # a word on what to do, drawn quietly (red is for what went wrong)
    assert source.worker.rendered_count == 0  # nothing to show: its worker has done nothing

    resize(qtbot, window, NARROW)
    assert program.isVisible() and not source.isVisible()
    assert program.tabs.isVisible() and program.tabs.tabText(program.tabs.currentIndex()) == "Timeline"
    source_tab = program.tabs.tabRect(0).center()
    qtbot.mouseClick(program.tabs, Qt.MouseButton.LeftButton, pos=source_tab)
    assert viewer.mode == "source" and source.isVisible() and not program.isVisible()
    assert source.tabs.currentIndex() == 0 and program.tabs.currentIndex() == 1  # each bar names its own

    resize(qtbot, window, WIDE)  # wider again: both, the keys still on the source
    assert source.isVisible() and program.isVisible() and viewer.mode == "source"


def test_opening_a_source_side_by_side_keeps_the_timeline_picture(window, qtbot, tmp_path) -> None:
    viewer, head = window.viewer, window.context.playhead
    source, program = viewer.source_monitor, viewer.program
    resize(qtbot, window, WIDE)
    head.move_to(12)
    wait_shown(qtbot, window, 12)
    timeline_picture = program.picture.image
    open_source(qtbot, window, tmp_path / "blue.mp4")
    assert program.isVisible() and program.picture.frame == 12 and program.picture.image is timeline_picture
    assert mediagen.read_index(test_viewer.to_array(program.picture.image)) == 12
    assert source.source_label.text() == "blue.mp4" and program.source_label.text() == ""
    assert viewer.mode == "source" and source.active and not program.active  # the keys go to the new clip

    click(qtbot, source.picture)
    key(qtbot, window, Qt.Key.Key_Right)
    key(qtbot, window, Qt.Key.Key_Right)
    assert viewer.source_playhead.frame == 2 and head.frame == 12
    qtbot.waitUntil(lambda: source.picture.frame == 2)
    assert source.timecode.text() == "00:00:00:02" and program.timecode.text() == "00:00:00:12"

    click(qtbot, program.picture)  # the last clicked monitor takes the keys
    assert viewer.mode == "timeline" and program.active
    key(qtbot, window, Qt.Key.Key_Right)
    assert head.frame == 13 and viewer.source_playhead.frame == 2
    wait_shown(qtbot, window, 13)
    assert source.picture.frame == 2  # the source stays where it was


def test_insert_from_the_source_side_by_side(window, qtbot, tmp_path) -> None:
    viewer, head, session = window.viewer, window.context.playhead, window.context.session
    source, program = viewer.source_monitor, viewer.program
    resize(qtbot, window, WIDE)
    open_source(qtbot, window, tmp_path / "blue.mp4")
    click(qtbot, source.picture)
    for which in (Qt.Key.Key_Right,) * 10 + (Qt.Key.Key_I,) + (Qt.Key.Key_Right,) * 3 + (Qt.Key.Key_O,):
        key(qtbot, window, which)
    assert viewer.source_playhead.marked_range() == (10, 4)
    assert "Duration 00:00:00:04" in source.marks_label.text() and program.marks_label.text() == ""
    # the narrowest viewer with both monitors: the splitters dragged, the bin and inspector wider
    docks = [window.findChild(QDockWidget, f"dock-{name}") for name in ("bin", "viewer", "inspector")]
    rest = (sum(d.width() for d in docks) - SIDE_BY_SIDE_WIDTH - 10) // 2
    window.resizeDocks(docks, [rest, SIDE_BY_SIDE_WIDTH + 10, rest], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: viewer.width() < SIDE_BY_SIDE_WIDTH + 20)
    assert viewer.side_by_side
    for monitor in (source, program):
        for button in monitor.buttons.values():  # every button whole there too
            assert button.width() >= button.sizeHint().width(), button.text()
    shown = source.marks_label.shown_text()  # in half the panel: tersely, but every timecode whole
    assert shown.startswith("In 00:00:00:10") and shown.endswith("00:00:00:04") and "…" not in shown

    click(qtbot, program.picture)  # park the timeline's playhead, then insert with the timeline's keys
    head.move_to(10)
    key(qtbot, window, Qt.Key.Key_Comma)
    v1 = document.track(session.timeline, "V1")
    assert [(c.name, c.source_range.duration.value) for c in v1] == [
        ("red", 10),
        ("blue", 4),
        ("red", 20),
        ("blue", 20),
    ]
    assert head.frame == 14 and session.undo_stack.undoText() == "Insert"
    wait_shown(qtbot, window, 14)  # the timeline's monitor shows the cut as it is now

    head.move_to(0)
    click(qtbot, source.buttons["overwrite"])  # the source monitor's own button
    assert [(c.name, c.source_range.duration.value) for c in v1][:2] == [("blue", 4), ("red", 6)]
    assert viewer.mode == "source"  # the button's monitor takes the keys


def test_only_one_monitor_plays_at_a_time(window, qtbot, tmp_path) -> None:
    viewer = window.viewer
    source, program = viewer.source_monitor, viewer.program
    resize(qtbot, window, WIDE)
    open_source(qtbot, window, tmp_path / "blue.mp4")
    click(qtbot, program.picture)
    key(qtbot, window, Qt.Key.Key_Space)
    assert program.playing and program.buttons["play"].text() == "❚❚"
    qtbot.waitUntil(lambda: window.context.playhead.frame > 0, timeout=3000)
    click(qtbot, source.picture)
    key(qtbot, window, Qt.Key.Key_Right)  # stepping the source leaves the timeline playing
    assert program.playing and viewer.source_playhead.frame == 1
    key(qtbot, window, Qt.Key.Key_Space)
    assert source.playing and not program.playing and viewer.player.playing
    assert program.buttons["play"].text() == "▶"
    qtbot.waitUntil(lambda: viewer.source_playhead.frame > 3, timeout=3000)
    key(qtbot, window, Qt.Key.Key_K)
    assert not source.playing and not viewer.player.playing


def test_the_monitor_in_the_hidden_tab_renders_nothing(window, qtbot, tmp_path) -> None:
    viewer, head = window.viewer, window.context.playhead
    source, program = viewer.source_monitor, viewer.program
    resize(qtbot, window, NARROW)
    assert source.worker.rendered_count == 0
    open_source(qtbot, window, tmp_path / "blue.mp4")
    assert viewer.mode == "source" and not program.isVisible() and not program.live
    rendered = program.worker.rendered_count
    for frame in (5, 20, 33):
        head.move_to(frame)
    window.context.playhead.mark_in()
    qtbot.wait(300)
    assert program.worker.rendered_count == rendered  # the timeline moved, nothing was drawn for it
    viewer.set_mode("timeline")  # its tab: it shows the playhead's frame at once
    assert program.isVisible() and not source.isVisible()
    qtbot.waitUntil(lambda: program.picture.frame == 33 and program.worker.rendered_count > rendered)
    assert program.timecode.text() == "00:00:01:03"
    rendered = source.worker.rendered_count
    viewer.source_playhead.move_to(7)
    qtbot.wait(300)
    assert source.worker.rendered_count == rendered


def test_marks_and_a_long_file_name_never_move_a_dock(window, qtbot, tmp_path) -> None:
    long_name = tmp_path / ("a very long file name from a phone camera export " * 3 + ".mp4")
    long_name.write_bytes((tmp_path / "blue.mp4").read_bytes())
    names = ("bin", "viewer", "inspector", "timeline")
    docks = [window.findChild(QDockWidget, f"dock-{name}") for name in names]
    for size in (WIDE, NARROW):
        resize(qtbot, window, size)
        qtbot.wait(50)
        before = [d.geometry() for d in docks]
        open_source(qtbot, window, long_name)
        viewer = window.viewer
        viewer.source_playhead.move_to(5)
        viewer.mark_in()
        viewer.source_playhead.move_to(20)
        viewer.mark_out()
        window.context.playhead.move_to(3)
        window.context.playhead.mark_in()
        window.context.playhead.move_to(40)
        window.context.playhead.mark_out()
        viewer.toggle_mode()
        viewer.toggle_mode()
        qtbot.wait(50)
        assert "Duration 00:00:00:16" in viewer.source_monitor.marks_label.text()
        assert "Duration 00:00:01:08" in viewer.program.marks_label.text()
        assert [d.geometry() for d in docks] == before, size
