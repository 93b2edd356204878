"""Many generation jobs as one batch: one progress for all, each result handed back as it lands.

Generate all and the screenplay import run dozens of jobs (keyframes, shots,
lines of dialogue) on the in-process job queue, in waves where one depends
on another (a shot's keyframe before the shot). The batch counts every job
of every wave against one total, so a single progress line covers the
whole run, and hands each finished result to the caller at once, so it can
land as a take and be saved before the next one is done. Results are in
the cache under their spec's key: a rerun finds them there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.errors import ShotlineError
from engine.generate.jobs import Executor, generation_queue
from engine.generate.registry import Registry, default_registry
from engine.jobs.cache import CachedResult
from engine.jobs.progress import ProgressReport
from engine.jobs.spec import JobSpec


@dataclass(frozen=True)
class Outcome:
    spec: dict[str, Any]
    result: dict[str, Any] | None  # files and provenance, as the engine's `done` names them
    error: str | None = None
    cached: bool = False


class Batch:
    """Waves of job specs counted against one total; `progress(done, total)` after each job ends."""

    def __init__(
        self,
        total: int,
        progress: Callable[[int, int], None] | None = None,
        registry: Registry | None = None,
        log: Callable[[str], None] | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.total, self.done = total, 0
        self._executor = executor  # a farm: the waves' jobs run on its workers
        self._progress = progress or (lambda _done, _total: None)
        self._registry = registry or default_registry()
        self._log = log or (lambda _text: None)

    def run(self, specs: list[dict[str, Any]], landed: Callable[[int, Outcome], None]) -> list[Outcome]:
        """Run one wave; `landed(index, outcome)` is called on this thread as each job ends."""
        if not specs:
            return []
        listener = _Listener(self._log)
        jobs = generation_queue(self._registry, listener, executor=self._executor)
        outcomes: list[Outcome | None] = [None] * len(specs)
        ids: dict[str, int] = {}
        try:
            for index, spec in enumerate(specs):
                try:
                    job = jobs.add(JobSpec.from_json(spec))
                except ShotlineError as error:  # a spec refused before it queued: fails alone
                    outcomes[index] = Outcome(spec, None, str(error))
                    self._ended(index, outcomes[index], landed)
                    continue
                ids[job.job_id] = index
                jobs.board.start(job.job_id)
            while len(ids) > sum(1 for i in ids.values() if outcomes[i] is not None):
                job_id, outcome = listener.next_end()
                index = ids[job_id]
                outcomes[index] = Outcome(specs[index], outcome[0], outcome[1], outcome[2])
                self._ended(index, outcomes[index], landed)
        finally:
            jobs.shutdown(wait=True)
        return [o for o in outcomes if o is not None]

    def _ended(self, index: int, outcome: Outcome, landed: Callable[[int, Outcome], None]) -> None:
        self.done += 1
        landed(index, outcome)
        self._progress(self.done, self.total)


class _Listener:
    """The queue's listener: ended jobs are handed to the batch's thread through a condition."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self._ended: list[tuple[str, tuple[dict[str, Any] | None, str | None, bool]]] = []
        self._condition = threading.Condition()
        self._log = log

    def next_end(self) -> tuple[str, tuple[dict[str, Any] | None, str | None, bool]]:
        with self._condition:
            while not self._ended:
                self._condition.wait()
            return self._ended.pop(0)

    def _end(self, job_id: str, outcome: tuple[dict[str, Any] | None, str | None, bool]) -> None:
        with self._condition:
            self._ended.append((job_id, outcome))
            self._condition.notify_all()

    def progress(self, job_id: str, report: ProgressReport, eta: float | None) -> None:
        pass

    def log(self, job_id: str, text: str) -> None:
        self._log(text)

    def done(self, job_id: str, result: CachedResult, cached: bool) -> None:
        self._end(job_id, (result.to_json(), None, cached))

    def failed(self, job_id: str, message: str) -> None:
        self._end(job_id, (None, message, False))

    def cancelled(self, job_id: str) -> None:
        self._end(job_id, (None, "cancelled", False))
