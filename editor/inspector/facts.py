"""What the inspector shows about a clip, read from the document in one place.

Kept apart from the widgets so that what a field says (which frame is the
out point, when a file counts as offline, how a take's provenance reads) is
plain Python, and the panel only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from engine.errors import EditError
from engine.project import effects, provenance, takes, timewarp, trackedit
from engine.project.document import AUDIO, Timeline, clip_id, find_clip, settings
from engine.project.mediapaths import path_from_url
from engine.project.provenance import Provenance


@dataclass(frozen=True)
class TakeFacts:
    key: str
    number: int  # 1-based, as the timeline's badge shows it
    active: bool
    summary: str  # one line for the list
    details: str  # every provenance field, for the panel under the list
    path: Path | None = None  # the take's file, for its thumbnail
    seed: int | None = None
    prompt: str = ""
    backend: str = ""  # as a user reads it: "Animatic (no AI model)", "wan-2.1", "recorded footage"


@dataclass(frozen=True)
class ClipFacts:
    ident: str
    name: str
    audio: bool
    track: str
    source: Path | None  # None: the clip has no file (a generator, a missing reference)
    offline: bool
    source_in: int  # first source frame shown, at the project rate
    source_out: int  # last source frame shown (inclusive, as NLEs show an out point)
    duration: int
    position: int  # first timeline frame
    gain_db: float
    fade_in: int
    fade_out: int
    takes: tuple[TakeFacts, ...]


def source_path(clip: otio.schema.Clip) -> Path | None:
    url = getattr(clip.media_reference, "target_url", None)
    return path_from_url(url) if url else None


def clip_facts(timeline: Timeline, ident: str) -> ClipFacts | None:
    """The facts of the clip with this id, or None when no clip has it (any more)."""
    try:
        track, clip = find_clip(timeline, ident)
    except EditError:
        return None
    rate = settings(timeline).rate
    source_in, duration = trackedit.source_frames(clip, rate)
    slot = trackedit.slot_of(track, clip, rate)
    path = source_path(clip)
    fade_in, fade_out = effects.fades(clip)
    return ClipFacts(
        ident=clip_id(clip),
        name=clip.name or "",
        audio=track.kind == AUDIO,
        track=track.name,
        source=path,
        offline=path is None or not path.is_file(),  # a stat, not a read: cheap enough to do here
        source_in=source_in,
        source_out=source_in + timewarp.clip_span(clip, duration) - 1,
        duration=duration,
        position=slot.start,
        gain_db=effects.gain_db(clip),
        fade_in=fade_in,
        fade_out=fade_out,
        takes=_takes(clip),
    )


def _takes(clip: otio.schema.Clip) -> tuple[TakeFacts, ...]:
    """The clip's takes, or none when it has one plain file: a take list of one says nothing."""
    found = takes.takes(clip)
    if len(found) < 2 and all(t.provenance is None for t in found):
        return ()
    out = []
    for number, take in enumerate(found, start=1):
        try:
            prov = provenance.read(take.reference)
        except EditError as error:  # a damaged provenance is shown as such, never a traceback
            out.append(TakeFacts(take.key, number, take.active, f"Take {number} · {error}", str(error)))
            continue
        url = getattr(take.reference, "target_url", None)
        out.append(
            TakeFacts(
                take.key,
                number,
                take.active,
                _summary(number, take, prov),
                _details(take, prov),
                path=path_from_url(url) if url else None,
                seed=prov.seed if prov else None,
                prompt=prov.prompt if prov else "",
                backend=backend_label(prov),
            )
        )
    return tuple(out)


def backend_label(prov: Provenance | None) -> str:
    """Which backend made a take, with the animatic named as what it is (a storyboard, not a model)."""
    if prov is None:
        return "recorded footage"
    if prov.backend == "animatic" or prov.extra.get("animatic"):
        return "Animatic (storyboard, no AI model)"
    return f"{prov.backend} · {prov.model_id}" if prov.model_id else prov.backend


def _summary(number: int, take: takes.Take, prov: Provenance | None) -> str:
    if prov is None:
        return f"Take {number} · recorded footage"
    parts = [prov.task, prov.backend]
    if prov.seed is not None:
        parts.append(f"seed {prov.seed}")
    if prov.prompt:
        prompt = prov.prompt if len(prov.prompt) <= 40 else prov.prompt[:39] + "…"
        parts.append(f"“{prompt}”")
    return f"Take {number} · " + " · ".join(p for p in parts if p)


def _details(take: takes.Take, prov: Provenance | None) -> str:
    url = getattr(take.reference, "target_url", None) or "(no file)"
    if prov is None:
        return f"Recorded footage\nFile: {url}"
    rows = [
        ("Task", prov.task),
        ("Backend", prov.backend),
        ("Model", prov.model_id),
        ("Revision", prov.model_revision),
        ("Prompt", prov.prompt),
        ("Negative prompt", prov.negative_prompt),
        ("Seed", prov.seed),
        ("Steps", prov.steps),
        ("Guidance", prov.guidance),
        ("Size", f"{prov.width}x{prov.height}" if prov.width and prov.height else None),
        ("Frames", prov.frames),
        ("Rate", prov.rate),
        ("References", ", ".join(prov.references)),
        ("Mask", prov.mask),
        ("Engine", prov.engine_version),
        ("Created", prov.created),
        *((_label(k), _shown(v)) for k, v in sorted(prov.extra.items())),
        ("File", url),
    ]
    return "\n".join(f"{label}: {value}" for label, value in rows if value not in (None, "", ()))


def _label(key: object) -> str:
    """A backend's own provenance key as a user reads it: engine_rate -> Engine rate."""
    return str(key).replace("_", " ").capitalize()


def _shown(value: object) -> object:
    """Long lists (a mask's hundred frame files) are counted, not printed."""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) if len(value) <= 3 else f"{len(value)} items"
    return value


def common(values: list) -> object | None:
    """The value all selected clips share, or None when they differ (a "mixed" field)."""
    first = values[0] if values else None
    return first if all(v == first for v in values) else None
