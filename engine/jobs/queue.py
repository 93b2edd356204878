"""The job queue: jobs in order of priority, one GPU job at a time, light jobs beside it.

Two lanes, each a worker thread: the GPU lane runs backends that need the
GPU (one at a time, as one card has room for one model), the light lane
runs everything else (the animatic, thumbnails, exports) so a small job is
not stuck behind a two-minute generation. Within a lane, higher priority
first, then first come first served.

A job's life is told to a listener: progress (with stage and ETA), log,
done (files + provenance), failed (a message a user can act on), or
cancelled. An identical spec already in the cache is done at once.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from engine.errors import GenerateError, JobCancelled
from engine.generate.base import JobContext, ProgressReport
from engine.generate.registry import Registry
from engine.jobs.cache import CachedResult, ResultCache
from engine.jobs.models import ModelPool
from engine.jobs.spec import JobSpec, cache_key, default_cache_dir

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
GPU, LIGHT = "gpu", "light"


class JobListener(Protocol):
    def progress(self, job_id: str, report: ProgressReport, eta: float | None) -> None: ...
    def log(self, job_id: str, text: str) -> None: ...
    def done(self, job_id: str, result: CachedResult, cached: bool) -> None: ...
    def failed(self, job_id: str, message: str) -> None: ...
    def cancelled(self, job_id: str) -> None: ...


@dataclass
class Job:
    job_id: str
    spec: JobSpec
    backend: str
    lane: str
    key: str
    request: Any
    cache: ResultCache
    order: int
    state: str = QUEUED
    fraction: float = 0.0
    stage: str = ""
    started: float | None = None
    message: str = ""
    result: CachedResult | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "task": self.spec.task,
            "backend": self.backend,
            "title": self.spec.title,
            "state": self.state,
            "fraction": self.fraction,
            "stage": self.stage,
            "message": self.message,
            "result": self.result.to_json() if self.result else None,
        }


def user_message(error: BaseException, backend: str) -> str:
    """What went wrong, in words a user can act on."""
    text = str(error)
    if isinstance(error, GenerateError):
        return text
    if "out of memory" in text.lower() or type(error).__name__ == "OutOfMemoryError":
        return "Not enough GPU memory: try CPU offload, VAE tiling or a smaller size"
    if isinstance(error, MemoryError):
        return "Not enough memory for this job: try a smaller size or fewer frames"
    if isinstance(error, OSError):
        return f"Cannot write the result: {error.strerror or text}"
    return f"The {backend} backend failed: {type(error).__name__}: {text}"


def _spec_cache_dir(spec: JobSpec) -> Path:
    """The project's cache folder the client named, or the per-user one."""
    return Path(spec.params.get("cache_dir") or default_cache_dir())


class JobQueue:
    def __init__(
        self,
        registry: Registry,
        listener: JobListener,
        models: ModelPool | None = None,
        cache_dir: Callable[[JobSpec], Path] | None = None,
    ) -> None:
        self.registry = registry
        self.listener = listener
        self.models = models or ModelPool()
        self._cache_dir = cache_dir or _spec_cache_dir
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._lanes = {GPU: queue.PriorityQueue(), LIGHT: queue.PriorityQueue()}
        self._workers = [
            threading.Thread(target=self._work, args=(lane,), name=f"shotline-{lane}", daemon=True)
            for lane in self._lanes
        ]
        for worker in self._workers:
            worker.start()

    # requests --------------------------------------------------------------------

    def submit(self, spec: JobSpec) -> str:
        """Queue a job (GenerateError at once if the spec is wrong); returns its id."""
        backend = self.registry.backend(spec.task, spec.backend)
        request = self.registry.request(spec.task, spec.params)
        key = cache_key(spec, backend.name)
        cache = ResultCache(self._cache_dir(spec))
        job = Job(
            f"job-{next(self._ids)}", spec, backend.name, GPU if backend.gpu else LIGHT, key, request, cache,
            next(self._order),
        )  # fmt: skip
        with self._lock:
            self._jobs[job.job_id] = job
        cached = cache.lookup(key)
        if cached is not None:
            self._finish(job, cached, cached=True)
            return job.job_id
        self._lanes[job.lane].put((-spec.priority, job.order, job.job_id))
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
                job.state = CANCELLED
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
            return self._jobs[job_id]

    def shutdown(self, wait: bool = True, timeout: float = 5.0) -> None:
        """Cancel everything and stop the workers."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            if job.state in (QUEUED, RUNNING):
                self.cancel(job.job_id)
        for lane in self._lanes.values():
            lane.put((float("inf"), 0, None))
        if wait:
            for worker in self._workers:
                worker.join(timeout)
        self.models.release()

    # running ---------------------------------------------------------------------

    def _work(self, lane: str) -> None:
        while True:
            _, _, job_id = self._lanes[lane].get()
            if job_id is None:
                return
            job = self.job(job_id)
            with self._lock:
                if job.state != QUEUED:
                    continue  # cancelled while it waited
                job.state = RUNNING
                job.started = time.monotonic()
            self._run(job)

    def _run(self, job: Job) -> None:
        backend = self.registry.backend(job.spec.task, job.backend)
        workdir = job.cache.workdir()

        def report(progress: ProgressReport) -> None:
            job.fraction, job.stage = progress.fraction, progress.stage
            elapsed = time.monotonic() - (job.started or time.monotonic())
            eta = elapsed / progress.fraction * (1 - progress.fraction) if progress.fraction > 0.02 else None
            self.listener.progress(job.job_id, progress, eta)

        context = JobContext(
            workdir=workdir,
            report=report,
            is_cancelled=job.cancel_event.is_set,
            log=lambda text: self.listener.log(job.job_id, text),
            models=self.models,
        )
        try:
            output = backend.run(job.request, context)
            context.check_cancelled()
            provenance = {"task": job.spec.task, **output.provenance}
            result = job.cache.store(job.key, workdir, output.files, provenance, job.spec.to_json())
        except JobCancelled:
            ResultCache.discard(workdir)
            with self._lock:
                job.state = CANCELLED
            self.listener.cancelled(job.job_id)
            return
        except BaseException as error:
            ResultCache.discard(workdir)
            message = user_message(error, job.backend)
            if not isinstance(error, GenerateError):
                self.listener.log(job.job_id, traceback.format_exc())
            with self._lock:
                job.state, job.message = FAILED, message
            self.listener.failed(job.job_id, message)
            return
        self._finish(job, result, cached=False)

    def _finish(self, job: Job, result: CachedResult, cached: bool) -> None:
        with self._lock:
            job.state, job.result, job.fraction = DONE, result, 1.0
        self.listener.done(job.job_id, result, cached)
