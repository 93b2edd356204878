"""Source patching: which timeline tracks the source viewer's picture and sound go to.

Premiere's V and A source indicators in the track headers: Insert (`,`) and
Overwrite (`.`) put the source's video on the patched video track and its
audio on the patched audio track; a kind patched to no track is left out.
Shared by the timeline (which draws and toggles it) and the viewer (which
edits with it), so it lives in the context, not in either panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from engine.project import document
from engine.project.document import AUDIO, VIDEO, Timeline

#: A kind follows the default track (V1 / A1: the one nearest the middle) until the user patches it.
DEFAULT = "default"


class SourcePatch(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._chosen: dict[str, str | None] = {VIDEO: DEFAULT, AUDIO: DEFAULT}

    def reset(self) -> None:
        self._chosen = {VIDEO: DEFAULT, AUDIO: DEFAULT}
        self.changed.emit()

    def toggle(self, kind: str, track: str, tracks: Sequence[str]) -> None:
        """Click on a header's source cell: patch the kind there, or unpatch it if it was already there."""
        self._chosen[kind] = None if self.track(kind, tracks) == track else track
        self.changed.emit()

    def track(self, kind: str, tracks: Sequence[str]) -> str | None:
        """The patched track of `kind` among `tracks` (that kind's names, V1/A1 first), or None."""
        chosen = self._chosen[kind]
        if chosen is None:
            return None
        if chosen != DEFAULT and chosen in tracks:
            return chosen
        return tracks[0] if tracks else None  # the default, or a patched track since removed or renamed

    def destinations(self, timeline: Timeline) -> dict[str, str | None]:
        """Kind -> the track the source's clip of that kind goes to in `timeline` (None: left out)."""
        return {
            kind: self.track(kind, [t.name for t in document.tracks(timeline, kind)])
            for kind in (VIDEO, AUDIO)
        }
