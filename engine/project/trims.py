"""Trimming: moving edges of clips, as the trim, ripple, roll, slip and slide tools do.

Trims clamp: when an edge reaches a limit (the end of the media, a
neighbouring clip, one frame of length) it stops there, as it does under the
mouse in every NLE, and `change.result` says how many frames it actually
moved. A linked partner gets the same trim, and the amount is clamped to what
every clip of the group allows, so picture and sound never drift apart.

Transitions whose handles a trim uses up are dropped by `trackedit.normalize`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project import links, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Gap, Timeline, Track, settings
from engine.project.document import track as track_named
from engine.project.times import RationalTime, timecode, to_frames

INF = math.inf


@dataclass
class _Bounds:
    """The range of deltas (frames) an edit may apply; intersected over every clip involved."""

    lo: float = -INF
    hi: float = INF

    def limit(self, lo: float = -INF, hi: float = INF) -> None:
        self.lo = max(self.lo, lo)
        self.hi = min(self.hi, hi)

    def clamp(self, delta: int) -> int:
        if self.lo > self.hi:
            return 0
        return int(max(self.lo, min(self.hi, delta)))


def _delta(delta: RationalTime, rate: float) -> int:
    return to_frames(delta, rate)


def _neighbours(track: Track, item: otio.core.Item, rate: float):
    """(previous slot or None, this slot, next slot or None)."""
    slots = trackedit.layout(track, rate)
    for i, slot in enumerate(slots):
        if slot.item is item:
            return (slots[i - 1] if i else None), slot, (slots[i + 1] if i + 1 < len(slots) else None)
    raise EditError(f"{item.name or 'The item'} is not on track {track.name}")


def _source_limits(item: otio.core.Item, rate: float) -> tuple[float, float]:
    """Source frames an item may show: gaps and stills are unbounded."""
    if not isinstance(item, Clip):
        return -INF, INF
    limits = trackedit.media_limits(item, rate)
    return (-INF, INF) if limits is None else limits


def _resize(item: otio.core.Item, rate: float, head: int = 0, tail: int = 0) -> None:
    """Move an item's head by `head` frames (later = shorter) and its tail by `tail` frames."""
    start, length = trackedit.source_frames(item, rate)
    if isinstance(item, Gap):
        trackedit.set_source(item, 0, length - head + tail, rate)
    else:
        trackedit.set_source(item, start + head, length - head + tail, rate)


def _head_limits(bounds: _Bounds, item: otio.core.Item, rate: float) -> None:
    """Limits on moving an item's head by d: keep one frame, stay inside the media."""
    start, length = trackedit.source_frames(item, rate)
    lo, _ = _source_limits(item, rate)
    bounds.limit(lo=lo - start, hi=length - (1 if isinstance(item, Clip) else 0))


def _tail_limits(bounds: _Bounds, item: otio.core.Item, rate: float) -> None:
    start, length = trackedit.source_frames(item, rate)
    _, hi = _source_limits(item, rate)
    bounds.limit(lo=-(length - (1 if isinstance(item, Clip) else 0)), hi=hi - start - length)


def _members(timeline: Timeline, ident: str) -> list[tuple[Track, Clip]]:
    return links.with_partners(timeline, ident)


def _run(
    timeline: Timeline,
    description: str,
    tracks: list[Track],
    requested: int,
    bounds: _Bounds,
    apply: Callable[[int], None],
) -> Change:
    rate = settings(timeline).rate
    applied = bounds.clamp(requested)
    with mutation(timeline, description, tracks) as change:
        if applied:
            apply(applied)
            for t in tracks:
                trackedit.normalize(t, rate)
        change.result = applied
    return change


def trim_tail(timeline: Timeline, ident: str, delta: RationalTime, ripple: bool = False) -> Change:
    """Move a clip's out point (later for positive delta).

    Without ripple, the clip grows only into a gap after it and shrinking
    leaves a gap; with ripple, what follows on the track moves with the edge.
    """
    rate = settings(timeline).rate
    requested = _delta(delta, rate)
    bounds = _Bounds()
    members = _members(timeline, ident)
    for t, clip in members:
        _, _slot, following = _neighbours(t, clip, rate)
        _tail_limits(bounds, clip, rate)
        if not ripple and following is not None:
            bounds.limit(hi=following.duration if isinstance(following.item, Gap) else 0)

    def apply(d: int) -> None:
        for t, clip in members:
            _, _slot, following = _neighbours(t, clip, rate)
            _resize(clip, rate, tail=d)
            if ripple:
                continue
            if following is not None and isinstance(following.item, Gap):
                _resize(following.item, rate, tail=-d)
            elif d < 0 and following is not None:
                t.insert(list(t).index(clip) + 1, trackedit.make_gap(-d, rate))

    name = "Ripple Trim" if ripple else "Trim"
    return _run(timeline, f"{name} Out Point", [t for t, _ in members], requested, bounds, apply)


