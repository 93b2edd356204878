"""Edit > Cut, Copy, Paste and Paste Insert for timeline clips, through the system clipboard.

The copy travels as OTIO JSON under Shotline's own MIME type (with a one-line
summary as plain text), so it survives in the system clipboard and pastes into
another open project or window. Paste lands at the playhead on the lowest
targeted track of each kind, selects what it pasted and moves the playhead to
its end, as Premiere does. The commands are enabled only when they can act:
Cut and Copy with clips selected, Paste with Shotline clips on the clipboard.
A text field with focus keeps Ctrl+C / Ctrl+V for its text (see `keyguard`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QClipboard, QGuiApplication

from editor.timeline.geometry import HEADER_WIDTH
from engine.errors import ShotlineError
from engine.project import clipboard
from engine.project.clipboard import Clipboard, PasteResult
from engine.project.times import rt

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView

MIME_TYPE = "application/x-shotline-clips"


def system_clipboard() -> QClipboard:
    return QGuiApplication.clipboard()


def let_go() -> None:
    """Take Shotline's clips off the system clipboard when the application ends.

    The clipboard is Qt's and is destroyed by Qt's exit handlers, after Python has
    finalized; the QMimeData we gave it was made in Python, and deleting it then calls
    into the finalized interpreter: a segmentation fault on every quit after a Copy.
    """
    board = system_clipboard()
    data = board.mimeData()
    if data is not None and data.hasFormat(MIME_TYPE):
        board.clear()


def held() -> Clipboard | None:
    """The Shotline clips on the system clipboard, or None (nothing, or something else)."""
    data = system_clipboard().mimeData()
    if data is None or not data.hasFormat(MIME_TYPE):
        return None
    return Clipboard.from_json(bytes(data.data(MIME_TYPE)).decode("utf-8", errors="replace"))


def hold(board: Clipboard) -> None:
    data = QMimeData()
    data.setData(MIME_TYPE, board.to_json().encode("utf-8"))
    data.setText(f"Shotline: {board.summary()}")
    system_clipboard().setMimeData(data)


class ClipboardCommands(QObject):
    def __init__(self, view: TimelineView) -> None:
        super().__init__(view)
        self.view = view
        context = view.context
        add = context.actions.add
        self.cut_action = add("edit.cut", "Cu&t", self.cut, "Edit", "Ctrl+X", "clipboard")
        self.copy_action = add("edit.copy", "&Copy", self.copy, "Edit", "Ctrl+C", "clipboard")
        self.paste_action = add(
            "edit.paste", "&Paste", lambda: self.paste(False), "Edit", "Ctrl+V", "clipboard"
        )
        self.paste_insert_action = add(
            "edit.paste_insert",
            "Paste &Insert",
            lambda: self.paste(True),
            "Edit",
            "Ctrl+Shift+V",
            "clipboard",
        )
        context.selection.changed.connect(self._update)
        system_clipboard().dataChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        selected = bool(self.view.context.selection)
        self.cut_action.setEnabled(selected)
        self.copy_action.setEnabled(selected)
        data = system_clipboard().mimeData()
        pastable = data is not None and data.hasFormat(MIME_TYPE)
        self.paste_action.setEnabled(pastable)
        self.paste_insert_action.setEnabled(pastable)

    def copy(self) -> None:
        context = self.view.context
        try:
            board = clipboard.copy(context.session.timeline, context.selection.ids)
        except ShotlineError as error:
            context.status.show(str(error), 4000)
            return
        hold(board)
        context.status.show(f"Copied {board.summary()}", 4000)

    def cut(self) -> None:
        context = self.view.context
        change = context.session.apply(clipboard.cut, context.selection.ids)
        if change is None:
            return
        board = change.result
        hold(board)
        context.status.show(f"Cut {board.summary()}", 4000)

    def paste(self, insert: bool) -> None:
        context, view = self.view.context, self.view
        try:
            board = held()
        except ShotlineError as error:
            context.status.show(str(error), 4000)
            return
        if board is None:
            context.status.show("Nothing to paste: copy clips on the timeline first", 4000)
            return
        session = context.session
        anchors = clipboard.lowest_targeted(session.timeline, view.targeted_tracks())
        at = rt(context.playhead.frame, session.rate)
        change = session.apply(clipboard.paste, board, at, anchors, insert=insert)
        if change is None:
            return
        result: PasteResult = change.result
        context.selection.set(result.clip_ids)
        context.playhead.move_to(result.end)
        self._reveal(result.start, result.end)

    def _reveal(self, start: int, end: int) -> None:
        """Scroll so the playhead, now after the pasted clips, is on screen (with the clips if they fit)."""
        view, g = self.view, self.view.geometry_
        visible = g.frames_in(max(1, view.width() - HEADER_WIDTH))
        if g.first_frame <= start and end <= g.first_frame + visible * 0.95:
            return
        view.scroll_to(first_frame=max(0.0, min(float(start), end - visible * 0.8)))


def register(view: TimelineView) -> ClipboardCommands:
    return ClipboardCommands(view)
