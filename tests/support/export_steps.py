"""A user's File > Export in a real window: a preset, a destination typed in, Export pressed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def export_with_project_preset(qtbot, window, out: Path) -> None:
    """Export the window's timeline to `out` at the project's own size and rate."""
    export_through_dialog(qtbot, window, out, "project")


def export_through_dialog(qtbot, window, out: Path, preset: str | None) -> None:
    """Export to `out` through the dialog at `preset` (None: the one the dialog offers), and wait
    for the finished notice."""
    window.activateWindow()  # after a modal dialog closes no window may be active: Ctrl+M would go nowhere
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)  # File > Export
    dialog = window.exporter.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    if preset is not None:
        dialog.preset.setCurrentText(preset)
    dialog.destination.clear()
    qtbot.keyClicks(dialog.destination, str(out))
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.exporter.notice is not None and window.exporter.notice.isVisible(), timeout=60000
    )
