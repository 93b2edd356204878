"""Exports run by the engine process: the `export` request, on a lane of their own, never cached.

Why a dedicated request and not a registry task such as `export.mp4`: a
task is a generation, which the job queue looks up in the result cache by a
hash of its spec, runs with a chosen backend in a scratch folder and moves
into the cache. An export is none of these. Its input is the whole document
(the in-memory OTIO timeline, so unsaved edits export), its output is the
user's own file at a path they chose, and it must run again when asked
even if nothing changed (the user may have deleted or overwritten the file).
Routing it through the queue would mean opting out of every step the queue
takes; a small runner of its own says what it does.

Exports run one at a time on their own thread, beside the GPU and light
lanes, so a long generation never holds up an export and an export never
holds up a generation or a thumbnail. They report the same notifications
as any job (`progress` with stage "encoding", frames as step of steps and
an ETA; `done`; `failed`; `cancelled`), with ids `export-N` that never clash
with the queue's `job-N`.

`export_mp4` writes into a temporary file beside the destination and renames
it at the end, so a cancel or a failure leaves whatever was there before.
If the whole engine is killed mid-export the temporary file stays behind;
`partial_files` names such leftovers so the client can remove them.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
import time
import traceback
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import opentimelineio as otio

from engine.errors import ExportCancelled, ExportError, ShotlineError
from engine.export.mp4 import ExportResult, Progress, export_mp4
from engine.export.presets import ExportSettings, preset
from engine.generate.base import ENCODING, ProgressReport

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
#: Progress goes over the pipe at most this often; one line per frame would swamp the client.
REPORT_EVERY = 0.1  # seconds


class ExportListener(Protocol):
    def progress(self, job_id: str, report: ProgressReport, eta: float | None) -> None: ...
    def log(self, job_id: str, text: str) -> None: ...
    def exported(self, job_id: str, result: dict[str, Any]) -> None: ...
    def failed(self, job_id: str, message: str) -> None: ...
    def cancelled(self, job_id: str) -> None: ...


def settings_to_json(settings: ExportSettings) -> dict[str, Any]:
    """Export settings as plain JSON (the rate as an exact "num/den" string)."""
    rate = settings.rate
    return {
        "width": settings.width,
        "height": settings.height,
        "rate": None if rate is None else f"{rate.numerator}/{rate.denominator}",
        "crf": settings.crf,
        "x264_preset": settings.x264_preset,
        "fit": settings.fit,
        "audio_bitrate": settings.audio_bitrate,
    }


def settings_from_json(data: Any) -> ExportSettings:
    """The settings a client sent: a preset name, an object of fields, or both; ExportError if wrong."""
    if data is None:
        return ExportSettings()
    if isinstance(data, str):
        return preset(data)
    if not isinstance(data, dict):
        raise ExportError("Export settings must be a preset name or an object")
    fields = dict(data)
    name = fields.pop("preset", None)
    try:
        if fields.get("rate") is not None:
            fields["rate"] = Fraction(str(fields["rate"]))
        for key in ("width", "height", "crf", "audio_bitrate"):
            if fields.get(key) is not None:
                if isinstance(fields[key], bool) or int(fields[key]) != fields[key]:
                    raise ValueError(key)
                fields[key] = int(fields[key])
    except (TypeError, ValueError, ZeroDivisionError) as error:
        raise ExportError(f"Export setting {error} is not a valid value") from None
    known = set(ExportSettings.__dataclass_fields__)
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ExportError(f"Unknown export setting(s): {', '.join(unknown)}")
    if name is not None:
        return preset(str(name), **fields)
    return ExportSettings(**fields).check()


def result_to_json(result: ExportResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "frames": result.frames,
        "rate": f"{result.rate.numerator}/{result.rate.denominator}",
        "size": list(result.size),
        "audio_samples": result.audio_samples,
        "seconds": round(result.seconds, 3),
    }


def partial_files(output: str | Path) -> list[Path]:
    """Temporary files an export to `output` may have left behind if its process was killed."""
    target = Path(output)
    try:
        return sorted(target.parent.glob(f".{target.stem}.*.part.mp4"))
    except OSError:
        return []


def _timeline(data: Any) -> otio.schema.Timeline:
    """The timeline a client sent, as OTIO JSON text or the same as a JSON object."""
    try:
        text = data if isinstance(data, str) else json.dumps(data)
        loaded = otio.adapters.read_from_string(text, "otio_json")
    except Exception:  # OTIO raises several unrelated types for a broken document
        raise ExportError("The timeline sent for export is not an OTIO document") from None
    if not isinstance(loaded, otio.schema.Timeline):
        raise ExportError("The document sent for export is not a timeline")
    return loaded


@dataclass
class ExportJob:
    job_id: str
    timeline: Any  # as sent (OTIO JSON text or object); read on the export thread
    output: Path
    settings: ExportSettings
    state: str = QUEUED
    fraction: float = 0.0
    message: str = ""
    result: dict[str, Any] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.job_id,
            "task": "export",
            "backend": "mp4",
            "title": f"Export {self.output.name}",
            "state": self.state,
            "fraction": self.fraction,
            "stage": ENCODING if self.state == RUNNING else "",
            "message": self.message,
            "result": self.result,
        }


class ExportJobs:
    """The engine's export lane: one export at a time, in the order asked."""

    def __init__(self, listener: ExportListener) -> None:
        self.listener = listener
        self._jobs: dict[str, ExportJob] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="shotline-export", daemon=True)
        self._worker.start()

    def owns(self, job_id: str) -> bool:
        with self._lock:
            return job_id in self._jobs

    def submit(self, params: dict[str, Any]) -> str:
        """Queue an export; ExportError at once if the destination or settings are wrong."""
        output = params.get("output")
        if not isinstance(output, str) or not output:
            raise ExportError("An export needs an output path")
        if "timeline" not in params:
            raise ExportError("An export needs the timeline (OTIO JSON)")
        settings = settings_from_json(params.get("settings"))
        job = ExportJob(f"export-{next(self._ids)}", params["timeline"], Path(output).absolute(), settings)
        with self._lock:
            self._jobs[job.job_id] = job
        self._queue.put(job.job_id)
        return job.job_id

    def cancel(self, job_id: str) -> bool:
        with self._lock:
            job = self._jobs[job_id]
            if job.state not in (QUEUED, RUNNING):
                return False
            job.cancel.set()
            was_queued = job.state == QUEUED
            if was_queued:
                job.state = CANCELLED
        if was_queued:
            self.listener.cancelled(job_id)
        return True

    def status(self, job_id: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            jobs = [self._jobs[job_id]] if job_id is not None else list(self._jobs.values())
        return [job.to_json() for job in jobs]

    def shutdown(self, wait: bool = True, timeout: float = 5.0) -> None:
        """Cancel every export (each removes its temporary file) and stop the lane."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            if job.state in (QUEUED, RUNNING):
                self.cancel(job.job_id)
        self._queue.put(None)
        if wait:
            self._worker.join(timeout)

    # the lane ------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None:
                return
            with self._lock:
                job = self._jobs[job_id]
                if job.state != QUEUED:
                    continue
                job.state = RUNNING
            self._run(job)

    def _run(self, job: ExportJob) -> None:
        last = 0.0

        def report(progress: Progress) -> None:
            nonlocal last
            job.fraction = progress.fraction
            now = time.monotonic()
            if now - last < REPORT_EVERY and progress.done < progress.total:
                return
            last = now
            step = ProgressReport(progress.fraction, ENCODING, progress.done, progress.total)
            self.listener.progress(job.job_id, step, progress.eta)

        try:
            timeline = _timeline(job.timeline)
            job.timeline = None  # the text can be large; the export has its own copy now
            result = export_mp4(timeline, job.output, job.settings, report, job.cancel)
        except ExportCancelled:
            self._end(job, CANCELLED)
            self.listener.cancelled(job.job_id)
        except ShotlineError as error:
            self._end(job, FAILED, str(error))
            self.listener.failed(job.job_id, str(error))
        except Exception as error:  # a bug still ends as a message the client can show
            self.listener.log(job.job_id, traceback.format_exc())
            message = f"Export failed: {type(error).__name__}: {error}"
            self._end(job, FAILED, message)
            self.listener.failed(job.job_id, message)
        else:
            payload = result_to_json(result)
            with self._lock:
                job.state, job.fraction, job.result = DONE, 1.0, payload
            self.listener.exported(job.job_id, payload)

    def _end(self, job: ExportJob, state: str, message: str = "") -> None:
        with self._lock:
            job.state, job.message = state, message
