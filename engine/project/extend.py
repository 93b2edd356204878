"""Extending a shot: the clip gets a longer take and grows by the frames added, as one edit.

The extended media (the clip's own frames plus N new ones before or after
them) becomes a new take, and the clip then shows all of it: its source
range grows by N at the head or the tail. On the timeline the clip grows by
N frames, and the user chooses what happens to what is next to it:

- ripple: what follows on the clip's track moves later by N, and so does
  what follows its linked partners on their tracks, so sound stays in sync
  (a head extension keeps the clip's start: its original frames then play N
  frames later, with their partners);
- overwrite: the new frames cover what lies after the clip (tail) or before
  it (head); nothing else moves.

The linked sound clip itself is left as it is: the new frames are picture
only, and a model's sound would not match the shot's. Everything happens in
one mutation, so undo restores the timeline exactly.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project import links, take_sound, takes, trackedit
from engine.project.change import Change, mutation
from engine.project.document import VIDEO, Timeline, Track, find_clip, settings
from engine.project.provenance import Provenance

RIPPLE, OVERWRITE = "ripple", "overwrite"


def extend_clip(
    timeline: Timeline,
    ident: str,
    reference: otio.core.MediaReference,
    prov: Provenance | None,
    added: int,
    head: bool = False,
    mode: str = RIPPLE,
) -> Change:
    """Make `reference` (the clip's frames plus `added` new ones) the clip's take and grow the clip."""
    if mode not in (RIPPLE, OVERWRITE):
        raise EditError(f"Extend is {RIPPLE} or {OVERWRITE}, not {mode!r}")
    if added < 1:
        raise EditError("Extend adds at least one frame")
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    if track.kind != VIDEO:
        raise EditError(f"{clip.name or 'This clip'} is sound; extend works on picture clips")
    _, length = trackedit.source_frames(clip, rate)
    limits = trackedit.media_limits(otio.schema.Clip(media_reference=reference.clone()), rate)
    if limits is None or limits[1] - limits[0] != length + added:
        have = "no fixed length" if limits is None else f"{limits[1] - limits[0]} frames"
        raise EditError(
            f"The extended take has {have}, not the clip's {length} frames plus the {added} added"
        )
    slot = trackedit.slot_of(track, clip, rate)
    if head and mode == OVERWRITE and slot.start < added:
        raise EditError(
            f"{clip.name or 'The clip'} starts {slot.start} frame(s) into the sequence: "
            f"there is no room before it for {added} more (use ripple)"
        )
    partners = links.partners(timeline, clip) if mode == RIPPLE else []
    sound_tracks, stack = take_sound.touches(timeline, ident, rate, reference)
    touched: list[Track] = [track, *(t for t, _ in partners), *sound_tracks]
    side = "Head" if head else "Tail"
    with mutation(timeline, f"Extend Shot ({side}, {added} frames)", touched, stack=stack) as change:
        key = takes.add_take(timeline, ident, reference, prov).result
        track, clip = find_clip(timeline, ident)
        if mode == OVERWRITE:
            if head:
                trackedit.remove(track, slot.start - added, slot.start, rate)
            else:
                trackedit.remove(
                    track, slot.end, min(slot.end + added, trackedit.track_end(track, rate)), rate
                )
            track, clip = find_clip(timeline, ident)
        else:
            for partner_track, partner in partners:
                at = trackedit.slot_of(partner_track, partner, rate)
                trackedit.place(
                    partner_track, at.start if head else at.end, [trackedit.make_gap(added, rate)], rate
                )
        start = limits[0]
        trackedit.set_source(clip, start, length + added, rate)
        take_sound.refit(timeline, ident, rate)  # the take's sound spans the longer shot
        for t in touched:
            trackedit.normalize(t, rate)
        change.result = key
    return change
