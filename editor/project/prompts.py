"""The questions the project commands ask, one function each.

Kept apart from the commands so a test answers them by replacing one
function, and so every prompt reads the same: what is at stake, in the
user's words, with the safe answer as the default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from editor.project.interchange_prompts import open_filter  # every timeline format Shotline reads
from engine.project.journal import JournalInfo

SaveChoice = Literal["save", "discard", "cancel"]
RestoreChoice = Literal["restore", "discard", "later"]
FILTER = "Shotline project (*.otio)"


def ask_save_changes(parent: QWidget, name: str, before: str) -> SaveChoice:
    """`before` says what the user asked for ("closing", "opening another project")."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save the changes to {name} before {before}?")
    box.setInformativeText("Your changes will be lost if you don't save them.")
    buttons = QMessageBox.StandardButton
    box.setStandardButtons(buttons.Save | buttons.Discard | buttons.Cancel)
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    answer = box.exec()
    if answer == buttons.Save:
        return "save"
    if answer == buttons.Discard:
        return "discard"
    return "cancel"


def restore_question(info: JournalInfo) -> str:
    when = info.saved_at.astimezone().strftime("%A %d %B at %H:%M:%S")
    return f"Restore unsaved changes to {info.name} from {when}?"


def ask_restore(parent: QWidget, info: JournalInfo) -> RestoreChoice:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved changes")
    box.setText(restore_question(info))
    where = f"Project file: {info.original}" if info.original else "The project had never been saved."
    box.setInformativeText(
        f"Shotline did not close properly and kept your last edits.\n{where}\n\n"
        "Restore opens them as unsaved changes; Discard deletes them."
    )
    restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    later = box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.setEscapeButton(later)  # Escape keeps the journal for the next start: nothing is lost by accident
    box.exec()
    clicked = box.clickedButton()
    if clicked is restore:
        return "restore"
    if clicked is discard:
        return "discard"
    return "later"


def ask_open_path(parent: QWidget, folder: str) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open project", folder, open_filter())
    return Path(path) if path else None


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Save project as", suggested, FILTER)
    return Path(path) if path else None
