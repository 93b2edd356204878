"""Starting the editor: the Qt application, the theme, and the first project shown."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from editor.background import run_in_background
from editor.main_window import MainWindow
from engine.project.document import new_project

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def make_application(argv: Sequence[str] = ()) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Shotline")
    app.setOrganizationName("Shotline")
    style = RESOURCES / "styles" / "dark.qss"
    if style.is_file():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def open_demo(window: MainWindow) -> None:
    """Show the demo project; on first start its media are synthesized in the background."""
    from engine.demo import demo_project

    window.statusBar().showMessage("Preparing the demo project…")

    def failed(error: Exception) -> None:
        window.statusBar().showMessage(f"The demo project could not be made: {error}")

    window.demo_job = run_in_background(demo_project, window.open_project, failed, window)


def run_editor(args: Sequence[str]) -> int:
    app = make_application()
    window = MainWindow()
    window.show_timeline(new_project(), None)
    if args:
        window.open_project(Path(args[0]))
    else:
        open_demo(window)
    window.show()
    return app.exec()
