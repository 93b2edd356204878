"""Slow file work (reading an AAF, searching a folder of media, writing a bundle) off the GUI thread,
behind a progress dialog that keeps the window painted and the document still.

The work runs on the thread pool (`editor.background`); the GUI thread waits
in an event loop of its own, so the window repaints and the progress bar
moves, while the window-modal dialog keeps the user from editing a document
the work is reading. Quick work finishes before the dialog would appear, so
nothing flashes. Cancel (where the work allows it) is a request: the work
stops at its next progress report and cleans up before the wait ends, so a
cancelled bundle leaves no half-written file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

from editor.background import run_in_background
from engine import errors

T = TypeVar("T")
SHOW_AFTER_MS = 400


class Cancelled(errors.Cancelled):
    """The user pressed Cancel; the work stopped and left nothing behind."""


class _Relay(QObject):
    changed = Signal(object, object)  # (done, total): Python ints, since files pass 2 GiB


class Progress:
    """What the work holds: `report` moves the bar and raises `Cancelled` once the user cancelled."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self.relay = _Relay()

    def report(self, done: int, total: int) -> None:
        if self._cancelled.is_set():
            raise Cancelled()
        self.relay.changed.emit(done, total)

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class _Dialog(QProgressDialog):
    """A progress dialog that Escape and the close button cannot hide while uncancellable work runs."""

    def __init__(self, text: str, cancellable: bool, parent: QWidget) -> None:
        super().__init__(text, "Cancel" if cancellable else "", 0, 0, parent)
        self.cancellable = cancellable

    def reject(self) -> None:
        if self.cancellable:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.cancellable or self.property("finished"):
            super().closeEvent(event)
        else:
            event.ignore()


def run_modal(
    parent: QWidget,
    title: str,
    text: str,
    work: Callable[[Progress], T],
    cancellable: bool = False,
) -> T:
    """`work(progress)` on a worker thread; its value, or its exception raised here."""
    progress = Progress()
    dialog = _Dialog(text, cancellable, parent)
    dialog.setObjectName("busy-progress")
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if cancellable:
        dialog.canceled.connect(progress.cancel)
    else:
        dialog.setCancelButton(None)
    progress.relay.changed.connect(lambda done, total: _show(dialog, done, total))
    loop = QEventLoop()
    outcome: dict[str, Any] = {}

    def finished(key: str, value: object) -> None:
        outcome[key] = value
        loop.quit()

    run_in_background(
        lambda: work(progress),
        lambda value: finished("value", value),
        lambda error: finished("error", error),
        dialog,
    )
    if not outcome:
        loop.exec()
    dialog.setProperty("finished", True)
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _show(dialog: QProgressDialog, done: int, total: int) -> None:
    """The bar in per-mille, since QProgressBar counts in 32-bit ints and media can be larger."""
    if total <= 0:
        return
    dialog.setMaximum(1000)
    dialog.setValue(min(1000, done * 1000 // total))
