"""Takes: the versions of a shot, as OTIO media references on one clip.

A clip's references are keyed ``take-1``, ``take-2``, …; the active key is the
take that plays. Regenerating a shot adds a take; switching takes never moves
the clip or changes its length. Each take remembers its own in point (in
``metadata["shotline"]["source_start"]``, frames at the project rate, saved
when switching away), so switching back shows the same frames as before.

Takes belong to one clip only: a new picture take leaves the linked sound alone,
except the sound a take was made with (`take_sound`), which follows the take.
A dissolve next to the clip is dropped when the new take has no handles to feed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project import provenance, take_sound, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip, settings
from engine.project.provenance import Provenance

DEFAULT_KEY = otio.schema.Clip.DEFAULT_MEDIA_KEY


@dataclass(frozen=True)
class Take:
    key: str
    reference: otio.core.MediaReference
    provenance: Provenance | None
    active: bool


def _number(key: str) -> int:
    match = re.fullmatch(r"take-(\d+)", key)
    return int(match.group(1)) if match else 0


def take_keys(clip: Clip) -> list[str]:
    """The clip's take keys in order (take-1 first), without reading any provenance."""
    return sorted(clip.media_references(), key=lambda k: (_number(k), k))


def takes(clip: Clip) -> list[Take]:
    """The clip's takes in order (take-1 first)."""
    refs = clip.media_references()
    keys = take_keys(clip)
    return [Take(k, refs[k], provenance.read(refs[k]), k == clip.active_media_reference_key) for k in keys]


def take_with_media(clip: Clip, reference: otio.core.MediaReference) -> str | None:
    """The key of the clip's take that already plays `reference`'s file, if one does.

    A result from the generation cache is the file an earlier take of the same
    request plays: that take is the result, and a second copy of it in the
    takes list would only be a duplicate to tell apart.
    """
    url = getattr(reference, "target_url", None)
    if not url:
        return None
    return next((t.key for t in takes(clip) if getattr(t.reference, "target_url", None) == url), None)


def take_number(clip: Clip) -> int:
    """1-based position of the active take, for the badge on the timeline."""
    keys = [t.key for t in takes(clip)]
    return keys.index(clip.active_media_reference_key) + 1


def _as_takes(clip: Clip) -> None:
    """Give a clip with a single plain reference the key take-1."""
    refs = clip.media_references()
    if all(k.startswith("take-") for k in refs):
        return
    renamed = {}
    for i, key in enumerate(sorted(refs, key=lambda k: (_number(k), k)), start=1):
        renamed[f"take-{i}" if not key.startswith("take-") else key] = refs[key].clone()
    active = clip.active_media_reference_key
    new_active = (
        next(k for k, v in zip(renamed, sorted(refs), strict=False) if v == active) if False else None
    )
    order = sorted(refs, key=lambda k: (_number(k), k))
    new_active = list(renamed)[order.index(active)]
    clip.set_media_references(renamed, new_active)


def _remember_in_point(clip: Clip, rate: float) -> None:
    start, _ = trackedit.source_frames(clip, rate)
    ref = clip.media_reference
    meta = dict(ref.metadata.get("shotline", {}))
    meta["source_start"] = start
    ref.metadata["shotline"] = meta


def _activate(clip: Clip, key: str, rate: float) -> None:
    """Make `key` play, at its remembered in point, keeping the clip's length."""
    _, length = trackedit.source_frames(clip, rate)
    _remember_in_point(clip, rate)
    refs = clip.media_references()
    target = refs[key]
    limits = _limits(target, rate)
    start = target.metadata.get("shotline", {}).get("source_start")
    if start is None:
        start = limits[0] if limits else 0
    start = int(start)
    if limits is not None:
        lo, hi = limits
        if start + length > hi:
            start = max(lo, hi - length)  # the take is too short from its in point: start earlier
        if start + length > hi or start < lo:
            raise EditError(
                f"{key} is {start + length - hi} frame(s) too short for this clip; trim the clip first"
            )
    clip.active_media_reference_key = key
    trackedit.set_source(clip, start, length, rate)


def _limits(reference: otio.core.MediaReference, rate: float) -> tuple[int, int] | None:
    probe = otio.schema.Clip(media_reference=reference.clone())
    return trackedit.media_limits(probe, rate)


def add_take(
    timeline: Timeline,
    ident: str,
    reference: otio.core.MediaReference,
    prov: Provenance | None = None,
    activate: bool = True,
) -> Change:
    """Add a take (a generated version, or an alternative file) to a clip; it plays unless told not to."""
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    sound_tracks, stack = take_sound.touches(timeline, ident, rate, reference if activate else None)
    with mutation(timeline, "Add Take", [track, *sound_tracks], stack=stack) as change:
        _as_takes(clip)
        _remember_in_point(clip, rate)
        refs = dict(clip.media_references())
        key = f"take-{max((_number(k) for k in refs), default=0) + 1}"
        new_ref = reference.clone()
        if prov is not None:
            provenance.attach(new_ref, prov)
        refs[key] = new_ref
        clip.set_media_references(refs, clip.active_media_reference_key)
        if activate:
            _activate(clip, key, rate)
        trackedit.normalize(track, rate)  # a take without handles cannot feed a dissolve
        if activate:
            take_sound.follow(timeline, ident, rate)
        change.result = key
    return change


def set_active_take(timeline: Timeline, ident: str, key: str, description: str | None = None) -> Change:
    """Play another take; the clip stays where it is, as long as it is.

    `description` names the undo step for what the user did ("Regenerate Salt
    flat") where playing the take is the visible part of a larger gesture.
    """
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    if key not in clip.media_references():
        raise EditError(f"{clip.name or 'This clip'} has no {key}")
    if key == clip.active_media_reference_key:
        raise EditError(f"{key} is already the active take")
    sound_tracks, stack = take_sound.touches(timeline, ident, rate)
    with mutation(timeline, description or f"Switch to {key}", [track, *sound_tracks], stack=stack) as change:
        _activate(clip, key, rate)
        trackedit.normalize(track, rate)
        take_sound.follow(timeline, ident, rate)
        change.result = key
    return change


def delete_take(timeline: Timeline, ident: str, key: str) -> Change:
    """Remove a take from the clip (its file stays in the cache); the last take cannot go."""
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    refs = dict(clip.media_references())
    if key not in refs:
        raise EditError(f"{clip.name or 'This clip'} has no {key}")
    if len(refs) == 1:
        raise EditError("A clip needs at least one take")
    sound_tracks, stack = take_sound.touches(timeline, ident, rate)
    with mutation(timeline, f"Delete {key}", [track, *sound_tracks], stack=stack) as change:
        order = [t.key for t in takes(clip)]
        if key == clip.active_media_reference_key:
            index = order.index(key)
            successor = order[index + 1] if index + 1 < len(order) else order[index - 1]
            _activate(clip, successor, rate)
        refs = {k: v.clone() for k, v in clip.media_references().items() if k != key}
        clip.set_media_references(refs, clip.active_media_reference_key)
        trackedit.normalize(track, rate)
        take_sound.follow(timeline, ident, rate)
        change.result = clip.active_media_reference_key
    return change
