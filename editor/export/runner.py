"""Exports run in the engine process, on a snapshot of the timeline taken when Export is pressed.

The timeline is written to OTIO JSON on the GUI thread at that moment (the
in-memory document, so unsaved edits export, and the user can keep cutting
while the file is written), and sent with the `export` request. The engine
encodes it on its own export lane, so the GUI thread never decodes or
encodes a frame and a generation job never waits for an export.

An export is an engine job like any other: the editor's one JobRunner sends
it, keeps its row in the jobs panel, cancels and retries it, and hears its
end (however early). This layer only says what an export's news mean: its
progress as frames, its result as an `ExportResult`, and what the engine
dying under it means for the file.

If the engine dies mid-export (a crash, a kill, out of memory), the export
is reported failed with the reason; `export_mp4` never wrote to the
destination itself, so an earlier file there survives, and the temporary
file the dead engine left beside it is removed here. The client restarts
the engine, and Retry sends the same snapshot again.
"""

from __future__ import annotations

import contextlib
import math
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio
from PySide6.QtCore import QCoreApplication, QObject, Signal

from editor.engine_client import EngineClient
from editor.jobs.model import JobsModel
from editor.jobs.runner import Job, JobRunner
from engine.errors import ExportError
from engine.export.job import partial_files, settings_to_json
from engine.export.mp4 import ExportResult, Progress
from engine.export.presets import ExportSettings
from engine.jobs import titles

EXPORT = "export"


def frames_text(params: dict[str, Any]) -> str:
    """An export's progress as its row says it."""
    return f"Frame {int(params.get('step') or 0)} of {int(params.get('steps') or 0)}"


def export_result(params: dict[str, Any]) -> ExportResult:
    """The engine's `done` for an export; an ExportError if it names no file."""
    try:
        width, height = (int(v) for v in params["size"])
        return ExportResult(
            Path(params["path"]),
            int(params["frames"]),
            Fraction(str(params["rate"])),
            (width, height),
            int(params.get("audio_samples", 0)),
            float(params.get("seconds", 0.0)),
            # null: silent (-inf); missing: not measured there (NaN)
            _loudness(params),
            int(params.get("sample_rate", 48000)),
        )
    except (KeyError, TypeError, ValueError):
        raise ExportError("The engine's answer names no exported file") from None


class ExportRunner(QObject):
    started = Signal(str)  # job id
    progressed = Signal(str, object)  # job id, engine Progress
    finished = Signal(str, object)  # job id, engine ExportResult
    failed = Signal(str, str)  # job id, the engine's message
    cancelled = Signal(str)  # job id

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self._results: dict[str, ExportResult] = {}
        runner.jobStarted.connect(lambda token: self._ours(token) and self.started.emit(token))
        runner.jobProgressed.connect(self._progressed)
        runner.jobDone.connect(self._done)
        runner.jobFailed.connect(lambda token, text: self._ours(token) and self.failed.emit(token, text))
        runner.jobCancelled.connect(lambda token: self._ours(token) and self.cancelled.emit(token))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    @property
    def jobs_model(self) -> JobsModel:
        return self.runner.jobs_model

    @property
    def engine(self) -> EngineClient:
        return self.runner.engine

    # asked by the GUI ---------------------------------------------------------------

    def submit(
        self,
        timeline: otio.schema.Timeline,
        output: Path,
        settings: ExportSettings,
        span: tuple[int, int] | None = None,
    ) -> str:
        """Export the timeline as it is now (or project frames [in, out) of it); returns the job's id."""
        output = Path(output)
        params = {
            "timeline": otio.adapters.write_to_string(timeline, "otio_json"),
            "output": str(output),
            "settings": settings_to_json(settings),
        }
        if span is not None:
            params["range"] = [int(span[0]), int(span[1])]
        job = Job("", titles.export(output.name), EXPORT, params, lambda _result: "", describe=frames_text)
        job.on_done = lambda result: self._keep_result(job, result)
        job.on_lost = lambda reason: self._lost(job, output, reason)
        return self.runner.run(job)

    def cancel(self, job_id: str) -> None:
        if self._ours(job_id):
            self.runner.cancel(job_id)

    def retry(self, job_id: str) -> None:
        """Run a failed or cancelled export again, from the same snapshot, to the same file."""
        if self._ours(job_id):
            self.runner.retry(job_id)

    def job(self, job_id: str) -> Job | None:
        return self.runner.job(job_id) if self._ours(job_id) else None

    @property
    def busy(self) -> bool:
        return any(job.method == EXPORT for job in self.runner.live_jobs())

    def shutdown(self) -> None:
        """Quitting mid-export: stop it, so the engine removes its temporary file."""
        for job in self.runner.live_jobs():
            if job.method == EXPORT:
                self.runner.cancel(job.token)

    # the runner's news, as an export's ------------------------------------------------

    def _ours(self, token: str) -> bool:
        job = self.runner.job(token)
        return job is not None and job.method == EXPORT

    def _keep_result(self, job: Job, params: dict[str, Any]) -> str:
        result = export_result(params)
        self._results[job.token] = result
        return str(result.path)

    def _progressed(self, token: str, params: dict[str, Any]) -> None:
        job = self.runner.job(token)
        if job is None or job.method != EXPORT:
            return
        eta = params.get("eta")
        progress = Progress(
            int(params.get("step") or 0),
            int(params.get("steps") or 0),
            time.monotonic() - job.sent_at,
            None if eta is None else float(eta),
        )
        self.progressed.emit(token, progress)

    def _done(self, token: str, _params: dict[str, Any]) -> None:
        result = self._results.pop(token, None)
        if result is not None:
            self.finished.emit(token, result)

    @staticmethod
    def _lost(job: Job, output: Path, reason: str) -> str:
        """The engine died under the export: its temporary file goes, an earlier file stays."""
        for leftover in partial_files(output):
            with contextlib.suppress(OSError):
                # only what this export can have written (a few names in one folder)
                if leftover.stat().st_mtime >= time.time() - (time.monotonic() - job.sent_at) - 2:
                    leftover.unlink()
        written = "an earlier file there is kept" if output.exists() else "nothing was written"
        return f"{reason}; {written}. The engine has been restarted: press Retry to export again."


def _loudness(params: dict) -> float:
    if "loudness" not in params:
        return math.nan
    return float(params["loudness"]) if params["loudness"] is not None else -math.inf
