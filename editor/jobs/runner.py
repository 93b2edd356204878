"""Every engine job as the user sees it: one row in the jobs panel from request to result.

Generations (`submit`) and exports (`export`) need the same bookkeeping: a
row in the jobs panel, progress (also drawn on the clip a job is for), the
engine's log lines kept for the row's details, Cancel, Retry, a failure
message when the engine refuses a job or dies under it, and a callback when
the result arrives. It lives here once, so a feature is a dialog plus what
to do with the result, and the panel shows every engine job the same way.

Settings > Models is applied here, as each generation is sent (a retry
too): the user's model for the backend that will run it, and the load
options that backend reads (editor.preferences.models).

Tokens are the editor's own ("job-1", ...): an engine restarted after a
crash counts its job ids from 1 again, so the engine's ids never name a row.

Our engine answers `submit`/`export` before it says anything about the job
it made, but a notification that arrives first (another engine, a remote
one, may send it) is kept while a job of ours waits for its reply, and
replayed when the reply names that job: dropping it would leave the row
"Queued" for good when the job ends at once, as a result from the cache does.

A Cancel the engine answers with "already ended" means we missed the end:
the engine's `status` for the job says how it ended, so a row never stays
running after the engine has forgotten its job.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, Signal

from editor.background import run_in_background
from editor.engine_client import EngineClient
from editor.jobs.model import JobsModel
from editor.preferences import models
from editor.settings import EditorSettings
from engine.errors import ShotlineError
from engine.generate.registry import fallback_backends

Spec = dict[str, Any]
OnDone = Callable[[dict[str, Any]], str]

#: Notifications kept for engine jobs not yet named by a reply: this many jobs, this many log lines each.
EARLY_JOBS, EARLY_LOG_LINES = 64, 200


class Phase(Enum):
    IDLE = "idle"  # not started, or ended: the engine has nothing of ours under this token
    PREPARING = "preparing"  # its `prepare` step runs off the GUI thread
    AWAITING = "awaiting"  # asked the engine, no reply yet
    RUNNING = "running"  # the engine named it: `engine_job`


@dataclass
class Job:
    token: str
    title: str
    method: str  # "submit" (a generation: `spec` is its job spec) or "export" (`spec` is its params)
    spec: Spec
    on_done: OnDone
    clip_id: str | None = None
    prepare: Callable[[Spec], None] | None = None
    describe: Callable[[dict[str, Any]], str] | None = None  # a progress report as the row's status
    on_lost: Callable[[str], str] | None = None  # the engine died under it: the row's message
    phase: Phase = Phase.IDLE
    engine_job: str | None = None  # the engine's id while the engine runs it
    cancel_asked: bool = False
    attempt: int = 0  # each start counts; a late answer to an earlier attempt is ignored
    sent_at: float = 0.0  # time.monotonic() when it was asked for

    @property
    def live(self) -> bool:
        return self.phase != Phase.IDLE


@dataclass
class _Early:
    """What the engine said about a job before the reply that names it."""

    logs: deque[str] = field(default_factory=lambda: deque(maxlen=EARLY_LOG_LINES))
    progress: dict[str, Any] | None = None  # only the latest matters
    end: tuple[str, Any] | None = None  # ("done", params), ("failed", message) or ("cancelled", None)


def generation_stage(params: dict[str, Any]) -> str:
    """A generation's progress as its row says it: "denoising 12/30"."""
    stage = str(params.get("stage", ""))
    if params.get("steps"):
        stage = f"{stage} {params.get('step')}/{params['steps']}"
    return stage


def lost_message(reason: str) -> str:
    return f"{reason}. The engine has been restarted: press Retry to run the job again."


