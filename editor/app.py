"""Starting the editor: the Qt application, the theme, and the first project shown."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

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


def run_editor(args: Sequence[str]) -> int:
    app = make_application()
    window = MainWindow()
    if args:
        if not window.open_project(Path(args[0])):
            window.show_timeline(new_project(), None)
    else:
        window.show_timeline(new_project(), None)
    window.show()
    return app.exec()
