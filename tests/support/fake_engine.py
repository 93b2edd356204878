"""An engine client the test plays the engine's part of: it records requests and emits the signals.

It speaks like editor.engine_client.EngineClient. By default every request is
answered at once (jobs are named "1", "2", ... as submitted); with
`hold_replies` the answers wait until the test calls `reply()`, so a test can
send notifications before the reply, as a remote engine might.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

Reply = Callable[[dict[str, Any] | None, str | None], None]


class FakeEngine(QObject):
    started = Signal(dict)
    progress = Signal(str, dict)
    log = Signal(str, str)
    done = Signal(str, dict)
    failed = Signal(str, str)
    cancelled = Signal(str)
    crashed = Signal(str)

    def __init__(self, hold_replies: bool = False) -> None:
        super().__init__()
        self.running, self.info = True, {"tasks": {"music.score": [{"name": "composer"}]}}
        self.hold_replies = hold_replies
        self.submitted: list[dict[str, Any]] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []  # every request but `submit`, in order
        self.cancels: list[str] = []
        self.held: list[tuple[Reply, dict[str, Any] | None, str | None]] = []
        self.ended: set[str] = set()  # jobs a cancel is answered "already ended" for
        self.statuses: dict[str, dict[str, Any]] = {}  # what `status` says of a job
        self._jobs = 0

    def start(self) -> None:
        self.running = True

    def submit(self, spec: dict[str, Any], reply: Reply | None = None) -> None:
        self.submitted.append(spec)
        self._answer(reply, {"job": self._next_job()}, None)

    def request(self, method: str, params: dict[str, Any], reply: Reply | None = None) -> None:
        self.requests.append((method, params))
        if method == "export":
            self._answer(reply, {"job": self._next_job()}, None)
        elif method == "cancel":
            self.cancels.append(params["job"])
            self._answer(reply, {"cancelled": params["job"] not in self.ended}, None)
        elif method == "status":
            known = self.statuses.get(params["job"])
            self._answer(reply, {"jobs": [known]} if known else None, None if known else "No job")
        else:
            self._answer(reply, {}, None)

    def cancel(self, job: str, reply: Reply | None = None) -> None:
        self.request("cancel", {"job": job}, reply)

    def reply(self) -> None:
        """Deliver the oldest held reply."""
        answer, result, error = self.held.pop(0)
        answer(result, error)

    def _next_job(self) -> str:
        self._jobs += 1
        return str(self._jobs)

    def _answer(self, reply: Reply | None, result: dict[str, Any] | None, error: str | None) -> None:
        if reply is None:
            return
        if self.hold_replies:
            self.held.append((reply, result, error))
        else:
            reply(result, error)
