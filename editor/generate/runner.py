"""Engine jobs as the user sees them: one row in the jobs panel from submit to result.

Every generation feature (regenerate, extend, inpaint, score, voice) needs the
same bookkeeping: a row in the jobs panel, progress (also drawn on the clip
the job is for), cancel, retry, a failure message when the engine refuses a
job or dies under it, and a callback when the result arrives. Keeping that
here lets each feature be a dialog plus what to do with the result.

Settings > Models is applied here, as each job is sent (a retry too): the
user's model for the backend that will run it, and the load options that
backend reads (editor.preferences.models).

Tokens are the editor's own ("job-1", ...): an engine restarted after a crash
counts its job ids from 1 again, so the engine's ids never name a row.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass
class Job:
    token: str
    title: str
    spec: Spec
    on_done: Callable[[dict[str, Any]], str]
    clip_id: str | None = None
    prepare: Callable[[Spec], None] | None = None
    engine_job: str | None = None


class JobRunner(QObject):
    clipProgress = Signal(str, float)  # clip id, fraction (1.0 when its job ends)

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
        engine.progress.connect(self._progress)
        engine.done.connect(self._done)
        engine.failed.connect(self._failed)
        engine.cancelled.connect(self._cancelled)
        jobs.cancelRequested.connect(self._cancel)
        jobs.retryRequested.connect(self._retry)

    @property
    def engine(self) -> EngineClient:
        return self._engine

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

    def submit(
        self,
        spec: Spec,
        title: str,
        on_done: Callable[[dict[str, Any]], str],
        clip_id: str | None = None,
        prepare: Callable[[Spec], None] | None = None,
    ) -> str:
        """Queue a job; `on_done(result)` returns the jobs panel's text or raises ShotlineError."""
        token = f"job-{next(self._numbers)}"
        self._by_token[token] = Job(token, title, spec, on_done, clip_id, prepare)
        self._jobs.add(token, title, retryable=True)
        self._start(token)
        return token

    def job(self, token: str) -> Job | None:
        return self._by_token.get(token)

    # sending ----------------------------------------------------------------------------------

    def _start(self, token: str) -> None:
        job = self._by_token[token]
        if not self._engine.running:
            self._engine.start()
        if job.prepare is None:
            self._send(token)
            return
        prepare = job.prepare

        def failed(error: Exception) -> None:
            self._jobs.failed(token, f"Could not prepare the job: {error}")

        run_in_background(lambda: prepare(job.spec), lambda _none: self._send(token), failed, self)

    def _send(self, token: str) -> None:
        job = self._by_token[token]

        def submitted(result: dict[str, Any] | None, error: str | None) -> None:
            if result is None:
                self._jobs.failed(token, error or "The engine refused the job")
                self._ended(job)
                return
            job.engine_job = result["job"]

        self._engine.submit(self.outgoing(job.spec), submitted)

    # hearing back -----------------------------------------------------------------------------

    def _find(self, engine_job: str) -> Job | None:
        return next((j for j in self._by_token.values() if j.engine_job == engine_job), None)

    def _ended(self, job: Job) -> None:
        job.engine_job = None
        if job.clip_id is not None:
            self.clipProgress.emit(job.clip_id, 1.0)

    def _progress(self, engine_job: str, params: dict[str, Any]) -> None:
        job = self._find(engine_job)
        if job is None:
            return
        fraction = float(params.get("fraction", 0.0))
        stage = str(params.get("stage", ""))
        if params.get("steps"):
            stage = f"{stage} {params.get('step')}/{params['steps']}"
        self._jobs.progress(job.token, fraction, stage, params.get("eta"))
        if job.clip_id is not None:
            self.clipProgress.emit(job.clip_id, fraction)

    def _done(self, engine_job: str, result: dict[str, Any]) -> None:
        job = self._find(engine_job)
        if job is None:
            return
        self._ended(job)
        try:
            text = job.on_done(result)
        except ShotlineError as error:
            self._jobs.failed(job.token, str(error))
            return
        self._jobs.done(job.token, text)

    def _failed(self, engine_job: str, message: str) -> None:
        job = self._find(engine_job)
        if job is not None:
            self._ended(job)
            self._jobs.failed(job.token, message)

    def _cancelled(self, engine_job: str) -> None:
        job = self._find(engine_job)
        if job is not None:
            self._ended(job)
            self._jobs.cancelled(job.token)

    def _cancel(self, token: str) -> None:
        job = self._by_token.get(token)
        if job is not None and job.engine_job is not None:
            self._engine.cancel(job.engine_job)

    def _retry(self, token: str) -> None:
        job = self._by_token.get(token)
        if job is None:
            return
        self._jobs.add(token, job.title, retryable=True)
        self._start(token)
