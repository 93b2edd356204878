"""A job listener that remembers what it heard, for tests that run jobs in process (generation_queue)."""

from __future__ import annotations

import threading


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.ended: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def _end(self, job_id: str) -> None:
        self.ended.setdefault(job_id, threading.Event()).set()

    def wait(self, job_id: str, timeout: float = 30) -> None:
        assert self.ended.setdefault(job_id, threading.Event()).wait(timeout), f"{job_id} never ended"

    def progress(self, job_id, report, eta) -> None:
        self.events.append(("progress", job_id, report.stage, report.fraction))

    def log(self, job_id, text) -> None:
        self.events.append(("log", job_id, text))

    def done(self, job_id, result, cached) -> None:
        self.events.append(("done", job_id, result, cached))
        self._end(job_id)

    def failed(self, job_id, message) -> None:
        self.events.append(("failed", job_id, message))
        self._end(job_id)

    def cancelled(self, job_id) -> None:
        self.events.append(("cancelled", job_id))
        self._end(job_id)

    def of(self, kind: str, job_id: str) -> list[tuple]:
        return [e for e in self.events if e[0] == kind and e[1] == job_id]
