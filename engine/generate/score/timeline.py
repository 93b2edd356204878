"""From a range of the timeline to a music.score job, and from its result to a clip on a music track.

The score must span the range exactly and fit its cuts, so the job asks for
the range's length in samples at 48 kHz and for the cuts of the picture
tracks inside it as sample offsets from the range's start. The result lands
on a music track (the first with room, else a new one), with fades and a
gain under the dialogue; scoring the same range again adds a take to that
clip instead of stacking a second score on top.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import opentimelineio as otio

from engine.errors import GenerateError
from engine.jobs import titles
from engine.jobs.spec import submit_spec
from engine.project import edits, effects, provenance, roles, trackedit
from engine.project.clips import media_clip, media_reference
from engine.project.document import AUDIO, VIDEO, Timeline, clip_id, settings, tracks
from engine.project.provenance import Provenance
from engine.project.times import RationalTime, rate_fraction, tr

SAMPLE_RATE = 48_000
#: The score sits under dialogue: -12 dB, as a music editor would start it.
DEFAULT_GAIN_DB = -12.0
FADE_IN_SECONDS, FADE_OUT_SECONDS = 0.5, 1.0
#: What the Score Music dialog offers, with the keys the job spec uses.
SCORE_FIELDS = (
    "prompt", "negative_prompt", "seed", "bpm", "key", "intensity", "hit_cuts", "model", "steps", "plan",
    "quality",
)  # fmt: skip


def samples_for(frames: int, rate: float) -> int:
    """Samples at 48 kHz that `frames` frames last (exact at 24, 25, 30...; rounded at 29.97)."""
    return round(frames * SAMPLE_RATE / rate_fraction(rate))


def range_cuts(timeline: Timeline, start: int, frames: int) -> list[int]:
    """Frames strictly inside [start, start+frames) where a picture track changes clip (or clip/gap)."""
    rate = settings(timeline).rate
    end = start + frames
    cuts: set[int] = set()
    for track in tracks(timeline, VIDEO):
        slots = trackedit.layout(track, rate)
        for before, after in itertools.pairwise(slots):
            if before.end == after.start and start < after.start < end:
                cuts.add(after.start)
        if slots and start < slots[-1].end < end:
            cuts.add(slots[-1].end)  # the picture ends inside the range: that is a cut too
    return sorted(cuts)


def score_spec(
    timeline: Timeline,
    start: int,
    frames: int,
    values: dict[str, Any],
    backend: str | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    """The job spec that scores frames [start, start+frames) with `values` (prompt, tempo...)."""
    if frames <= 0:
        raise GenerateError("The range to score is empty")
    rate = settings(timeline).rate
    params: dict[str, Any] = {k: v for k, v in values.items() if k in SCORE_FIELDS and v not in (None, "")}
    params |= {
        "samples": samples_for(frames, rate),
        "cut_samples": [samples_for(cut - start, rate) for cut in range_cuts(timeline, start, frames)],
        "title": titles.score(start, start + frames, rate),
        "range_start": start,
        "range_frames": frames,
    }
    return submit_spec("music.score", params, backend, cache_dir)


def score_clip_at(timeline: Timeline, start: int, frames: int) -> str | None:
    """The id of a score already spanning exactly this range on a music track, if there is one."""
    rate = settings(timeline).rate
    for track in roles.role_tracks(timeline, roles.MUSIC):
        for slot in trackedit.layout(track, rate):
            if slot.start == start and slot.end == start + frames and hasattr(slot.item, "media_reference"):
                made = provenance.read(slot.item.media_reference)
                if made is not None and made.task == "music.score":
                    return clip_id(slot.item)
    return None


def free_music_track(timeline: Timeline, start: int, frames: int) -> str | None:
    """The first music track with nothing in [start, start+frames), or None."""
    rate = settings(timeline).rate
    for track in roles.role_tracks(timeline, roles.MUSIC):
        busy = any(
            slot.start < start + frames and slot.end > start and not _is_gap(slot.item)
            for slot in trackedit.layout(track, rate)
        )
        if not busy:
            return track.name
    return None


def _is_gap(item: Any) -> bool:
    return isinstance(item, otio.schema.Gap)


def score_reference(
    result: dict[str, Any], frames: int, rate: float
) -> tuple[otio.schema.ExternalReference, Provenance]:
    """The WAV's media reference (spanning `frames` at the project rate) and the take's provenance."""
    try:
        path = Path(result["files"][0])
        made = dict(result["provenance"])
    except (KeyError, IndexError, TypeError):
        raise GenerateError("The engine's result names no audio file") from None
    if path.suffix.lower() != ".wav":
        raise GenerateError(f"The engine's result {path.name} is not a WAV file")
    made.setdefault("task", "music.score")
    made.setdefault("backend", "unknown")
    fraction = rate_fraction(rate)
    made["frames"], made["rate"] = frames, f"{fraction.numerator}/{fraction.denominator}"
    return media_reference(path.as_uri(), tr(0, frames, rate)), Provenance.from_dict(made)


def score_name(made: Provenance) -> str:
    """A new score clip's name: what the user asked for, "Score: tense cinematic strings"."""
    return f"Score: {made.prompt[:40]}" if made.prompt else "Score"


def new_score_clip(
    timeline: Timeline, result: dict[str, Any], start: int, frames: int, track: str
) -> tuple[str, list[Callable[[Timeline], Any]]]:
    """Place the score as a new clip on `track`, faded and at DEFAULT_GAIN_DB: one Change per step.

    Returns the edits to apply in order (each a callable over the timeline),
    so the editor can run them inside one undo group.
    """
    rate = settings(timeline).rate
    reference, made = score_reference(result, frames, rate)
    provenance.attach(reference, made)
    clip = media_clip(score_name(made), reference, rate, duration=frames, source_start=0, kind=AUDIO)
    ident = clip_id(clip)
    fade_in = min(round(FADE_IN_SECONDS * rate), frames // 3)
    fade_out = min(round(FADE_OUT_SECONDS * rate), frames // 3)
    steps = [
        lambda t: edits.overwrite(t, RationalTime(start, rate), {track: clip}),
        lambda t: effects.set_gain(t, ident, DEFAULT_GAIN_DB),
        lambda t: effects.set_fades(t, ident, RationalTime(fade_in, rate), RationalTime(fade_out, rate)),
    ]
    return ident, steps
