"""One job life-cycle for everything the engine runs: generations and exports alike.

A job is queued, runs on its lane, and ends done, failed or cancelled; the
listener hears each step. Lanes are worker threads: the GPU lane runs one
model at a time (one card has room for one model), the light lane runs the
CPU backends so a small job is not stuck behind a two-minute generation, and
exports have a lane of their own so neither waits for the other. Within a
lane, higher priority first, then first come first served.

Adding a job and starting it are two steps (`add`, then `start`) so the
engine process can write its reply to `submit` before anything is said
about the job: a result already in the cache ends the job the moment it
starts, and a client must hear the job's id before it hears its end.

Ended jobs are kept for `status` (a client that lost its connection asks
what finished) but only the newest `keep_ended` of them, so the table does
not grow for the life of a render box.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from engine.errors import Cancelled, GenerateError, ShotlineError
from engine.jobs.progress import JobContext, ProgressReport

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ENDED = frozenset({DONE, FAILED, CANCELLED})
GPU, LIGHT, EXPORT, FARM = "gpu", "light", "export", "farm"
#: How many jobs each lane runs at once: one model on the one GPU, one CPU job, one export. A farm
#: lane, when there is a farm, runs as many as the farm has worker slots.
LANES = {GPU: 1, LIGHT: 1, EXPORT: 1}
#: How many ended jobs `status` can still tell about.
KEEP_ENDED = 500

#: A job's work: runs on its lane with the job's context and returns its result, which is either
#: plain JSON or has a `to_json()` (a generation's cached result).
Work = Callable[[JobContext], Any]


class JobListener(Protocol):
    def progress(self, job_id: str, report: ProgressReport, eta: float | None) -> None: ...
    def log(self, job_id: str, text: str) -> None: ...
    def done(self, job_id: str, result: Any, cached: bool) -> None: ...
    def failed(self, job_id: str, message: str) -> None: ...
    def cancelled(self, job_id: str) -> None: ...


@dataclass
class Job:
    job_id: str
    task: str
    backend: str
    title: str
    lane: str
    priority: int
    order: int
    work: Work | None  # None for a result that was already there (a cache hit)
    failure: str  # how an unexpected error is introduced to the user ("The wan backend failed")
    result: Any = None
    cached: bool = False
    state: str = QUEUED
    fraction: float = 0.0
    stage: str = ""
    message: str = ""
    started: float | None = None
    engine: str = "local"  # where it runs: local, `remote HOST`, `farm ADDR` (the Jobs panel shows it)
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "task": self.task,
            "backend": self.backend,
            "title": self.title,
            "state": self.state,
            "fraction": self.fraction,
            "stage": self.stage,
            "message": self.message,
            "cached": self.cached,
            "result": result_json(self.result),
            "engine": self.engine,
        }


def result_json(result: Any) -> dict[str, Any] | None:
    """A job's result as it travels: a generation's has `to_json()`, an export's is JSON already."""
    if result is None:
        return None
    return result.to_json() if hasattr(result, "to_json") else dict(result)


def user_message(error: BaseException, failure: str) -> str:
    """What went wrong, in words a user can act on."""
    text = str(error)
    if isinstance(error, ShotlineError):
        return text
    if "out of memory" in text.lower() or type(error).__name__ == "OutOfMemoryError":
        return "Not enough GPU memory: try CPU offload, VAE tiling or a smaller size"
    if isinstance(error, MemoryError):
        return "Not enough memory for this job: try a smaller size or fewer frames"
    if isinstance(error, OSError):
        return f"Cannot write the result: {error.strerror or text}"
    return f"{failure}: {type(error).__name__}: {text}"


