"""Generation as jobs: a spec becomes a job on the engine's one job board, its result a cache entry.

What a generation adds to the life-cycle every job has (engine.jobs.lifecycle):
the task's backend and request are looked up and checked when the job is
added (a wrong spec is refused at once, before it queues), the result is
looked up in the cache under the spec's key (an identical request is done
the moment it starts, "from the cache"), and a fresh result is moved into
the cache in one step when the backend has written it, or its scratch
folder removed when it fails or is cancelled.

Where the backend runs is the executor's business: in this process by
default, or on a farm (engine.farm), whose results come back as files in
the job's scratch folder and land in the same cache, with the same
manifest, as local ones.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from engine.atomic import holding
from engine.generate.base import Output
from engine.generate.fitting import run_fitted
from engine.generate.registry import Registry
from engine.jobs.cache import CachedResult, ResultCache
from engine.jobs.lifecycle import GPU, LANES, LIGHT, Job, JobBoard, JobListener
from engine.jobs.models import ModelPool
from engine.jobs.progress import JobContext
from engine.jobs.spec import JobSpec, cache_key, default_cache_dir


class RunHere(Exception):
    """An executor gives the job back: it runs in this process instead, for the reason given (a remote
    engine that could not be reached in time). The reason is the job's log line."""


class Executor(Protocol):
    """Runs a generation somewhere other than this process (a farm), writing into context.workdir."""

    lane: str  # the job board's lane its jobs wait in
    #: how many jobs it runs at once (the lane's width)
    slots: int

    def run(self, spec: JobSpec, backend: str, context: JobContext) -> Output: ...


def engine_label(executor: Executor | None) -> str:
    """Where a job runs, as the Jobs panel names it: local, `remote HOST`, `farm ADDR`."""
    if executor is None:
        return "local"
    where = getattr(executor, "where", None)
    if where:
        return str(where)
    address = getattr(executor, "address", None)
    return f"farm {address}" if address else executor.lane


def _spec_cache_dir(spec: JobSpec) -> Path:
    """The project's cache folder the client named, or the per-user one."""
    return Path(spec.params.get("cache_dir") or default_cache_dir())


class GenerationJobs:
    """Generation specs in, jobs on `board` out."""

    def __init__(
        self,
        registry: Registry,
        board: JobBoard,
        cache_dir: Callable[[JobSpec], Path] | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.registry = registry
        self.board = board
        self.executor = executor
        self._cache_dir = cache_dir or _spec_cache_dir

    def add(self, spec: JobSpec) -> Job:
        """The job for `spec`, not yet started (GenerateError at once if the spec is wrong)."""
        backend = self.registry.backend(spec.task, spec.backend)
        request = self.registry.request(spec.task, spec.params)
        key = cache_key(spec, backend.name)
        cache = ResultCache(self._cache_dir(spec))
        lane = GPU if backend.gpu else LIGHT
        executor = self.executor
        if executor is not None:
            lane = executor.lane
        common = {"backend": backend.name, "priority": spec.priority, "engine": engine_label(executor)}
        cached = cache.lookup(key)
        if cached is not None:
            return self.board.add(spec.task, spec.title, lane, None, result=cached, **common)

        def work(context: JobContext) -> CachedResult:
            context.workdir = cache.workdir()
            try:
                with holding(context.workdir):  # in use: never cleaned as a killed job's leftover
                    output = None
                    if executor is not None:  # the farm's worker fits the model to its own GPU
                        try:
                            output = executor.run(spec, backend.name, context)
                        except RunHere as reason:
                            context.log(str(reason))
                    if output is None:
                        output = run_fitted(backend, request, context)
                    context.check_cancelled()
                    provenance = {"task": spec.task, **output.provenance}
                    return cache.store(key, context.workdir, output.files, provenance, spec.to_json())
            except BaseException:
                ResultCache.discard(context.workdir)
                raise

        return self.board.add(spec.task, spec.title, lane, work, **common)

    def use(self, executor: Executor | None) -> None:
        """Run later jobs with `executor` (a farm), or in this process again with None."""
        if executor is not None:
            self.board.open_lane(executor.lane, executor.slots)
        self.executor = executor

    def submit(self, spec: JobSpec) -> str:
        """Add and start a job; returns its id."""
        job = self.add(spec)
        self.board.start(job.job_id)
        return job.job_id

    # the board's, for callers that only generate ----------------------------------

    def cancel(self, job_id: str) -> bool:
        return self.board.cancel(job_id)

    def status(self, job_id: str | None = None) -> list[dict[str, Any]]:
        return self.board.status(job_id)

    def job(self, job_id: str) -> Job:
        return self.board.job(job_id)

    @property
    def models(self) -> ModelPool:
        return self.board.models

    def shutdown(self, wait: bool = True, timeout: float = 5.0) -> None:
        self.board.shutdown(wait, timeout)
        self.board.models.release()


def generation_queue(
    registry: Registry,
    listener: JobListener,
    models: ModelPool | None = None,
    cache_dir: Callable[[JobSpec], Path] | None = None,
    executor: Executor | None = None,
) -> GenerationJobs:
    """A job board of its own that only generates: the command line's and the tests' engine."""
    board = JobBoard(listener, models or ModelPool(), lanes=board_lanes(executor))
    return GenerationJobs(registry, board, cache_dir, executor)


def board_lanes(executor: Executor | None) -> dict[str, int]:
    """The job board's lanes, with the executor's as wide as its slots."""
    return {**LANES, executor.lane: executor.slots} if executor is not None else dict(LANES)
