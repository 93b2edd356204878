"""View > panels and the Help menu: getting a closed panel back, and finding the keys.

Every dock can be closed, so View lists each panel with a check mark (as
Premiere's Window menu does) to bring it back; without it a closed panel is
gone until the layout is reset. Help opens the keymap (the first page of
Preferences) and says which version is running.
"""

from __future__ import annotations

from importlib import metadata

from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox

from editor.context import EditorContext


def register(window: QMainWindow, context: EditorContext) -> None:
    actions = context.actions
    for dock in window.findChildren(QDockWidget):
        name = dock.objectName().removeprefix("dock-")
        action = actions.add(
            f"view.panel.{name}",
            dock.windowTitle(),
            lambda dock=dock: _show(dock),
            "View",
            "",
            "panels",
            True,
        )
        action.setChecked(True)
        action.setData(dock)

        def follow(visible: bool, action=action) -> None:  # closed with its own × button, or restored
            action.blockSignals(True)
            action.setChecked(visible)
            action.blockSignals(False)

        dock.toggleViewAction().toggled.connect(follow)
    actions.add(
        "help.shortcuts",
        "&Keyboard Shortcuts…",
        lambda: actions.action("edit.preferences").trigger(),
        "Help",
        "",
        "help",
    )
    actions.add("help.about", "&About Shotline", lambda: _about(window), "Help", "", "about")


def start_hidden(window: QMainWindow, context: EditorContext, name: str) -> None:
    """A panel that waits until it has something to show (the Storyboard, for a project with a script):
    hidden, and unticked in View, until it or the user brings it forward."""
    window.findChild(QDockWidget, f"dock-{name}").hide()
    action = context.actions.action(f"view.panel.{name}")
    action.blockSignals(True)
    action.setChecked(False)
    action.blockSignals(False)


def _show(dock: QDockWidget) -> None:
    action = dock.toggleViewAction()
    wanted = not action.isChecked()
    dock.setVisible(wanted)
    if wanted:
        dock.raise_()


def _about(window: QMainWindow) -> None:
    try:
        version = metadata.version("shotline")
    except metadata.PackageNotFoundError:
        version = "development"
    QMessageBox.about(
        window,
        "About Shotline",
        f"<b>Shotline</b> {version}<br>A video editor with AI generation built in.<br>"
        "Projects are OpenTimelineIO files (.otio).",
    )
