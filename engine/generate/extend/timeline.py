"""From a clip on the timeline to a `video.extend` job spec, and from its result back to a take.

The job is given the clip's media and the exact source frames the clip
shows (at the project rate, counted from the file's first frame, as the
decoder counts), so the new take starts with precisely what the user sees
now. The prompt and seed come from the take when it was generated, so an
extended AI shot is continued with the words that made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import GenerateError
from engine.generate.results import take_sound_file, video_result
from engine.jobs import titles
from engine.jobs.spec import submit_spec
from engine.project import document, provenance, trackedit
from engine.project.clips import media_reference
from engine.project.document import VIDEO, Timeline
from engine.project.mediapaths import path_from_url
from engine.project.provenance import Provenance
from engine.project.take_sound import attach_sound, sound_url
from engine.project.times import rate_fraction, tr

#: What the extend dialog may change, with the keys the job spec uses.
EXTEND_FIELDS = ("prompt", "negative_prompt", "seed", "steps", "guidance", "model", "plan", "quality")


@dataclass(frozen=True)
class ExtendDefaults:
    """What an extend dialog is prefilled with for one clip."""

    clip_id: str
    name: str
    media: Path
    start: int  # the clip's first source frame, counted from the file's first frame
    count: int  # frames the clip shows
    values: dict[str, Any]


def extend_defaults(timeline: Timeline, ident: str) -> ExtendDefaults:
    track, clip = document.find_clip(timeline, ident)
    name = clip.name or "This clip"
    if track.kind != VIDEO:
        raise GenerateError(f"{name} is sound; extend works on picture clips")
    ref = clip.media_reference
    media = path_from_url(ref.target_url) if isinstance(ref, otio.schema.ExternalReference) else None
    if media is None or ref.available_range is None or ref.metadata.get("shotline", {}).get("still"):
        raise GenerateError(f"{name} is not a video file: only moving pictures can be extended")
    if not media.is_file():
        raise GenerateError(f"{name}'s media {media.name} is missing: relink it first")
    rate = document.settings(timeline).rate
    start, count = trackedit.source_frames(clip, rate)
    origin = round(ref.available_range.start_time.value_rescaled_to(rate))
    made = provenance.read(ref)
    values: dict[str, Any] = {"prompt": clip.name or ""}
    if made is not None:
        values = {
            "prompt": made.prompt,
            "negative_prompt": made.negative_prompt,
            "seed": made.seed,
            "steps": made.steps,
            "guidance": made.guidance,
        }
    return ExtendDefaults(ident, clip.name or "Shot", media, start - origin, count, values)


def extend_spec(
    timeline: Timeline,
    ident: str,
    frames: int,
    head: bool = False,
    values: dict[str, Any] | None = None,
    backend: str | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """The job spec that adds `frames` new frames after (or, with `head`, before) clip `ident`."""
    defaults = extend_defaults(timeline, ident)
    rate = rate_fraction(document.settings(timeline).rate)
    chosen = values if values is not None else defaults.values
    params: dict[str, Any] = {k: v for k, v in chosen.items() if k in EXTEND_FIELDS and v not in (None, "")}
    params |= {
        "input": str(defaults.media),
        "start": defaults.start,
        "count": defaults.count,
        "frames": int(frames),
        "head": bool(head),
        "rate": f"{rate.numerator}/{rate.denominator}",
        "title": titles.extend(defaults.name, int(frames), bool(head)),
        "clip_id": ident,
    }
    sound = _take_sound(timeline, ident)
    if sound is not None:  # only then, so a clip without one keeps its cache key
        params["sound"] = sound
    return submit_spec("video.extend", params, backend, cache_dir)


def _take_sound(timeline: Timeline, ident: str) -> str | None:
    """The file of the sound the clip's playing take was made with, for a model that continues it."""
    _, clip = document.find_clip(timeline, ident)
    url = sound_url(clip.media_reference)
    return str(path_from_url(url)) if url else None


def extended_take(result: dict[str, Any], rate: float) -> tuple[otio.schema.ExternalReference, Provenance]:
    """The media reference and provenance of a finished video.extend job, for `extend_clip`."""
    path, made, frames, _ = video_result(result, "video.extend", project_rate=rate)
    reference = media_reference(path.as_uri(), tr(0, frames, rate))
    sound = take_sound_file(result, made)
    if sound is not None:
        attach_sound(reference, sound.as_uri())
    return reference, Provenance.from_dict(made)


def backend_said(made: Provenance) -> str:
    """How the jobs panel says what made the new frames ("motion continuation", "freeze frame"...)."""
    method = made.extra.get("method")
    if made.backend == "motion":
        reason = made.extra.get("reason", "static shot")
        return f"freeze frame ({reason})" if method == "freeze" else "motion continuation"
    return f"{made.backend} ({made.model_id})" if made.model_id else made.backend
