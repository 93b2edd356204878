"""From a clip on the timeline to a job spec, and from the job's result back to a take.

"Regenerate shot" must ask for exactly what the clip needs: as many frames
as the clip lasts, at the project's rate and size, with the prompt, seed and
settings of the take that plays now (so a user changes one thing and keeps
the rest). The result comes back as a new take whose provenance records the
whole request, so "re-render exactly" is the same spec again.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import GenerateError
from engine.project import document, provenance, trackedit
from engine.project.clips import media_reference
from engine.project.document import VIDEO, Timeline
from engine.project.provenance import Provenance
from engine.project.times import rate_fraction, tr

#: What the dialog offers to change, with the keys the job spec uses.
SHOT_FIELDS = ("prompt", "negative_prompt", "seed", "steps", "guidance", "image", "model")


@dataclass(frozen=True)
class ShotDefaults:
    """What a regenerate dialog is prefilled with for one clip."""

    clip_id: str
    name: str
    frames: int
    backend: str | None
    values: dict[str, Any]


def shot_defaults(timeline: Timeline, ident: str) -> ShotDefaults:
    track, clip = document.find_clip(timeline, ident)
    if track.kind != VIDEO:
        raise GenerateError(f"{clip.name or 'This clip'} is sound; regenerate works on picture clips")
    rate = document.settings(timeline).rate
    frames = trackedit.duration_frames(clip, rate)
    made = provenance.read(clip.media_reference)
    values: dict[str, Any] = {"prompt": clip.name or ""}
    backend = None
    if made is not None:
        values = {
            "prompt": made.prompt,
            "negative_prompt": made.negative_prompt,
            "seed": made.seed,
            "steps": made.steps,
            "guidance": made.guidance,
            "image": made.references[0] if made.references else None,
            "model": made.model_id or None,
        }
        backend = made.backend
    return ShotDefaults(ident, clip.name or "Shot", frames, backend, values)


def shot_spec(
    timeline: Timeline,
    ident: str,
    values: dict[str, Any],
    backend: str | None = None,
    cache_dir: Path | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """The job spec that regenerates clip `ident` with `values` (prompt, seed...) at its exact length."""
    defaults = shot_defaults(timeline, ident)
    project = document.settings(timeline)
    rate = rate_fraction(project.rate)
    params: dict[str, Any] = {k: v for k, v in values.items() if k in SHOT_FIELDS and v not in (None, "")}
    params |= {
        "frames": defaults.frames,
        "rate": f"{rate.numerator}/{rate.denominator}",
        "size": f"{project.width}x{project.height}",
        "shot": defaults.name,
        "title": title or f"Regenerate {defaults.name}",
        "clip_id": ident,
    }
    if cache_dir is not None:
        params["cache_dir"] = str(cache_dir)
    spec: dict[str, Any] = {"task": "video.generate", "params": params}
    if backend:
        spec["backend"] = backend
    return spec


def take_from_result(result: dict[str, Any], rate: float) -> tuple[otio.schema.ExternalReference, Provenance]:
    """The media reference and provenance of a finished video.generate job, ready for `add_take`."""
    try:
        path = Path(result["files"][0])
        made = dict(result["provenance"])
        frames = int(made["frames"])
        made_rate = Fraction(str(made["rate"]))
    except (KeyError, IndexError, TypeError, ValueError):
        raise GenerateError("The engine's result names no video file and frame count") from None
    if made_rate != rate_fraction(rate):
        raise GenerateError(f"The result is at {made_rate} fps, not the project's {rate}")
    reference = media_reference(path.as_uri(), tr(0, frames, rate))
    made.setdefault("task", "video.generate")
    made.setdefault("backend", "unknown")
    return reference, Provenance.from_dict(made)
