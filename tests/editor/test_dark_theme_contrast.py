"""The dark theme's readability where helpers' screenshots found it lacking: the viewer's selected
Source/Timeline tab (light text once drew on the base style's light tab) and the separator in a combo
box's list (drawn in the window's own grey)."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from editor.app import RESOURCES
from editor.main_window import MainWindow
from editor.timeline import speed_commands


def lightness_range(image: QImage, left: int, top: int, right: int, bottom: int) -> tuple[int, int]:
    values = [image.pixelColor(x, y).lightness() for x in range(left, right) for y in range(top, bottom)]
    return min(values), max(values)


def test_the_selected_viewer_tab_reads_with_and_without_the_theme(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 750)  # narrow enough for the Source/Timeline tabs (wider: side by side)
    window.show()
    qtbot.waitUntil(lambda: not window.viewer.side_by_side and window.viewer.tabs.isVisible())
    app = QApplication.instance()
    before = app.styleSheet()
    try:
        for theme in ("", (RESOURCES / "styles" / "dark.qss").read_text(encoding="utf-8")):
            app.setStyleSheet(theme)
            for index in (0, 1):  # Source, then Timeline
                window.viewer.tabs.setCurrentIndex(index)  # each monitor shown has its own bar
                qtbot.waitUntil(
                    lambda i=index: window.viewer.tabs.isVisible() and window.viewer.tabs.currentIndex() == i
                )
                tabs = window.viewer.tabs
                shot = tabs.grab().toImage()
                rect = tabs.tabRect(index)
                darkest, lightest = lightness_range(
                    shot, rect.left() + 2, rect.top() + 2, rect.right() - 2, rect.bottom() - 3
                )
                assert darkest < 60 and lightest > 180, (theme[:10], index, darkest, lightest)
    finally:
        app.setStyleSheet(before)
        window.viewer.shutdown()


def test_the_separator_in_the_speed_dialogs_kind_list_shows_in_the_dark_theme(qtbot) -> None:
    dialog = speed_commands.SpeedDialog(100.0, False, "nearest", 40)
    dialog.setStyleSheet((RESOURCES / "styles" / "dark.qss").read_text(encoding="utf-8"))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.showPopup()
    view = dialog.kind.view()
    qtbot.waitUntil(view.isVisible)
    separator = view.visualRect(dialog.kind.model().index(1, 0))
    shot = view.viewport().grab().toImage()
    rows = [
        max(shot.pixelColor(x, y).lightness() for x in range(separator.left(), separator.right()))
        for y in range(separator.top(), separator.bottom() + 1)
    ]
    assert max(rows) > 80  # a visible line on the popup's #1e1f22 (lightness 32)
    dialog.kind.hidePopup()
