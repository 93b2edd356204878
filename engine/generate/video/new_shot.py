"""Generate Shot: a generated clip where there was none (a gap, an in/out range, the bin).

Regenerate (`shot`) starts from a clip; a new shot starts from a length and
a prompt. The job is the same video.generate request, and its result becomes
a clip whose take list starts with that take, provenance and all, so it
regenerates like any other generated shot.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.video.timeline import SHOT_FIELDS, take_from_result
from engine.jobs import titles
from engine.jobs.spec import submit_spec
from engine.project import document, edits, provenance
from engine.project.change import Change, ChangeGroup
from engine.project.clips import media_clip
from engine.project.document import VIDEO, Clip, Timeline
from engine.project.take_sound import place_take_sound
from engine.project.times import rate_fraction, rt


def new_shot_spec(
    timeline: Timeline,
    frames: int,
    values: dict[str, Any],
    backend: str | None = None,
    cache_dir: Path | None = None,
    name: str = "Shot",
    title: str | None = None,
) -> dict[str, Any]:
    """The job spec for a shot no clip holds yet: `frames` long at the project's rate and size."""
    if frames <= 0:
        raise GenerateError("A shot needs at least one frame")
    if not str(values.get("prompt") or "").strip():
        raise GenerateError("Describe the shot: a new shot needs a prompt")
    project = document.settings(timeline)
    rate = rate_fraction(project.rate)
    params: dict[str, Any] = {k: v for k, v in values.items() if k in SHOT_FIELDS and v not in (None, "")}
    params |= {
        "frames": frames,
        "rate": f"{rate.numerator}/{rate.denominator}",
        "size": f"{project.width}x{project.height}",
        "shot": name,
        "title": title or titles.generate(name),
    }
    return submit_spec("video.generate", params, backend, cache_dir)


def generated_clip(result: dict[str, Any], rate: float, name: str) -> Clip:
    """A new picture clip whose take list starts with the job's result (its provenance on the take)."""
    reference, made = take_from_result(result, rate)
    provenance.attach(reference, made)
    clip = media_clip(name, reference, rate)
    clip.set_media_references({"take-1": clip.media_reference.clone()}, "take-1")
    return clip


def place_generated(timeline: Timeline, track_name: str, start: int, clip: Clip) -> Change | ChangeGroup:
    """Put a generated clip at `start` on a picture track, over whatever is there (as Overwrite does),
    with the sound its model made on an audio track under it."""
    rate = document.settings(timeline).rate
    if document.track(timeline, track_name).kind != VIDEO:
        raise GenerateError(f"{track_name} is a sound track; a generated shot goes on a picture track")
    change = edits.overwrite(timeline, rt(start, rate), {track_name: clip})
    change.description = f"Generate {clip.name or 'Shot'}"
    sound = place_take_sound(timeline, document.clip_id(clip))
    if sound is None:
        return change
    sound.result = [*change.result, sound.result]  # the shot is selected with its sound
    return ChangeGroup(change.description, [change, sound])


def named_result_file(result: dict[str, Any], name: str) -> Path:
    """The result's file under the shot's name (a hard link in its cache entry), for the bin to list.

    Every animatic is called animatic.mp4 in its entry; a bin of ten of those
    says nothing. The link lives in the same entry, so cleaning the cache
    keeps or drops it with the result. Where links are not possible the
    cache's own file is used.
    """
    try:
        source = Path(result["files"][0])
    except (KeyError, IndexError, TypeError):
        raise GenerateError("The engine's result names no video file") from None
    safe = re.sub(r"[^\w\- ]+", "", name).strip()[:60] or "Shot"
    target = source.with_name(f"{safe}{source.suffix}")
    if target == source or target.exists():
        return target if target.exists() else source
    try:
        os.link(source, target)
    except OSError:
        return source
    return target
