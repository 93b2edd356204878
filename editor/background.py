"""Running slow work off the GUI thread and getting its result back on it.

Workers never touch widgets: they return a value or raise, and the result is
delivered to the GUI thread through a queued signal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as error:  # delivered to the GUI thread, which decides what the user sees
            with contextlib.suppress(RuntimeError):  # the panel that asked has closed meanwhile
                self._relay.failed.emit(error)
            return
        with contextlib.suppress(RuntimeError):
            self._relay.succeeded.emit(result)


def run_in_background(
    work: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    parent: QObject,
) -> _Relay:
    """Run `work` on the thread pool; `on_done`/`on_error` run on `parent`'s (GUI) thread."""
    relay = _Relay(parent)  # lives in the GUI thread, so its signals are delivered there
    relay.succeeded.connect(on_done)
    relay.failed.connect(on_error)
    QThreadPool.globalInstance().start(_Job(work, relay))
    return relay
