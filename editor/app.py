"""Starting the editor: the Qt application, the theme, and the first project shown.

At start the editor first offers what a crashed session left unsaved; when
nothing is restored it opens the project named on the command line, or on
a first run with no project the demo project.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from editor.collector import MainThreadCollector
from editor.demo_start import open_demo
from editor.main_window import MainWindow
from editor.project.recovery import offer_recovery
from editor.timeline import clipboard
from engine.project.document import new_project

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def make_application(argv: Sequence[str] = ()) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Shotline")
    if app.findChild(MainThreadCollector) is None:
        MainThreadCollector(app)  # cyclic garbage (Qt wrappers) is freed on this thread only
        app.aboutToQuit.connect(clipboard.let_go)
    app.setOrganizationName("Shotline")
    style = RESOURCES / "styles" / "dark.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def start_editor(args: Sequence[str]) -> MainWindow:
    """The shown window with its first project (the part of `run_editor` before the event loop)."""
    window = MainWindow()
    window.show_timeline(new_project(), None)
    window.show()
    if offer_recovery(window, window.context.settings, window.project_files):
        return window
    if args:
        window.open_project(Path(args[0]))
    else:
        open_demo(window)
    return window


def run_editor(args: Sequence[str]) -> int:
    app = make_application()
    window = start_editor(args)
    # the engine process warms up (imports torch, finds devices) while the user looks at the window
    window.engine.start()
    return app.exec()