def trim_head(timeline: Timeline, ident: str, delta: RationalTime, ripple: bool = False) -> Change:
    """Move a clip's in point (later for positive delta).

    Without ripple, the clip's start moves on the timeline with its in point
    (into a gap before it, or leaving one); with ripple, the clip stays where
    it starts and everything after it moves by the change in length.
    """
    rate = settings(timeline).rate
    requested = _delta(delta, rate)
    bounds = _Bounds()
    members = _members(timeline, ident)
    for t, clip in members:
        previous, slot, _ = _neighbours(t, clip, rate)
        _head_limits(bounds, clip, rate)
        if not ripple:
            room = (
                slot.start
                if previous is None
                else (previous.duration if isinstance(previous.item, Gap) else 0)
            )
            bounds.limit(lo=-room)

    def apply(d: int) -> None:
        for t, clip in members:
            previous, _slot, _ = _neighbours(t, clip, rate)
            _resize(clip, rate, head=d)
            if ripple:
                continue
            if previous is not None and isinstance(previous.item, Gap):
                _resize(previous.item, rate, tail=d)
            elif d > 0:
                t.insert(list(t).index(clip), trackedit.make_gap(d, rate))

    name = "Ripple Trim" if ripple else "Trim"
    return _run(timeline, f"{name} In Point", [t for t, _ in members], requested, bounds, apply)


def slip(timeline: Timeline, ident: str, delta: RationalTime) -> Change:
    """Show a different part of the media in the same place and length."""
    rate = settings(timeline).rate
    requested = _delta(delta, rate)
    bounds = _Bounds()
    members = _members(timeline, ident)
    for _, clip in members:
        start, length = trackedit.source_frames(clip, rate)
        lo, hi = _source_limits(clip, rate)
        bounds.limit(lo=lo - start, hi=hi - start - length)

    def apply(d: int) -> None:
        for _, clip in members:
            _resize(clip, rate, head=d, tail=d)

    return _run(timeline, "Slip", [t for t, _ in members], requested, bounds, apply)


def roll(timeline: Timeline, track_name: str, cut_at: RationalTime, delta: RationalTime) -> Change:
    """Move the cut between two adjacent items: one gets longer exactly as the other gets shorter.

    Where the clips on each side have linked partners meeting at the same cut
    on another track (picture and sound cut together), that cut rolls too.
    """
    rate = settings(timeline).rate
    frame = to_frames(cut_at, rate)
    requested = _delta(delta, rate)
    main = track_named(timeline, track_name)
    found = trackedit.slots_around_cut(main, frame, rate)
    if found is None:
        raise EditError(f"There is no cut on {main.name} at {timecode(frame, rate)}")
    cuts = [(main, found)]
    # partners of the clips on each side, and the tracks they are on
    partner_tracks: dict[int, Track] = {}
    partner_items: set[int] = set()
    for slot in found:
        if isinstance(slot.item, Clip):
            for t, p in links.partners(timeline, slot.item):
                partner_tracks[id(t)] = t
                partner_items.add(id(p))
    for t in partner_tracks.values():
        other = trackedit.slots_around_cut(t, frame, rate)
        if t is not main and other is not None and any(id(s.item) in partner_items for s in other):
            cuts.append((t, other))
    bounds = _Bounds()
    for _, (left, right) in cuts:
        _tail_limits(bounds, left.item, rate)
        _head_limits(bounds, right.item, rate)

    def apply(d: int) -> None:
        for _, (left, right) in cuts:
            _resize(left.item, rate, tail=d)
            _resize(right.item, rate, head=d)

    return _run(timeline, "Roll Edit", [t for t, _ in cuts], requested, bounds, apply)


def slide(timeline: Timeline, ident: str, delta: RationalTime) -> Change:
    """Move a clip between its neighbours, keeping its own in and out points.

    The item before it gets longer or shorter at its tail and the item after
    it at its head. A clip at the very start of a track can slide right (a gap
    opens before it) but not before time 0; the last clip of a track can
    slide right freely.
    """
    rate = settings(timeline).rate
    requested = _delta(delta, rate)
    bounds = _Bounds()
    members = _members(timeline, ident)
    for t, clip in members:
        previous, slot, following = _neighbours(t, clip, rate)
        if previous is None:
            bounds.limit(lo=-slot.start)
        else:
            _tail_limits(bounds, previous.item, rate)
        if following is not None:
            _head_limits(bounds, following.item, rate)

    def apply(d: int) -> None:
        for t, clip in members:
            previous, _slot, following = _neighbours(t, clip, rate)
            if following is not None:
                _resize(following.item, rate, head=d)
            if previous is not None:
                _resize(previous.item, rate, tail=d)
            else:
                t.insert(list(t).index(clip), trackedit.make_gap(d, rate))

    return _run(timeline, "Slide", [t for t, _ in members], requested, bounds, apply)
