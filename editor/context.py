"""What every panel is given: the shared objects of one editor window.

Passed explicitly to each panel's constructor, never looked up globally, so
a panel can be built and tested on its own with a fresh context.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from editor.actions import ActionRegistry
from editor.patch import SourcePatch
from editor.playhead import Playhead
from editor.proxies.settings import ProxySettings
from editor.selection import Selection
from editor.session import ProjectSession
from editor.settings import EditorSettings


class StatusLine(QObject):
    """Messages for the status bar, from any panel (GUI thread only)."""

    message = Signal(str, int)  # text, milliseconds to show it (0: until replaced)

    def show(self, text: str, timeout_ms: int = 6000) -> None:
        self.message.emit(text, timeout_ms)


class MediaRequests(QObject):
    """Requests between panels about media files, so the bin need not know the viewer."""

    sourceRequested = Signal(object)  # Path: show this file in the source viewer
    imported = Signal(object)  # list[Path]: files the bin has just added
    #: (a copy of the timeline with a trim, roll, slip or slide applied, the edit frame to show in it,
    #: or the two frames of a two-up: a roll's or slide's (outgoing, incoming), a slip's (first, last)),
    #: while the drag lasts, and the label drawn over each of those frames (tuple[str, ...]: which edit
    #: point it is and its timecode, "Out 00:00:02:11"; () for none); (None, -1, ()) when it ends
    editFrame = Signal(object, object, object)


@dataclass
class EditorContext:
    session: ProjectSession
    playhead: Playhead
    selection: Selection
    actions: ActionRegistry
    settings: EditorSettings
    status: StatusLine = field(default_factory=StatusLine)
    media: MediaRequests = field(default_factory=MediaRequests)
    patch: SourcePatch = field(default_factory=SourcePatch)
    proxies: ProxySettings | None = None  # what the viewer decodes: originals or their proxies

    @classmethod
    def create(cls, owner: QObject, settings: EditorSettings | None = None) -> EditorContext:
        context = cls(
            session=ProjectSession(owner),
            playhead=Playhead(owner),
            selection=Selection(owner),
            actions=ActionRegistry(owner),
            settings=settings or EditorSettings(),
            status=StatusLine(owner),
            media=MediaRequests(owner),
            patch=SourcePatch(owner),
        )
        context.proxies = ProxySettings(context.settings, owner)
        # a refused edit is news for the status bar, in the engine's own words
        context.session.refused.connect(lambda text: context.status.show(text))
        return context
