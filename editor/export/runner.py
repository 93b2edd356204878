"""Exports run in the engine process, on a snapshot of the timeline taken when Export is pressed.

The timeline is written to OTIO JSON on the GUI thread at that moment (the
in-memory document, so unsaved edits export, and the user can keep cutting
while the file is written), and sent with the `export` request. The engine
encodes it on its own export lane, so the GUI thread never decodes or
encodes a frame and a generation job never waits for an export; the engine
client turns its notifications into the signals below and the jobs panel.

If the engine dies mid-export (a crash, a kill, out of memory), the export
is reported failed with the reason; `export_mp4` never wrote to the
destination itself, so an earlier file there survives, and the temporary
file the dead engine left beside it is removed here. The client restarts
the engine, and Retry sends the same snapshot again.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio
from PySide6.QtCore import QCoreApplication, QObject, Signal

from editor.engine_client import EngineClient
from editor.jobs.model import JobsModel
from engine.export.job import partial_files, settings_to_json
from engine.export.mp4 import ExportResult, Progress
from engine.export.presets import ExportSettings


@dataclass
class ExportJob:
    job_id: str
    timeline: str  # the snapshot, as OTIO JSON
    output: Path
    settings: ExportSettings
    engine_job: str | None = None  # the engine's id once it has accepted the job
    sent: bool = False  # asked the engine and not yet heard the end
    cancel_asked: bool = False
    started: float = 0.0


class ExportRunner(QObject):
    started = Signal(str)  # job id
    progressed = Signal(str, object)  # job id, engine Progress
    finished = Signal(str, object)  # job id, engine ExportResult
    failed = Signal(str, str)  # job id, the engine's message
    cancelled = Signal(str)  # job id

    def __init__(self, jobs: JobsModel, engine: EngineClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs_model, self.engine = jobs, engine
        self._jobs: dict[str, ExportJob] = {}
        self._ids = itertools.count(1)
        # an export that ends at once may be heard of before the reply that names it
        self._early: dict[str, tuple[Callable[..., None], tuple[Any, ...]]] = {}
        jobs.cancelRequested.connect(self.cancel)
        jobs.retryRequested.connect(self.retry)
        engine.progress.connect(self._engine_progress)
        engine.done.connect(self._engine_done)
        engine.failed.connect(self._engine_failed)
        engine.cancelled.connect(self._engine_cancelled)
        engine.crashed.connect(self._engine_lost)
        self.progressed.connect(self._report_progress)
        self.finished.connect(self._report_done)
        self.failed.connect(self._report_failed)
        self.cancelled.connect(self._report_cancelled)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # asked by the GUI ---------------------------------------------------------------

    def submit(self, timeline: otio.schema.Timeline, output: Path, settings: ExportSettings) -> str:
        """Export the timeline as it is now; returns the job's id."""
        job_id = f"export-{next(self._ids)}"
        snapshot = otio.adapters.write_to_string(timeline, "otio_json")
        self._jobs[job_id] = ExportJob(job_id, snapshot, Path(output), settings)
        self.jobs_model.add(job_id, f"Export {Path(output).name}", retryable=True)
        self._send(self._jobs[job_id])
        return job_id

    def cancel(self, job_id: str) -> None:
        job = self._jobs.get(job_id)
        if job is None or not job.sent:
            return
        job.cancel_asked = True
        if job.engine_job is not None:
            self.engine.cancel(job.engine_job)
        # else: cancelled as soon as the engine says it has the job

    def retry(self, job_id: str) -> None:
        """Run a failed or cancelled export again, from the same snapshot, to the same file."""
        job = self._jobs.get(job_id)
        if job is None or job.sent:
            return
        self.jobs_model.add(job_id, f"Export {job.output.name}", retryable=True)
        self._send(job)

    def job(self, job_id: str) -> ExportJob | None:
        return self._jobs.get(job_id)

    @property
    def busy(self) -> bool:
        return any(job.sent for job in self._jobs.values())

    def shutdown(self) -> None:
        """Quitting mid-export: stop it, so the engine removes its temporary file."""
        for job in self._jobs.values():
            if job.sent:
                self.cancel(job.job_id)

    # talking to the engine --------------------------------------------------------------

    def _send(self, job: ExportJob) -> None:
        job.sent, job.cancel_asked, job.engine_job = True, False, None
        job.started = time.monotonic()
        if not self.engine.running:
            self.engine.start()
        params = {
            "timeline": job.timeline,
            "output": str(job.output),
            "settings": settings_to_json(job.settings),
        }

        def accepted(result: dict[str, Any] | None, error: str | None) -> None:
            if not job.sent:
                return
            if result is None:
                self.failed.emit(job.job_id, error or "The engine refused the export")
                return
            job.engine_job = str(result["job"])
            early = self._early.pop(job.engine_job, None)
            if early is not None:
                handler, args = early
                handler(job.engine_job, *args)
            elif job.cancel_asked:
                self.engine.cancel(job.engine_job)

        self.started.emit(job.job_id)
        self.jobs_model.progress(job.job_id, 0.0, "Starting", None)
        self.engine.request("export", params, accepted)

    def _ours(self, engine_job: str) -> ExportJob | None:
        return next((j for j in self._jobs.values() if j.sent and j.engine_job == engine_job), None)

    def _unclaimed(self, engine_job: str, handler: Callable[..., None], *args: Any) -> None:
        """An export's end heard before the reply to `export`: kept until the reply comes."""
        waiting = any(j.sent and j.engine_job is None for j in self._jobs.values())
        if waiting:
            self._early[engine_job] = (handler, args)

    def _engine_progress(self, engine_job: str, params: dict[str, Any]) -> None:
        job = self._ours(engine_job)
        if job is None:
            return
        total = int(params.get("steps") or 0)
        done = int(params.get("step") or 0)
        eta = params.get("eta")
        progress = Progress(done, total, time.monotonic() - job.started, None if eta is None else float(eta))
        self.progressed.emit(job.job_id, progress)

    def _engine_done(self, engine_job: str, params: dict[str, Any]) -> None:
        job = self._ours(engine_job)
        if job is None:
            self._unclaimed(engine_job, self._engine_done, params)
            return
        try:
            width, height = (int(v) for v in params["size"])
            result = ExportResult(
                Path(params["path"]),
                int(params["frames"]),
                Fraction(str(params["rate"])),
                (width, height),
                int(params.get("audio_samples", 0)),
                float(params.get("seconds", 0.0)),
            )
        except (KeyError, TypeError, ValueError):
            self.failed.emit(job.job_id, "The engine's answer names no exported file")
            return
        self.finished.emit(job.job_id, result)

    def _engine_failed(self, engine_job: str, message: str) -> None:
        job = self._ours(engine_job)
        if job is None:
            self._unclaimed(engine_job, self._engine_failed, message)
        else:
            self.failed.emit(job.job_id, message)

    def _engine_cancelled(self, engine_job: str) -> None:
        job = self._ours(engine_job)
        if job is None:
            self._unclaimed(engine_job, self._engine_cancelled)
        else:
            self.cancelled.emit(job.job_id)

    def _engine_lost(self, reason: str) -> None:
        """The engine died: its exports end here (those it had not yet accepted heard it already)."""
        self._early.clear()  # a new engine counts its jobs from 1 again
        for job in list(self._jobs.values()):
            if job.sent and job.engine_job is not None:
                self._remove_partials(job)
                written = "an earlier file there is kept" if job.output.exists() else "nothing was written"
                message = f"{reason}; {written}. The engine has been restarted: press Retry to export again."
                self.failed.emit(job.job_id, message)

    @staticmethod
    def _remove_partials(job: ExportJob) -> None:
        """The dead engine's temporary file beside the destination (a few names in one folder)."""
        for leftover in partial_files(job.output):
            with contextlib.suppress(OSError):
                if leftover.stat().st_mtime >= time.time() - (time.monotonic() - job.started) - 2:
                    leftover.unlink()

    # back on the GUI thread -----------------------------------------------------------

    def _report_progress(self, job_id: str, progress: Progress) -> None:
        stage = f"Frame {progress.done} of {progress.total}"
        self.jobs_model.progress(job_id, progress.fraction, stage, progress.eta)

    def _report_done(self, job_id: str, result: ExportResult) -> None:
        self._ended(job_id)
        self.jobs_model.done(job_id, str(result.path))

    def _report_failed(self, job_id: str, message: str) -> None:
        self._ended(job_id)
        self.jobs_model.failed(job_id, message)

    def _report_cancelled(self, job_id: str) -> None:
        self._ended(job_id)
        self.jobs_model.cancelled(job_id)

    def _ended(self, job_id: str) -> None:
        job = self._jobs[job_id]
        job.sent, job.engine_job = False, None
