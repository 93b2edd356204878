"""Clip > Ken Burns…: the dialog's move becomes one undoable edit of the selected picture clip."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.selection import first_picture_clip
from editor.stills.kenburns_dialog import KenBurnsDialog
from engine.project import document
from engine.project.kenburns import move_of, remove_ken_burns, set_ken_burns

ACTION = "clip.kenburns"


class KenBurnsController(QObject):
    def __init__(self, context: EditorContext, window: QWidget) -> None:
        super().__init__(window)
        self._context = context
        self.dialog = KenBurnsDialog(window)
        self.action = context.actions.add(ACTION, "&Ken Burns…", self.edit_selected, "Clip", "", "stills")

    def edit_selected(self) -> None:
        ident = first_picture_clip(self._context.session.timeline, self._context.selection.ids)
        if ident is None:
            self._context.status.show("Select a still or picture clip to give it a Ken Burns move")
            return
        _track, clip = document.find_clip(self._context.session.timeline, ident)
        self.dialog.fill(move_of(clip), clip.name or "Clip")
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.apply(ident)

    def apply(self, ident: str) -> None:
        """What the dialog says, as one undo step (or the move taken off)."""
        session = self._context.session
        if self.dialog.removing:
            session.apply(remove_ken_burns, ident)
            return
        move = self.dialog.values()
        session.apply(set_ken_burns, ident, move.start, move.end, move.easing)
