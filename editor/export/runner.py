"""Exports run one at a time on a worker thread, on a snapshot of the timeline.

The timeline is cloned on the GUI thread at the moment the user presses
Export, so they can keep cutting while the file is written and the export
shows the cut as it was. The worker only calls the engine; what it learns
reaches the GUI thread through queued signals (and from there the jobs
panel). Cancelling sets an event the engine checks before every frame, so
an export stops within a frame's time and leaves no file behind.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QCoreApplication, QObject, Signal

from editor.jobs.model import JobsModel
from engine.errors import ExportCancelled, ShotlineError
from engine.export.mp4 import ExportResult, Progress, export_mp4
from engine.export.presets import ExportSettings

#: Progress reaches the GUI at most this often; every frame would flood the event queue.
REPORT_EVERY = 0.1  # seconds


@dataclass
class ExportJob:
    job_id: str
    timeline: otio.schema.Timeline  # the job's own clone
    output: Path
    settings: ExportSettings
    cancel: threading.Event = field(default_factory=threading.Event)


class ExportRunner(QObject):
    started = Signal(str)  # job id
    progressed = Signal(str, object)  # job id, engine Progress
    finished = Signal(str, object)  # job id, engine ExportResult
    failed = Signal(str, str)  # job id, the engine's message
    cancelled = Signal(str)  # job id

    def __init__(self, jobs: JobsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs_model = jobs
        self._jobs: dict[str, ExportJob] = {}
        self._queue: deque[str] = deque()
        self._running: str | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)
        jobs.cancelRequested.connect(self.cancel)
        jobs.retryRequested.connect(self.retry)
        self.progressed.connect(self._report_progress)
        self.finished.connect(self._report_done)
        self.failed.connect(self._report_failed)
        self.cancelled.connect(self._report_cancelled)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # asked by the GUI ---------------------------------------------------------------

    def submit(self, timeline: otio.schema.Timeline, output: Path, settings: ExportSettings) -> str:
        """Queue an export of the timeline as it is now; returns the job's id."""
        job_id = f"export-{next(self._ids)}"
        self._jobs[job_id] = ExportJob(job_id, timeline.clone(), Path(output), settings)
        self.jobs_model.add(job_id, f"Export {Path(output).name}", retryable=True)
        self._queue.append(job_id)
        self._start_next()
        return job_id

    def cancel(self, job_id: str) -> None:
        job = self._jobs.get(job_id)
        if job is None:
            return
        if job_id in self._queue:  # not started: nothing to stop
            self._queue.remove(job_id)
            self.cancelled.emit(job_id)
        elif job_id == self._running:
            job.cancel.set()

    def retry(self, job_id: str) -> None:
        """Run a failed or cancelled export again, from the same snapshot, to the same file."""
        job = self._jobs.get(job_id)
        if job is None or job_id == self._running or job_id in self._queue:
            return
        job.cancel = threading.Event()
        self.jobs_model.add(job_id, f"Export {job.output.name}", retryable=True)
        self._queue.append(job_id)
        self._start_next()

    def job(self, job_id: str) -> ExportJob | None:
        return self._jobs.get(job_id)

    @property
    def busy(self) -> bool:
        return self._running is not None or bool(self._queue)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the running export's thread ends (for shutdown); True if it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def shutdown(self) -> None:
        """Quitting mid-export: stop it, so its temporary file is removed, not left behind."""
        self._queue.clear()
        for job in self._jobs.values():
            job.cancel.set()
        self.wait(5.0)

    # the worker -----------------------------------------------------------------------

    def _start_next(self) -> None:
        if self._running is not None or not self._queue:
            return
        job_id = self._queue.popleft()
        self._running = job_id
        job = self._jobs[job_id]
        name = f"shotline-{job_id}"
        self._thread = threading.Thread(target=self._work, args=(job,), name=name, daemon=True)
        self.started.emit(job_id)
        self.jobs_model.progress(job_id, 0.0, "Starting", None)
        self._thread.start()

    def _work(self, job: ExportJob) -> None:
        """Runs on the worker thread: engine calls and signal emits only."""
        last = 0.0

        def report(progress: Progress) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= REPORT_EVERY or progress.done == progress.total:
                last = now
                self.progressed.emit(job.job_id, progress)

        try:
            result = export_mp4(job.timeline, job.output, job.settings, report, job.cancel)
        except ExportCancelled:
            self.cancelled.emit(job.job_id)
        except ShotlineError as error:  # ExportError, or a setting the engine refused
            self.failed.emit(job.job_id, str(error))
        except Exception as error:  # a bug still ends as a message, never a traceback dialog
            self.failed.emit(job.job_id, f"Export failed: {type(error).__name__}: {error}")
        else:
            self.finished.emit(job.job_id, result)

    # back on the GUI thread -----------------------------------------------------------

    def _report_progress(self, job_id: str, progress: Progress) -> None:
        stage = f"Frame {progress.done} of {progress.total}"
        self.jobs_model.progress(job_id, progress.fraction, stage, progress.eta)

    def _report_done(self, job_id: str, result: ExportResult) -> None:
        self.jobs_model.done(job_id, str(result.path))
        self._next(job_id)

    def _report_failed(self, job_id: str, message: str) -> None:
        self.jobs_model.failed(job_id, message)
        self._next(job_id)

    def _report_cancelled(self, job_id: str) -> None:
        self.jobs_model.cancelled(job_id)
        self._next(job_id)

    def _next(self, job_id: str) -> None:
        if job_id == self._running:
            self._running = None
            self._thread = None
        self._start_next()