class JobRunner(QObject):
    clipProgress = Signal(str, float)  # clip id, fraction (1.0 when its job ends)
    revealRequested = Signal(str)  # token: a job the user just started, for the Jobs dock to show
    jobStarted = Signal(str)  # token: asked of the engine (a retry too)
    jobProgressed = Signal(str, dict)  # token, the engine's progress params
    jobDone = Signal(str, dict)  # token, the engine's result (after the row says Done)
    jobFailed = Signal(str, str)  # token, the row's message
    jobCancelled = Signal(str)  # token

    def __init__(
        self,
        engine: EngineClient,
        jobs: JobsModel,
        parent: QObject | None = None,
        settings: EditorSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine, self._jobs, self._settings = engine, jobs, settings
        self._numbers = itertools.count(1)
        self._by_token: dict[str, Job] = {}
        self._early: dict[str, _Early] = {}
        engine.progress.connect(lambda job, params: self._heard("progress", job, params))
        engine.log.connect(lambda job, text: self._heard("log", job, text))
        engine.done.connect(lambda job, params: self._heard("done", job, params))
        engine.failed.connect(lambda job, message: self._heard("failed", job, message))
        engine.cancelled.connect(lambda job: self._heard("cancelled", job, None))
        engine.crashed.connect(self._lost)
        jobs.cancelRequested.connect(self.cancel)
        jobs.retryRequested.connect(self.retry)

    @property
    def engine(self) -> EngineClient:
        return self._engine

    @property
    def jobs_model(self) -> JobsModel:
        return self._jobs

    def engine_info(self) -> dict[str, Any]:
        """What the engine said it can do (empty until it has answered `initialize`)."""
        return self._engine.info or {}

    def backends(self, task: str) -> list[dict[str, Any]]:
        """The engine's backends for `task`; one with a model chosen in Settings > Models says which.

        Until the engine has answered, the task's default as its package declares it.
        """
        found = [dict(b) for b in self.engine_info().get("tasks", {}).get(task, [])]
        found = found or fallback_backends(task)
        if self._settings is not None:
            for backend in found:
                chosen = models.chosen_model(self._settings, task, str(backend.get("name")))
                if chosen:
                    backend["settings_model"] = chosen
        return found

    def outgoing(self, spec: Spec) -> Spec:
        """The spec as it is sent: with Settings > Models for the backend that will run it."""
        if self._settings is None:
            return spec
        task = str(spec.get("task", ""))
        backend = spec.get("backend") or next(
            (b.get("name") for b in self.backends(task) if b.get("default")), None
        )
        return {**spec, "params": models.job_params(self._settings, task, backend, spec.get("params") or {})}

    # asked by the features ------------------------------------------------------------------

    def submit(
        self,
        spec: Spec,
        title: str,
        on_done: OnDone,
        clip_id: str | None = None,
        prepare: Callable[[Spec], None] | None = None,
        reveal: bool = True,
    ) -> str:
        """Queue a generation; `on_done(result)` returns the jobs panel's text or raises ShotlineError.

        `reveal`: the user started it from a menu, so the Jobs dock comes forward to show it.
        """
        return self.run(Job("", title, "submit", spec, on_done, clip_id, prepare), reveal)

    def run(self, job: Job, reveal: bool = True) -> str:
        """Queue any engine job (a generation or an export); returns its token."""
        job.token = f"job-{next(self._numbers)}"
        self._by_token[job.token] = job
        self._jobs.add(job.token, job.title, retryable=True)
        self._start(job)
        if reveal:
            self.revealRequested.emit(job.token)
        return job.token

    def job(self, token: str) -> Job | None:
        return self._by_token.get(token)

    def cancel(self, token: str) -> None:
        """Stop a job wherever it is: before it was sent, while its reply is awaited, or running."""
        job = self._by_token.get(token)
        if job is None or not job.live:
            return
        job.cancel_asked = True
        self._jobs.cancelling(token)
        if job.phase == Phase.PREPARING:
            self._end(job)
            self._jobs.cancelled(token)
            self.jobCancelled.emit(token)
        elif job.phase == Phase.RUNNING:
            self._ask_cancel(job)
        # AWAITING: cancelled as soon as the reply names the job

    def retry(self, token: str) -> None:
        """Run an ended job again, with what it was asked for (and today's Settings > Models)."""
        job = self._by_token.get(token)
        if job is None or job.live:
            return
        self._jobs.add(token, job.title, retryable=True)
        self._start(job)

    def live_jobs(self) -> list[Job]:
        return [job for job in self._by_token.values() if job.live]

    # sending ----------------------------------------------------------------------------------

    def _start(self, job: Job) -> None:
        job.attempt += 1
        job.cancel_asked, job.engine_job = False, None
        job.sent_at = time.monotonic()
        if not self._engine.running:
            self._engine.start()
        if job.prepare is None:
            self._send(job, job.attempt)
            return
        job.phase = Phase.PREPARING
        prepare, attempt = job.prepare, job.attempt

        def prepared(_none: object) -> None:
            if job.attempt == attempt and job.phase == Phase.PREPARING:
                self._send(job, attempt)

        def failed(error: Exception) -> None:
            if job.attempt == attempt and job.phase == Phase.PREPARING:
                self._fail(job, f"Could not prepare the job: {error}")

        run_in_background(lambda: prepare(job.spec), prepared, failed, self)

    def _send(self, job: Job, attempt: int) -> None:
        job.phase = Phase.AWAITING

        def answered(result: dict[str, Any] | None, error: str | None) -> None:
            if job.attempt != attempt or job.phase != Phase.AWAITING:
                return
            if result is None or "job" not in result:
                self._fail(job, error or f"The engine refused the job: {job.title}")
                self._forget_early()
                return
            job.phase, job.engine_job = Phase.RUNNING, str(result["job"])
            if result.get("engine"):
                self._jobs.set_engine(job.token, str(result["engine"]))
            early = self._early.pop(job.engine_job, None)
            self._forget_early()
            if early is not None:
                self._replay(job, early)
            if job.live and job.cancel_asked:
                self._ask_cancel(job)

        self.jobStarted.emit(job.token)
        if job.method == "submit":
            self._engine.submit(self.outgoing(job.spec), answered)
        else:
            self._engine.request(job.method, job.spec, answered)

    def _ask_cancel(self, job: Job) -> None:
        engine_job, attempt = job.engine_job, job.attempt
        assert engine_job is not None

        def answered(result: dict[str, Any] | None, _error: str | None) -> None:
            if result is not None and result.get("cancelled") is False:
                self._settle(job, engine_job, attempt)

        self._engine.cancel(engine_job, answered)

    def _settle(self, job: Job, engine_job: str, attempt: int) -> None:
        """The engine says the job ended and we never heard how: ask it, and end the row the same way."""

        def answered(result: dict[str, Any] | None, error: str | None) -> None:
            if job.attempt != attempt or job.engine_job != engine_job:
                return  # its end arrived meanwhile
            found = (result or {}).get("jobs") or [{}]
            record = found[0] if isinstance(found[0], dict) else {}
            state = record.get("state")
            if state == "done":
                result = dict(record.get("result") or {})
                self._apply(job, "done", {**result, "job": engine_job, "cached": bool(record.get("cached"))})
            elif state == "failed":
                self._apply(job, "failed", str(record.get("message") or "The job failed"))
            elif state == "cancelled":
                self._apply(job, "cancelled", None)
            elif error is not None:
                self._fail(job, f"The engine no longer knows this job ({error})")

        self._engine.request("status", {"job": engine_job}, answered)

    # hearing back -----------------------------------------------------------------------------

    def _find(self, engine_job: str) -> Job | None:
        if not engine_job:
            return None  # the engine's own log, about no job
        return next((j for j in self._by_token.values() if j.engine_job == engine_job), None)

    def _heard(self, kind: str, engine_job: str, payload: Any) -> None:
        job = self._find(engine_job)
        if job is not None:
            self._apply(job, kind, payload)
        elif engine_job and any(j.phase == Phase.AWAITING for j in self._by_token.values()):
            self._keep_early(kind, engine_job, payload)

    def _keep_early(self, kind: str, engine_job: str, payload: Any) -> None:
        early = self._early.get(engine_job)
        if early is None:
            if len(self._early) >= EARLY_JOBS:
                self._early.pop(next(iter(self._early)))
            early = self._early[engine_job] = _Early()
        if kind == "log":
            early.logs.append(str(payload))
        elif kind == "progress":
            early.progress = payload
        else:
            early.end = (kind, payload)

    def _forget_early(self) -> None:
        """With no reply awaited, what is still kept was about someone else's jobs."""
        if not any(j.phase == Phase.AWAITING for j in self._by_token.values()):
            self._early.clear()

    def _replay(self, job: Job, early: _Early) -> None:
        for text in early.logs:
            self._apply(job, "log", text)
        if early.progress is not None:
            self._apply(job, "progress", early.progress)
        if early.end is not None:
            self._apply(job, *early.end)

    def _apply(self, job: Job, kind: str, payload: Any) -> None:
        if kind == "log":
            self._jobs.log(job.token, str(payload))
        elif kind == "progress":
            self._progressed(job, payload)
        elif kind == "done":
            self._done(job, payload)
        elif kind == "failed":
            self._fail(job, str(payload))
        elif kind == "cancelled":
            self._end(job)
            self._jobs.cancelled(job.token)
            self.jobCancelled.emit(job.token)

    def _progressed(self, job: Job, params: dict[str, Any]) -> None:
        fraction = float(params.get("fraction", 0.0))
        stage = (job.describe or generation_stage)(params)
        if job.cancel_asked:
            stage = "Cancelling…"
        self._jobs.progress(job.token, fraction, stage, params.get("eta"))
        if job.clip_id is not None:
            self.clipProgress.emit(job.clip_id, fraction)
        self.jobProgressed.emit(job.token, params)

    def _done(self, job: Job, result: dict[str, Any]) -> None:
        self._end(job)
        try:
            text = job.on_done(result)
        except ShotlineError as error:
            self._jobs.failed(job.token, str(error))
            self.jobFailed.emit(job.token, str(error))
            return
        self._jobs.done(job.token, text, cached=bool(result.get("cached")))
        self.jobDone.emit(job.token, result)

    def _fail(self, job: Job, message: str) -> None:
        self._end(job)
        self._jobs.failed(job.token, message)
        self.jobFailed.emit(job.token, message)

    def _end(self, job: Job) -> None:
        job.phase, job.engine_job = Phase.IDLE, None
        if job.clip_id is not None:
            self.clipProgress.emit(job.clip_id, 1.0)

    def _lost(self, reason: str) -> None:
        """The engine died: the jobs it was running end here, each saying what it means for it.

        Those still waiting for a reply heard the reason already (their reply failed); a job
        still preparing goes to the restarted engine when it is ready.
        """
        self._early.clear()  # a new engine counts its jobs from 1 again
        for job in list(self._by_token.values()):
            if job.phase == Phase.RUNNING:
                self._fail(job, (job.on_lost or lost_message)(reason))
