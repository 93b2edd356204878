"""Gaps between clips: Ripple Delete one (with the sync-locked tracks) or Close the gaps of a track.

Ripple Delete of a gap is Premiere's: the gap goes and everything after it
moves up; every other sync-locked track loses the same span, so it is
refused when one of them has a clip there (the sound would lose part of
itself; turn that track's sync lock off first). Close Gap pulls every clip
of one track left until no gap is left between them, on that track only:
it is the command for tidying a track, and says so in its name.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project import synclock, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Timeline, settings
from engine.project.document import track as track_named
from engine.project.times import RationalTime, timecode, to_frames


def gap_span(timeline: Timeline, track_name: str, frame: int) -> tuple[int, int]:
    """[start, end) of the gap under `frame` between two clips of the track; EditError when there is none."""
    rate = settings(timeline).rate
    slot = trackedit.slot_at(track_named(timeline, track_name), frame, rate)
    if slot is None or not isinstance(slot.item, otio.schema.Gap):
        raise EditError(f"There is no gap on {track_name} at {timecode(frame, rate)}")
    return slot.start, slot.end


def ripple_delete_gap(timeline: Timeline, track_name: str, at: RationalTime) -> Change:
    rate = settings(timeline).rate
    target = track_named(timeline, track_name)
    start, end = gap_span(timeline, track_name, to_frames(at, rate))
    following = synclock.followers(timeline, [target])
    for t in following:
        for slot in trackedit.layout(t, rate):
            if isinstance(slot.item, otio.schema.Clip) and slot.start < end and slot.end > start:
                raise EditError(
                    f"{t.name} has {slot.item.name or 'a clip'} in this gap and is sync-locked: "
                    f"turn its sync lock off to close the gap on {track_name} alone"
                )
    with mutation(timeline, "Ripple Delete Gap", [target, *following]) as change:
        trackedit.remove(target, start, end, rate)
        trackedit.normalize(target, rate)
        synclock.remove_spans(following, [(start, end)], rate)
        change.result = end - start
    return change


def close_gaps(timeline: Timeline, track_name: str) -> Change:
    """Remove every gap between clips on one track (the track alone: other tracks do not move)."""
    rate = settings(timeline).rate
    target = track_named(timeline, track_name)
    gaps = [s for s in trackedit.layout(target, rate) if isinstance(s.item, otio.schema.Gap)]
    if not gaps:
        raise EditError(f"{track_name} has no gaps to close")
    with mutation(timeline, f"Close Gaps on {track_name}", [target]) as change:
        for slot in reversed(gaps):
            trackedit.remove(target, slot.start, slot.end, rate)
        trackedit.normalize(target, rate)
        change.result = sum(s.duration for s in gaps)
    return change
