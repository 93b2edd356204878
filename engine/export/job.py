"""Exports run by the engine process: the `export` request, on a lane of their own, never cached.

Why a dedicated request and not a registry task such as `export.mp4`: a
task is a generation, which the job queue looks up in the result cache by a
hash of its spec, runs with a chosen backend in a scratch folder and moves
into the cache. An export is none of these. Its input is the whole document
(the in-memory OTIO timeline, so unsaved edits export), its output is the
user's own file at a path they chose, and it must run again when asked
even if nothing changed (the user may have deleted or overwritten the file).
Routing it through the generation jobs would mean opting out of every step
they add; what it shares with them is the life-cycle, and only that.

Exports are jobs on the engine's one job board (engine.jobs.lifecycle), on
the export lane beside the GPU and light lanes, so a long generation never
holds up an export and an export never holds up a generation or a
thumbnail. They live and end as every job does and report the same
notifications (`progress` with stage "encoding" and frames as step of
steps; `done`; `failed`; `cancelled`).

`export_mp4` writes into a temporary file beside the destination and renames
it at the end, so a cancel or a failure leaves whatever was there before.
If the whole engine is killed mid-export the temporary file stays behind;
`partial_files` names such leftovers so the client can remove them, and the
next export to the same place removes them once they are stale.
"""

from __future__ import annotations

import json
import math
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import ExportError, ProjectFileError
from engine.export.mp4 import ExportResult, Progress, destination, export_mp4
from engine.export.mp4 import partial_files as partial_files  # where clients have found it
from engine.export.presets import ExportSettings, preset
from engine.export.subtitles import write_srt_beside
from engine.jobs.lifecycle import EXPORT, Job, JobBoard
from engine.jobs.progress import ENCODING, JobContext, ProgressReport
from engine.project.persistence import read_timeline

#: Progress goes over the pipe at most this often; one line per frame would swamp the client.
REPORT_EVERY = 0.1  # seconds


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
        "captions": settings.captions,
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
    for key in ("width", "height", "crf", "audio_bitrate"):
        value = fields.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not _whole(value):
            raise ExportError(f"Export setting {key} {value!r} is not a whole number")
        if not -(10**9) <= value <= 10**9:
            raise ExportError(f"Export setting {key} {value!r} is far out of range")
        fields[key] = int(value)
    if fields.get("rate") is not None:
        try:
            rate = Fraction(str(fields["rate"]))
        except (ValueError, ZeroDivisionError):
            rate = None
        if rate is None or not Fraction(1, 1000) <= rate <= 1000:
            raise ExportError(f"Export setting rate {fields['rate']!r} is not a frame rate")
        fields["rate"] = rate
    for key in ("crf", "x264_preset", "fit", "captions"):
        if key in fields and fields[key] is None:
            del fields[key]  # null: the preset's or the default value
    known = set(ExportSettings.__dataclass_fields__)
    unknown = sorted(set(fields) - known)
    if unknown:
        raise ExportError(f"Unknown export setting(s): {', '.join(unknown)}")
    if name is not None:
        return preset(str(name), **fields)
    return ExportSettings(**fields).check()


def _whole(value: float) -> bool:
    return math.isfinite(value) and int(value) == value


def result_to_json(result: ExportResult) -> dict[str, Any]:
    return {
        "path": str(result.path),
        "frames": result.frames,
        "rate": f"{result.rate.numerator}/{result.rate.denominator}",
        "size": list(result.size),
        "audio_samples": result.audio_samples,
        "sample_rate": result.sample_rate,
        "seconds": round(result.seconds, 3),
        # JSON has no -inf or NaN: a silent export's loudness is null, an unmeasured one is left out
        **_loudness(result.loudness),
    }


def _loudness(lufs: float) -> dict[str, float | None]:
    if math.isnan(lufs):
        return {}
    return {"loudness": round(lufs, 2) if math.isfinite(lufs) else None}


def span_from_json(data: Any) -> tuple[int, int] | None:
    """The `range` of an export request: [in, out) in project frames (the In/Out marks), or null."""
    if data is None:
        return None
    if (
        not isinstance(data, list | tuple)
        or len(data) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in data)
        or not 0 <= data[0] < data[1]
    ):
        raise ExportError("An export range must be [in, out) in frames, in before out")
    return int(data[0]), int(data[1])


def sent_timeline(data: Any) -> otio.schema.Timeline:
    """The timeline a client sent, as OTIO JSON text or the same as a JSON object, checked as a project is."""
    if not isinstance(data, str | dict):
        raise ExportError("The timeline sent for export is not an OTIO document (text or an object)")
    text = data if isinstance(data, str) else json.dumps(data)
    try:
        return read_timeline(text, "The timeline sent for export")
    except ProjectFileError as error:
        raise ExportError(str(error)) from None


def export_job(board: JobBoard, params: dict[str, Any]) -> Job:
    """The job for an `export` request, not yet started; ExportError at once if it is wrong."""
    output = params.get("output")
    if not isinstance(output, str) or not output:
        raise ExportError("An export needs an output path")
    if "timeline" not in params:
        raise ExportError("An export needs the timeline (OTIO JSON)")
    settings = settings_from_json(params.get("settings"))
    span = span_from_json(params.get("range"))
    destination(output)  # a device, a pipe or a folder there is refused now, in the reply
    destination_path = Path(output).absolute()
    # read now, not in the job: a broken or absurd timeline is the request's error, in the reply
    timeline = sent_timeline(params["timeline"])

    def work(context: JobContext) -> dict[str, Any]:
        last = 0.0

        def report(progress: Progress) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last < REPORT_EVERY and progress.done < progress.total:
                return
            last = now
            context.report(ProgressReport(progress.fraction, ENCODING, progress.done, progress.total))

        made = result_to_json(
            export_mp4(timeline, destination_path, settings, report, context.cancel_event, span=span)
        )
        captions = write_srt_beside(timeline, destination_path)
        if captions is not None:
            made["subtitles"] = str(captions)
        return made

    title = f"Export {destination_path.name}"
    return board.add("export", title, EXPORT, work, backend="mp4", failure="Export failed")