class JobBoard:
    """Every job of one engine: the table, the lanes and the worker threads."""

    def __init__(
        self,
        listener: JobListener,
        models: Any = None,
        keep_ended: int = KEEP_ENDED,
        lanes: dict[str, int] | None = None,
    ) -> None:
        self.listener = listener
        self.models = models
        self.keep_ended = keep_ended
        self._jobs: dict[str, Job] = {}
        self._ended: list[str] = []  # oldest first, for pruning
        self._ids = itertools.count(1)
        self._order = itertools.count()
        self._lock = threading.Lock()
        widths = lanes or LANES
        self._lanes: dict[str, queue.PriorityQueue[tuple[float, int, str | None]]] = {
            lane: queue.PriorityQueue() for lane in widths
        }
        self._workers = [self._worker(lane) for lane, width in widths.items() for _ in range(width)]
        for _, worker in self._workers:
            worker.start()

    def _worker(self, lane: str) -> tuple[str, threading.Thread]:
        return lane, threading.Thread(target=self._work, args=(lane,), name=f"shotline-{lane}", daemon=True)

    def open_lane(self, lane: str, width: int) -> None:
        """A lane that was not there at the start (the farm's, once the engine joins one)."""
        with self._lock:
            if lane in self._lanes:
                return
            self._lanes[lane] = queue.PriorityQueue()
            started = [self._worker(lane) for _ in range(width)]
            self._workers.extend(started)
        for _, worker in started:
            worker.start()

    # requests --------------------------------------------------------------------

    def add(
        self,
        task: str,
        title: str,
        lane: str,
        work: Work | None,
        *,
        backend: str = "",
        priority: int = 0,
        result: Any = None,
        failure: str = "",
        engine: str = "local",
    ) -> Job:
        """Register a job without starting it; `result` instead of `work` is a result already there."""
        if lane not in self._lanes:
            raise ValueError(f"No lane {lane}")
        job = Job(
            f"job-{next(self._ids)}", task, backend, title, lane, priority, next(self._order), work,
            failure or f"The {backend or task} backend failed", result, cached=result is not None,
            engine=engine,
        )  # fmt: skip
        with self._lock:
            self._jobs[job.job_id] = job
        return job

    def start(self, job_id: str) -> None:
        """Queue a job added with `add` (a cached one ends here, done)."""
        job = self.job(job_id)
        if job.state != QUEUED:
            return  # cancelled before it started
        if job.work is None:
            self._end(job, DONE)
            self.listener.done(job.job_id, job.result, True)
            return
        self._lanes[job.lane].put((-job.priority, job.order, job.job_id))

    def submit(self, task: str, title: str, lane: str, work: Work | None, **options: Any) -> str:
        """`add` and `start` in one, for callers that have no reply to write first."""
        job = self.add(task, title, lane, work, **options)
        self.start(job.job_id)
        return job.job_id

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued job now, or a running one at its next step; False if it has ended."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                raise GenerateError(f"No job {job_id}")
            if job.state not in (QUEUED, RUNNING):
                return False
            job.cancel_event.set()
            was_queued = job.state == QUEUED
            if was_queued:
                self._ended_locked(job, CANCELLED)
        if was_queued:
            self.listener.cancelled(job_id)
        return True

    def status(self, job_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            if job_id is not None and job_id not in self._jobs:
                raise GenerateError(f"No job {job_id}")
            jobs = [self._jobs[job_id]] if job_id else list(self._jobs.values())
            return [job.to_json() for job in jobs]

    def job(self, job_id: str) -> Job:
        with self._lock:
            try:
                return self._jobs[job_id]
            except KeyError:
                raise GenerateError(f"No job {job_id}") from None

    def shutdown(self, wait: bool = True, timeout: float = 5.0) -> None:
        """Cancel everything and stop the workers."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            if job.state in (QUEUED, RUNNING):
                self.cancel(job.job_id)
        for lane, _ in self._workers:
            self._lanes[lane].put((float("inf"), 0, None))
        if wait:
            for _, worker in self._workers:
                worker.join(timeout)

    # running ---------------------------------------------------------------------

    def _work(self, lane: str) -> None:
        while True:
            _, _, job_id = self._lanes[lane].get()
            if job_id is None:
                return
            with self._lock:
                job = self._jobs.get(job_id)
                if job is None or job.state != QUEUED:
                    continue  # cancelled while it waited
                job.state = RUNNING
                job.started = time.monotonic()
            self._run(job)

    def _run(self, job: Job) -> None:
        def report(progress: ProgressReport) -> None:
            job.fraction, job.stage = progress.fraction, progress.stage
            elapsed = time.monotonic() - (job.started or time.monotonic())
            eta = elapsed / progress.fraction * (1 - progress.fraction) if progress.fraction > 0.02 else None
            self.listener.progress(job.job_id, progress, eta)

        context = JobContext(
            report=report,
            is_cancelled=job.cancel_event.is_set,
            log=lambda text: self.listener.log(job.job_id, text),
            models=self.models,
            cancel_event=job.cancel_event,
        )
        assert job.work is not None
        try:
            result = job.work(context)
            context.check_cancelled()
        except Cancelled:
            self._end(job, CANCELLED)
            self.listener.cancelled(job.job_id)
            return
        except BaseException as error:
            message = user_message(error, job.failure)
            if not isinstance(error, ShotlineError):
                self.listener.log(job.job_id, traceback.format_exc())
            self._end(job, FAILED, message)
            self.listener.failed(job.job_id, message)
            return
        job.result = result
        self._end(job, DONE)
        self.listener.done(job.job_id, result, False)

    def _end(self, job: Job, state: str, message: str = "") -> None:
        with self._lock:
            self._ended_locked(job, state, message)

    def _ended_locked(self, job: Job, state: str, message: str = "") -> None:
        job.state, job.message = state, message
        if state == DONE:
            job.fraction = 1.0
        job.work = None  # what the work held (a whole timeline, say) is not kept with the record
        self._ended.append(job.job_id)
        while len(self._ended) > self.keep_ended:
            self._jobs.pop(self._ended.pop(0), None)
