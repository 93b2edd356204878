"""From a clip on the timeline to a job spec, and from the job's result back to a take.

"Regenerate shot" must ask for exactly what the clip needs: as many frames
as the clip lasts, at the project's rate and size, with the prompt, seed and
settings of the take that plays now (so a user changes one thing and keeps
the rest). The result comes back as a new take whose provenance records the
whole request, so "re-render exactly" is the same spec again.

A clip with a dissolve on either side needs more than its own frames: the
dissolve plays the incoming clip's media `in_offset` frames before its in
point and the outgoing clip's `out_offset` frames past its out point. So the
spec asks for those handles too (`head` + the clip's frames + `tail`), and
the take is placed so the visible frames start after the head: the cut
looks the same and the dissolve renders through the new take instead of
being dropped for want of media.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import GenerateError
from engine.generate.results import take_sound_file, video_result
from engine.jobs import titles
from engine.jobs.spec import submit_spec
from engine.project import document, provenance, takes, trackedit
from engine.project.change import Change
from engine.project.clips import media_reference
from engine.project.document import VIDEO, Timeline
from engine.project.placeholders import shot_prompt
from engine.project.provenance import Provenance
from engine.project.take_sound import attach_sound
from engine.project.times import rate_fraction, tr
from engine.results import MANIFEST

#: What the dialog offers to change, with the keys the job spec uses.
SHOT_FIELDS = (
    "prompt", "negative_prompt", "seed", "steps", "guidance", "image", "last_image", "model",
    "plan", "quality", "references",
)  # fmt: skip


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
    values: dict[str, Any] = {"prompt": shot_prompt(clip)}  # a script's placeholder: its action
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


def transition_handles(timeline: Timeline, ident: str) -> tuple[int, int]:
    """(head, tail): the frames a new take of the clip needs before and after it for its dissolves."""
    track, clip = document.find_clip(timeline, ident)
    rate = document.settings(timeline).rate
    items = list(track)
    index = next(i for i, item in enumerate(items) if item is clip)
    head = tail = 0
    before = items[index - 1] if index > 0 else None
    after = items[index + 1] if index + 1 < len(items) else None
    if isinstance(before, otio.schema.Transition):
        head = round(before.in_offset.value_rescaled_to(rate))
    if isinstance(after, otio.schema.Transition):
        tail = round(after.out_offset.value_rescaled_to(rate))
    return max(0, head), max(0, tail)


def shot_spec(
    timeline: Timeline,
    ident: str,
    values: dict[str, Any],
    backend: str | None = None,
    cache_dir: Path | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """The job spec that regenerates clip `ident` with `values` (prompt, seed...) at its exact length,
    plus the handles its dissolves need."""
    defaults = shot_defaults(timeline, ident)
    head, tail = transition_handles(timeline, ident)
    project = document.settings(timeline)
    rate = rate_fraction(project.rate)
    params: dict[str, Any] = {k: v for k, v in values.items() if k in SHOT_FIELDS and v not in (None, "")}
    params |= {
        "frames": head + defaults.frames + tail,
        "rate": f"{rate.numerator}/{rate.denominator}",
        "size": f"{project.width}x{project.height}",
        "shot": defaults.name,
        "title": title or titles.regenerate(defaults.name),
        "clip_id": ident,
    }
    if head or tail:  # only then, so a spec without dissolves keeps its cache key
        params |= {"head": head, "tail": tail}
    return submit_spec("video.generate", params, backend, cache_dir)


def take_from_result(result: dict[str, Any], rate: float) -> tuple[otio.schema.ExternalReference, Provenance]:
    """The media reference and provenance of a finished video.generate job, ready for `add_take`.

    The take starts playing after the head handle the spec asked for (its `source_start`), so
    the clip shows the same stretch of the shot and a dissolve before it has media to blend.
    """
    path, made, frames, _ = video_result(result, "video.generate", project_rate=rate)
    head = min(_head_handle(result, path), max(0, frames - 1))
    reference = media_reference(path.as_uri(), tr(0, frames, rate))
    if head:
        reference.metadata["shotline"] = {**reference.metadata.get("shotline", {}), "source_start": head}
    sound = take_sound_file(result, made)
    if sound is not None:
        attach_sound(reference, sound.as_uri())
    return reference, Provenance.from_dict(made)


def play_regenerated(timeline: Timeline, ident: str, key: str) -> Change:
    """Play a regenerated take: the undo step the user sees as "Regenerate <clip>".

    The take itself joined the clip outside the history (undo keeps it to
    choose again), so this switch is the whole visible gesture, and Edit >
    Undo names it for what the user asked, not "Switch to take-4".
    """
    _track, clip = document.find_clip(timeline, ident)
    return takes.set_active_take(timeline, ident, key, f"Regenerate {clip.name or 'Shot'}")


def _head_handle(result: dict[str, Any], path: Path) -> int:
    """The head handle the job was asked for: from the result's spec, or the cache entry's manifest
    (the engine's `done` names the files and provenance; the spec is stored beside them)."""
    spec = result.get("spec")
    if not isinstance(spec, dict):
        try:
            spec = json.loads((path.parent / MANIFEST).read_text(encoding="utf-8")).get("spec")
        except (OSError, ValueError, AttributeError):
            spec = None
    params = spec.get("params") if isinstance(spec, dict) else None
    try:
        return max(0, int(params.get("head", 0))) if isinstance(params, dict) else 0
    except (TypeError, ValueError):
        return 0
