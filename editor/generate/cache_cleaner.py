"""File > Clean Generation Cache…: free the space of generated results the project no longer uses.

Deleting a take keeps its file in the cache (undo may want it back, and
regenerating the same spec is then instant); this is where that space is
given back. A result is kept when any take of any clip or any bin item
uses it; everything else is listed with its size, and deleted only after
the user confirms. Painted mask versions beside a saved project that no
clip, take or undo step can reach any more are offered the same way. Both
the survey (walking the cache) and the deletion run off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from editor.background import run_in_background
from editor.context import EditorContext
from editor.masks.store_cleanup import reachable_versions
from engine.jobs.spec import default_cache_dir
from engine.paths import data_dir
from engine.project import bin as media_bin
from engine.project.masks import mask_root, remove_versions, unused_versions
from engine.results import CacheEntry, remove_entries, unreferenced


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
        session = self._context.session
        folder = default_cache_dir(session.path)
        used = self.used_paths()
        # an unsaved project's mask folder is shared by every unsaved session (and crash recovery)
        masks = mask_root(session.path, data_dir()) if session.path is not None else None
        keep = reachable_versions(session, masks) if masks is not None else set()
        self.busy = True
        self._context.status.show("Looking through the generation cache…", 0)
        run_in_background(
            lambda: (unreferenced(folder, used), unused_versions(masks, keep) if masks else []),
            lambda found: self._confirm(folder, *found),
            self._failed,
            self,
        )

    def _confirm(self, folder: Path, found: list[CacheEntry], masks: Sequence[CacheEntry] = ()) -> None:
        if not found and not masks:
            self.busy = False
            self._context.status.show(f"Nothing to clean: every result in {folder} is used by this project")
            return
        total = sum(e.size for e in (*found, *masks))
        count = len(found)
        parts = []
        if found:
            parts.append(
                f"{count} generated result{'s' if count != 1 else ''} in {folder} "
                f"({size_text(sum(e.size for e in found))}) {'are' if count != 1 else 'is'} not used by any "
                "take or bin item of this project."
            )
        if masks:
            where = masks[0].folder.parent.parent
            parts.append(
                f"{len(masks)} painted mask version{'s' if len(masks) != 1 else ''} in {where} "
                f"({size_text(sum(e.size for e in masks))}) {'are' if len(masks) != 1 else 'is'} not used "
                "by any clip, take or undo step of this project."
            )
        again = " Regenerating one of them later makes it again." if found else ""
        question = "\n\n".join(parts) + f"\n\nDelete them?{again}"
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
        answer = self.confirm(question, buttons)
        if answer != QMessageBox.StandardButton.Yes:
            self.busy = False
            self._context.status.show("Nothing deleted")
            return
        self._context.status.show(f"Deleting {size_text(total)} of unused results…", 0)
        results, versions = list(found), list(masks)
        run_in_background(
            lambda: remove_entries(results) + remove_versions(versions),
            self._removed,
            self._failed,
            self,
        )

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
