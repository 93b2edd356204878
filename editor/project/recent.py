"""File > Open Recent: the settings' recent projects, rebuilt each time the submenu opens.

Rebuilding on show (rather than on every save) means a second editor's
saves appear too, and a file that was moved since shows up as missing only
when the user picks it: then it says so and leaves the list.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QMenu

from editor.settings import EditorSettings


class RecentMenu:
    def __init__(self, menu: QMenu, settings: EditorSettings, open_path: Callable[[Path], object]) -> None:
        self.menu = menu
        self._settings = settings
        self._open = open_path
        menu.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        menu = self.menu
        menu.clear()
        recent = self._settings.recent_projects()
        for number, path in enumerate(recent, start=1):
            label = f"&{number} {path.name}" if number < 10 else path.name
            action = menu.addAction(label)
            action.setToolTip(str(path))
            action.setStatusTip(str(path))
            action.setData(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self._open(p))
        if not recent:
            menu.addAction("No Recent Projects").setEnabled(False)
            return
        menu.addSeparator()
        menu.addAction("Clear Recent Projects").triggered.connect(self.clear)

    def clear(self) -> None:
        for path in self._settings.recent_projects():
            self._settings.forget_recent(path)
        self.rebuild()
