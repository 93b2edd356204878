"""Crash recovery at start-up: offer the journals that a dead editor left behind.

Only journals whose writing process is gone are offered (see
engine.project.journal), newest first. Restore opens the journaled document
as unsaved changes to its original file, and this window adopts the journal
so it stays protected until saved; Discard deletes it; Not Now keeps it for
the next start. A journal that cannot be read is set aside, not deleted.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from editor.project import prompts
from editor.project.autosave import recovery_folder
from editor.project.file_actions import ProjectFiles
from editor.settings import EditorSettings
from engine.errors import ShotlineError
from engine.project import journal


def offer_recovery(parent: QWidget, settings: EditorSettings, files: ProjectFiles) -> bool:
    """Ask about each orphaned journal; True when one was restored into the window."""
    for info in journal.orphans(recovery_folder(settings)):
        answer = prompts.ask_restore(parent, info)
        if answer == "discard":
            journal.discard(info)
            continue
        if answer == "later":
            continue
        try:
            timeline = journal.load_journal(info)
        except ShotlineError as error:
            kept = journal.set_aside(info)
            QMessageBox.warning(
                parent,
                "Cannot restore",
                f"The recovery file could not be read ({error}). It was kept as {kept}.",
            )
            continue
        files.show(timeline, info.original, dirty=True)
        files.autosaver.adopt(info)
        return True
    return False
