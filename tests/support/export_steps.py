"""A user's File > Export in a real window: the project preset, a destination typed in, Export pressed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def export_with_project_preset(qtbot, window, out: Path) -> None:
    """Export the window's timeline to `out` through the dialog, and wait for the finished notice."""
    window.activateWindow()  # after a modal dialog closes no window may be active: Ctrl+M would go nowhere
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # File > Export
    dialog = window.exporter.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    dialog.preset.setCurrentText("project")
    dialog.destination.clear()
    qtbot.keyClicks(dialog.destination, str(out))
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.exporter.notice is not None and window.exporter.notice.isVisible(), timeout=60000
    )
