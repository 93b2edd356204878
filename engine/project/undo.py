"""An undo stack in pure Python, so scripts and tests get the same undo as the editor.

The editor wraps each `Change` in a `QUndoCommand`; headless callers use this
stack directly. Transactions group several edits into one step and roll all of
them back if any of them fails (as Pitivi's undo does), so a compound gesture
never leaves the document half-done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from engine.project.change import Change, ChangeGroup


class UndoStack:
    """Unlimited undo and redo of `Change` records, with transactions."""

    def __init__(self) -> None:
        self._done: list[Change | ChangeGroup] = []
        self._undone: list[Change | ChangeGroup] = []
        self._open: list[ChangeGroup] = []
        self._clean_index: int | None = 0

    def push(self, change: Change | ChangeGroup) -> Change | ChangeGroup:
        """Record an edit that has already been applied."""
        if self._open:
            self._open[-1].changes.append(change)
            return change
        self._done.append(change)
        if self._clean_index is not None and self._clean_index > len(self._done) - 1:
            self._clean_index = None  # the saved state can no longer be reached by redo
        self._undone.clear()
        return change

    @contextmanager
    def transaction(self, description: str) -> Iterator[ChangeGroup]:
        """Group the edits pushed inside into one undo step; on error, undo them all."""
        group = ChangeGroup(description)
        self._open.append(group)
        try:
            yield group
        except BaseException:
            self._open.pop()
            group.undo()
            raise
        self._open.pop()
        if group.changes:
            self.push(group)

    @property
    def can_undo(self) -> bool:
        return bool(self._done) and not self._open

    @property
    def can_redo(self) -> bool:
        return bool(self._undone) and not self._open

    @property
    def undo_text(self) -> str:
        return self._done[-1].description if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].description if self._undone else ""

    def undo(self) -> Change | ChangeGroup:
        if not self.can_undo:
            raise IndexError("nothing to undo")
        change = self._done.pop()
        change.undo()
        self._undone.append(change)
        return change

    def redo(self) -> Change | ChangeGroup:
        if not self.can_redo:
            raise IndexError("nothing to redo")
        change = self._undone.pop()
        change.redo()
        self._done.append(change)
        return change

    def __len__(self) -> int:
        return len(self._done)

    def set_clean(self) -> None:
        """Mark the current state as saved."""
        self._clean_index = len(self._done)

    @property
    def is_clean(self) -> bool:
        return self._clean_index == len(self._done)
