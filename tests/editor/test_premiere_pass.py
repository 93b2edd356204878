"""What a Premiere user looks for first: panels back from View, Help, a readable empty timeline."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from editor.main_window import MainWindow
from editor.preferences.dialog import PreferencesDialog
from engine.project.document import new_project


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.viewer.shutdown()


def menu(window: MainWindow, title: str) -> list[str]:
    found = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [a.text().replace("&", "") for a in found.actions() if not a.isSeparator()]


def test_every_menu_has_commands_and_help_is_not_empty(window) -> None:
    for title in ("File", "Edit", "Project", "Clip", "Sequence", "View", "Help"):
        assert menu(window, title), f"{title} is empty"
    assert menu(window, "Help") == ["Keyboard Shortcuts…", "About Shotline"]
    assert {"Media", "Viewer", "Timeline", "Inspector", "Jobs"} <= set(menu(window, "View"))


def test_a_closed_panel_comes_back_from_the_view_menu(window, qtbot) -> None:
    dock = window.findChild(type(window.bin.parentWidget()), "dock-bin")
    action = window.context.actions.action("view.panel.bin")
    dock.close()  # its own × button
    qtbot.waitUntil(lambda: not dock.isVisible())
    assert not action.isChecked()
    action.trigger()
    qtbot.waitUntil(dock.isVisible)
    assert action.isChecked()
    action.trigger()  # and the menu hides it again
    qtbot.waitUntil(lambda: not dock.isVisible())


def test_help_opens_the_keymap_and_says_the_version(window, qtbot, monkeypatch) -> None:
    window.context.actions.action("help.shortcuts").trigger()
    dialog = window.findChild(PreferencesDialog)
    assert dialog is not None and dialog.isVisible() and dialog.tabs.currentIndex() == 0
    assert dialog.tabs.tabText(0) == "Keyboard Shortcuts"
    dialog.done(QDialog.DialogCode.Rejected)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: said.append(f"{title}: {text}"))
    window.context.actions.action("help.about").trigger()
    assert said and said[0].startswith("About Shotline: <b>Shotline</b>")


def test_a_new_window_shows_the_empty_timeline_at_a_readable_zoom(qtbot, tmp_path, monkeypatch) -> None:
    """As the app starts: the project is shown before the window, when the timeline has no width yet."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_timeline(new_project(), None)
    window.show()
    qtbot.waitExposed(window)
    view = window.timeline_view
    qtbot.waitUntil(lambda: view.width() > 400)
    shown = view.geometry_.frames_in(view.width())
    assert 10 * 30 <= shown <= 15 * 30  # ten seconds (and a little) at 30 fps, not half an hour
    window.viewer.shutdown()


def test_unlink_and_link_from_the_clip_menu(qtbot, tmp_path, monkeypatch) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication, QMenu

    from engine.project import edits
    from tests.support.editing import av_shot, project
    from tests.support.timeline_harness import make_harness

    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 60)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)

    def right_click_and_choose(pos: QPoint, text: str) -> list[str]:
        offered: list[str] = []

        def run(menu: QMenu, _at: QPoint) -> None:
            offered.extend(a.text() for a in menu.actions() if not a.isSeparator())
            for action in menu.actions():  # (raising in here would take Qt down with it)
                if action.text() == text:
                    action.trigger()

        monkeypatch.setattr(tl.view, "run_menu", run)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, tl.view.mapToGlobal(pos))
        QApplication.sendEvent(tl.view, event)
        return offered

    offered = right_click_and_choose(tl.at(30, "V1"), "Unlink")
    assert "Link" in offered  # picture and sound both selected by the click
    assert all(b.link is None for row in tl.view.layout.rows for b in row.boxes)
    assert tl.context.session.undo_stack.undoText() == "Unlink clips"
    # now a click selects one clip only (the selection narrows to it); Ctrl adds the other; Link
    tl.click(tl.at(30, "V1"))
    assert len(tl.context.selection.ids) == 1
    tl.click(tl.at(30, "A1"), Qt.KeyboardModifier.ControlModifier)
    offered = right_click_and_choose(tl.at(30, "A1"), "Link")
    assert "Unlink" not in offered
    links = {b.link for row in tl.view.layout.rows for b in row.boxes}
    assert len(links) == 1 and None not in links


def test_the_timelines_in_and_out_are_shaded_on_the_ruler(qtbot, tmp_path) -> None:
    from PySide6.QtGui import QColor

    from tests.support.editing import project
    from tests.support.timeline_harness import make_harness

    tl = make_harness(qtbot, tmp_path)
    tl.open(project())

    def ruler_pixel(frame: int) -> QColor:
        return tl.view.grab().toImage().pixelColor(tl.x(frame) + 1, 1)

    outside = ruler_pixel(30)
    tl.context.playhead.mark_in(20)
    tl.context.playhead.mark_out(59)
    assert tl.view.scene().marks == (20, 59)
    assert ruler_pixel(40) != outside and ruler_pixel(40).blue() > outside.blue()  # the range is shaded blue
    assert ruler_pixel(70) == ruler_pixel(10) == outside
    tl.context.playhead.clear_marks()
    assert ruler_pixel(40) == outside
