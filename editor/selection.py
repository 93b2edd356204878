"""Which clips are selected, by clip id, shared by the timeline, the inspector and the menus.

Ids (not clip objects) because undo restores clips as clones: an id still
names the same clip after undo, an object reference would not.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from engine.errors import ShotlineError
from engine.project import document
from engine.project.document import VIDEO, Timeline


class Selection(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids: list[str] = []

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def __contains__(self, ident: str) -> bool:
        return ident in self._ids

    def __bool__(self) -> bool:
        return bool(self._ids)

    def set(self, ids: Iterable[str]) -> None:
        new = list(dict.fromkeys(ids))
        if new != self._ids:
            self._ids = new
            self.changed.emit()

    def add(self, ids: Iterable[str]) -> None:
        self.set([*self._ids, *ids])

    def toggle(self, ident: str) -> None:
        self.set([i for i in self._ids if i != ident] if ident in self._ids else [*self._ids, ident])

    def clear(self) -> None:
        self.set([])

    def keep_only(self, existing: Iterable[str]) -> None:
        """Drop ids that no longer name a clip (after an undo or a delete)."""
        alive = set(existing)
        self.set([i for i in self._ids if i in alive])


def first_picture_clip(timeline: Timeline, ids: Iterable[str]) -> str | None:
    """The first of `ids` that is a clip on a video track (what Extend and Ken Burns act on)."""
    for ident in ids:
        try:
            track, _clip = document.find_clip(timeline, ident)
        except ShotlineError:
            continue
        if track.kind == VIDEO:
            return ident
    return None
