"""The open project as every panel sees it: its timeline, its file, its undo history.

Panels never edit the timeline directly. A gesture calls `apply` with one
engine edit function; the edit runs, its `Change` becomes one `QUndoCommand`
on the stack, and `changed` tells every view to repaint. Undo and redo
restore the engine's exact snapshots, so the views only ever redraw the
model, never patch themselves. An edit the engine refuses (a locked track,
a trim past the media) is reported through `refused` with the engine's own
message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import opentimelineio as otio
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from engine.errors import ShotlineError
from engine.project import document
from engine.project.change import Change, ChangeGroup
from engine.project.document import ProjectSettings, new_project

Edit = Callable[..., Change | ChangeGroup]


class ChangeCommand(QUndoCommand):
    """One engine edit on the undo stack. The edit has already run when it is pushed,
    so the first `redo` (which Qt calls on push) does nothing."""

    def __init__(self, session: ProjectSession, change: Change | ChangeGroup) -> None:
        super().__init__(change.description)
        self._session = session
        self.change = change
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.change.redo()
        self._session.changed.emit()

    def undo(self) -> None:
        self.change.undo()
        self._session.changed.emit()


class ProjectSession(QObject):
    """Holds the document and announces every change to it."""

    changed = Signal()  # the timeline's content changed (an edit, undo or redo)
    replaced = Signal()  # another timeline is open now (new, open, restore)
    refused = Signal(str)  # an edit the engine refused, in words for the status bar
    pathChanged = Signal(object)  # Path | None
    dirtyChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)
        self.timeline: otio.schema.Timeline = new_project()
        #: the timelines opened on the way to this one (a nested sequence inside them); empty at the top
        self.trail: list[otio.schema.Timeline] = []
        self.path: Path | None = None
        self._unsaved = False  # a restored document is unsaved though nothing was done to it yet
        self._group: list[Change | ChangeGroup] | None = None

    # the document -------------------------------------------------------------

    @property
    def settings(self) -> ProjectSettings:
        return document.settings(self.timeline)

    @property
    def rate(self) -> float:
        return self.settings.rate

    @property
    def dirty(self) -> bool:
        return self._unsaved or not self.undo_stack.isClean()

    @property
    def project(self) -> otio.schema.Timeline:
        """The document itself (what is saved), even while a nested sequence in it is open."""
        return self.trail[0] if self.trail else self.timeline

    def enter(self, nested: otio.schema.Timeline) -> None:
        """Edit a nested sequence of this document (one sharing its tracks): the history goes on."""
        self.trail.append(self.timeline)
        self.timeline = nested
        self.replaced.emit()
        self.changed.emit()

    def leave(self, levels: int = 1) -> None:
        """Back out of `levels` nested sequences (towards the document's own timeline)."""
        if not self.trail:
            return
        levels = min(levels, len(self.trail))
        self.timeline = self.trail[-levels]
        del self.trail[-levels:]
        self.replaced.emit()
        self.changed.emit()

    def replace(self, timeline: otio.schema.Timeline, path: Path | None, dirty: bool = False) -> None:
        """Show another timeline; its undo history starts empty."""
        self.undo_stack.clear()
        self.trail = []
        self.timeline = timeline
        self._unsaved = dirty
        self.set_path(path)
        self.replaced.emit()
        self.changed.emit()
        self.dirtyChanged.emit(self.dirty)

    def _clean_changed(self, _clean: bool) -> None:
        self.dirtyChanged.emit(self.dirty)

    def set_path(self, path: Path | None) -> None:
        self.path = path
        self.pathChanged.emit(path)

    def mark_saved(self, path: Path) -> None:
        self.set_path(path)
        self._unsaved = False
        self.undo_stack.setClean()
        self.dirtyChanged.emit(False)

    # edits ----------------------------------------------------------------------

    def apply(self, edit: Edit, *args: Any, **kwargs: Any) -> Change | ChangeGroup | None:
        """Run `edit(timeline, *args, **kwargs)` as one undo step.

        Returns the change (its `result` names what the edit made), or None when
        the engine refused it; the refusal's message goes to `refused`.
        """
        try:
            change = edit(self.timeline, *args, **kwargs)
        except ShotlineError as error:
            if self._group is not None:
                raise _Refused(str(error)) from None  # the group undoes its steps and reports it
            self.refused.emit(str(error))
            return None
        if self._group is not None:
            self._group.append(change)
            return change
        self.undo_stack.push(ChangeCommand(self, change))
        self.changed.emit()
        return change

    def apply_outside_history(self, edit: Edit, *args: Any, **kwargs: Any) -> Change | ChangeGroup | None:
        """Run an edit that undo does not take back: a generated take joins the clip's list for good
        (undo switches back to the previous take, the new one stays to choose again)."""
        try:
            change = edit(self.timeline, *args, **kwargs)
        except ShotlineError as error:
            self.refused.emit(str(error))
            return None
        self._unsaved = True
        self.changed.emit()
        self.dirtyChanged.emit(True)
        return change

    @contextmanager
    def group(self, description: str) -> Iterator[list[Change | ChangeGroup]]:
        """Several edits as one undo step (a drop that adds a track, then overwrites).

        If anything inside raises, the edits made so far are undone and the
        exception propagates. A refused edit stops the group the same way, but
        is reported through `refused` instead of raising.
        """
        if self._group is not None:
            yield self._group  # nested: part of the outer step
            return
        self._group = collected = []
        try:
            yield collected
        except BaseException as error:
            for change in reversed(collected):
                change.undo()
            self._group = None
            if isinstance(error, _Refused):
                self.refused.emit(str(error))
                return
            raise
        self._group = None
        if collected:
            self.undo_stack.push(ChangeCommand(self, ChangeGroup(description, collected)))
            self.changed.emit()


class _Refused(Exception):
    pass
