"""File > Clean Generation Cache…: free the space of generated results the project no longer uses.

Deleting a take keeps its file in the cache (undo may want it back, and
regenerating the same spec is then instant); this is where that space is
given back. A result is kept when any take of any clip or any bin item
uses it; everything else is listed with its size, and deleted only after
the user confirms. Both the survey (walking the cache) and the deletion run
off the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from editor.background import run_in_background
from editor.context import EditorContext
from engine.jobs.cache import CacheEntry, remove_entries, unreferenced
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin


def size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class CacheCleaner(QObject):
    def __init__(self, context: EditorContext, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._window = context, window
        self.busy = False
        text = "Clean Generation &Cache…"
        context.actions.add("file.clean_cache", text, self.ask, "File", "", "cache")

    def used_paths(self) -> list[Path]:
        """Every file a take of a clip or a bin item names (read on the GUI thread: no disk access)."""
        timeline = self._context.session.timeline
        return [*media_bin.used_media(timeline), *media_bin.entries(timeline)]

    def ask(self) -> None:
        if self.busy:
            self._context.status.show("The generation cache is being cleaned")
            return
        folder = default_cache_dir(self._context.session.path)
        used = self.used_paths()
        self.busy = True
        self._context.status.show("Looking through the generation cache…", 0)
        run_in_background(
            lambda: unreferenced(folder, used), lambda found: self._confirm(folder, found), self._failed, self
        )

    def _confirm(self, folder: Path, found: list[CacheEntry]) -> None:
        if not found:
            self.busy = False
            self._context.status.show(f"Nothing to clean: every result in {folder} is used by this project")
            return
        total = sum(e.size for e in found)
        count = len(found)
        question = (
            f"{count} generated result{'s' if count != 1 else ''} in {folder} "
            f"({size_text(total)}) {'are' if count != 1 else 'is'} not used by any take or bin item "
            "of this project.\n\nDelete them? Regenerating one of them later makes it again."
        )
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        answer = self.confirm(question, buttons)
        if answer != QMessageBox.StandardButton.Yes:
            self.busy = False
            self._context.status.show("Nothing deleted")
            return
        self._context.status.show(f"Deleting {size_text(total)} of unused results…", 0)
        run_in_background(lambda: remove_entries(found), self._removed, self._failed, self)

    def confirm(self, question: str, buttons: QMessageBox.StandardButton) -> QMessageBox.StandardButton:
        """Ask the user (tests answer in their place)."""
        box = QMessageBox(
            QMessageBox.Icon.Question, "Clean Generation Cache", question, buttons, self._window
        )
        box.setObjectName("clean-cache-confirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return QMessageBox.StandardButton(box.exec())

    def _removed(self, freed: int) -> None:
        self.busy = False
        self._context.status.show(f"Freed {size_text(freed)} in the generation cache")

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self._context.status.show(f"Could not clean the generation cache: {error}")
