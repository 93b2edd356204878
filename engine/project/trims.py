"""Trimming: moving edges of clips, as the trim, ripple, roll, slip and slide tools do.

Trims clamp: when an edge reaches a limit (the end of the media, a
neighbouring clip, the start of the timeline, one frame left of a neighbour in
a roll or slide) it stops there, as it does under the mouse in every NLE, and
`change.result` says how many frames it actually moved. Only a head or tail
trim that would leave its own clip with no frames at all is refused: that is
a request to delete the clip, not a drag that went too far.

A linked partner gets the same edge moves on its own track, and the amount is
clamped to what every clip of the group allows, so picture and sound never
drift apart.

Transitions whose handles a trim uses up (or whose clips a gap now separates)
are dropped by `trackedit.normalize`; trims do not shorten dissolves to fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project import links, synclock, timewarp, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Gap, Timeline, Track, settings
from engine.project.document import track as track_named
from engine.project.times import RationalTime, timecode, to_frames

INF = math.inf
HEAD, TAIL = "head", "tail"


@dataclass
class _Bounds:
    """The range of deltas (frames) an edit may apply; intersected over every clip involved.

    Every limit keeps 0 allowed: a clip that already shows frames past its
    media (a foreign file, a relinked shorter file) may not grow further, but a
    drag must never move its edge the other way.
    """

    lo: float = -INF
    hi: float = INF

    def limit(self, lo: float = -INF, hi: float = INF) -> None:
        self.lo = max(self.lo, min(lo, 0))
        self.hi = min(self.hi, max(hi, 0))

    def clamp(self, delta: int) -> int:
        return int(max(self.lo, min(self.hi, delta)))


@dataclass(frozen=True)
class _Edge:
    """One edge of an item that an edit moves by the (common) delta."""

    track: Track
    item: otio.core.Item
    side: str  # HEAD or TAIL


def _index(track: Track, item: otio.core.Item) -> int:
    """Position of `item` in the track by identity (items are found again after inserts)."""
    for i, candidate in enumerate(track):
        if candidate is item:
            return i
    raise EditError(f"{item.name or 'The item'} is not on track {track.name}")


def _neighbours(track: Track, item: otio.core.Item, rate: float):
    """(previous slot or None, this slot, next slot or None); transitions take no time."""
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
        new_start = timewarp.trimmed_start(item, start, head, tail)  # through the clip's speed
        trackedit.set_source(item, new_start, length - head + tail, rate)


def _min_length(item: otio.core.Item) -> int:
    """A clip keeps one frame; a gap may close completely (normalize then removes it)."""
    return 1 if isinstance(item, Clip) else 0


def _head_limits(bounds: _Bounds, item: otio.core.Item, rate: float) -> None:
    """Limits on moving an item's head by d: keep its minimum length, stay inside the media."""
    start, length = trackedit.source_frames(item, rate)
    lo, hi = _source_limits(item, rate)
    earliest = timewarp.trim_room(item, start, length, lo, hi)[0] if isinstance(item, Clip) else lo - start
    bounds.limit(lo=earliest, hi=length - _min_length(item))


def _tail_limits(bounds: _Bounds, item: otio.core.Item, rate: float) -> None:
    start, length = trackedit.source_frames(item, rate)
    lo, hi = _source_limits(item, rate)
    latest = (
        timewarp.trim_room(item, start, length, lo, hi)[1] if isinstance(item, Clip) else hi - start - length
    )
    bounds.limit(lo=-(length - _min_length(item)), hi=latest)


def _refuse_emptying(members: list[tuple[Track, Clip]], shortening: int, rate: float) -> None:
    """A head or tail trim by the whole length of a clip is refused rather than clamped."""
    for _, clip in members:
        _, length = trackedit.source_frames(clip, rate)
        if shortening >= length:
            raise EditError(
                f"{clip.name or 'The clip'} is {length} frame(s) long: trimming {shortening} frame(s) "
                "would leave nothing of it (delete the clip instead)"
            )


def _plan_edges(edges: list[_Edge], bounds: _Bounds, rate: float) -> Callable[[int], None]:
    """Limit `bounds` for moving all `edges` by one delta, without ripple; return how to apply it.

    A tail moving together with the head of the item right after it is a roll:
    the cut moves and nothing else changes. A lone edge pushes against its
    neighbour: it grows into a gap (and stops at a clip), and shrinking leaves
    a gap, so nothing else on the track moves.
    """
    actions: list[Callable[[int], None]] = []
    heads = {(id(e.track), id(e.item)) for e in edges if e.side == HEAD}
    paired: set[tuple[int, int]] = set()
    for edge in edges:
        if edge.side != TAIL:
            continue
        _tail_limits(bounds, edge.item, rate)
        _, _, following = _neighbours(edge.track, edge.item, rate)
        if following is not None and (id(edge.track), id(following.item)) in heads:
            paired.add((id(edge.track), id(following.item)))
            _head_limits(bounds, following.item, rate)
            actions.append(_roll_action(edge.item, following.item, rate))
        else:
            actions.append(_lone_tail(bounds, edge, following, rate))
    for edge in edges:
        if edge.side == HEAD and (id(edge.track), id(edge.item)) not in paired:
            _head_limits(bounds, edge.item, rate)
            previous, slot, _ = _neighbours(edge.track, edge.item, rate)
            actions.append(_lone_head(bounds, edge, previous, slot, rate))

    def apply(d: int) -> None:
        for action in actions:
            action(d)

    return apply


def _roll_action(left: otio.core.Item, right: otio.core.Item, rate: float) -> Callable[[int], None]:
    def apply(d: int) -> None:
        _resize(left, rate, tail=d)
        _resize(right, rate, head=d)

    return apply


def _lone_tail(
    bounds: _Bounds, edge: _Edge, following: trackedit.Slot | None, rate: float
) -> Callable[[int], None]:
    if following is not None:
        bounds.limit(hi=following.duration if isinstance(following.item, Gap) else 0)

    def apply(d: int) -> None:
        _resize(edge.item, rate, tail=d)
        if following is not None and isinstance(following.item, Gap):
            _resize(following.item, rate, tail=-d)
        elif following is not None and d < 0:
            edge.track.insert(_index(edge.track, edge.item) + 1, trackedit.make_gap(-d, rate))

    return apply


def _lone_head(
    bounds: _Bounds, edge: _Edge, previous: trackedit.Slot | None, slot: trackedit.Slot, rate: float
) -> Callable[[int], None]:
    if previous is None:
        bounds.limit(lo=-slot.start)  # not before the start of the timeline
    else:
        bounds.limit(lo=-previous.duration if isinstance(previous.item, Gap) else 0)

    def apply(d: int) -> None:
        _resize(edge.item, rate, head=d)
        if previous is not None and isinstance(previous.item, Gap):
            _resize(previous.item, rate, tail=d)
        elif d > 0:
            edge.track.insert(_index(edge.track, edge.item), trackedit.make_gap(d, rate))

    return apply


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

    Without ripple, the clip grows only into a gap after it (it stops at the
    next clip: roll moves a cut between clips) and shrinking leaves a gap;
    with ripple, what follows on the track moves by the change in length.
    """
    rate = settings(timeline).rate
    requested = to_frames(delta, rate)
    members = links.with_partners(timeline, ident)
    _refuse_emptying(members, -requested, rate)
    bounds = _Bounds()
    following: list[Track] = []
    if ripple:
        for _, clip in members:
            _tail_limits(bounds, clip, rate)
        following = synclock.followers(timeline, [t for t, _ in members])
        end = trackedit.slot_of(members[0][0], members[0][1], rate).end

        def apply(d: int) -> None:
            for _, clip in members:
                _resize(clip, rate, tail=d)
            synclock.shift_at(following, end, d, rate)  # the out point moved: later cuts move by d

    else:
        apply = _plan_edges([_Edge(t, clip, TAIL) for t, clip in members], bounds, rate)
    name = "Ripple Trim" if ripple else "Trim"
    edited = [t for t, _ in members]
    return _run(timeline, f"{name} Out Point", [*edited, *following], requested, bounds, apply)


def trim_head(timeline: Timeline, ident: str, delta: RationalTime, ripple: bool = False) -> Change:
    """Move a clip's in point (later for positive delta).

    Without ripple, the clip's start moves on the timeline with its in point
    (into a gap before it, never before 0 or into the previous clip, or
    leaving a gap); with ripple, the clip stays where it starts and
    everything after it moves by the change in length.
    """
    rate = settings(timeline).rate
    requested = to_frames(delta, rate)
    members = links.with_partners(timeline, ident)
    _refuse_emptying(members, requested, rate)
    bounds = _Bounds()
    following: list[Track] = []
    if ripple:
        for _, clip in members:
            _head_limits(bounds, clip, rate)
        following = synclock.followers(timeline, [t for t, _ in members])
        start = trackedit.slot_of(members[0][0], members[0][1], rate).start

        def apply(d: int) -> None:
            for _, clip in members:
                _resize(clip, rate, head=d)
            # the clip keeps its start and loses (or gains) d frames there: so do the followers
            if d > 0:
                synclock.remove_spans(following, [(start, start + d)], rate)
            else:
                synclock.insert_space(following, start, -d, rate)

    else:
        apply = _plan_edges([_Edge(t, clip, HEAD) for t, clip in members], bounds, rate)
    name = "Ripple Trim" if ripple else "Trim"
    edited = [t for t, _ in members]
    return _run(timeline, f"{name} In Point", [*edited, *following], requested, bounds, apply)


@dataclass(frozen=True)
class EditRoom:
    """How far a slip or slide may go, in frames either way (infinite where nothing stops it), and
    what stops it there: the tools show what a drag will really do, and why it goes no further,
    before the release."""

    earliest: float
    latest: float
    left_stop: str = ""
    right_stop: str = ""

    def clamp(self, wanted: int) -> tuple[int, str]:
        """(the frames that will apply of `wanted`, what stops it short; "" when nothing does)."""
        applied = int(max(self.earliest, min(self.latest, wanted)))
        stop = self.left_stop if wanted < applied else self.right_stop if wanted > applied else ""
        return applied, stop


def slip_room(timeline: Timeline, ident: str) -> EditRoom:
    """The room `slip` clamps to: the media before the clip's in point and after its out point,
    for the clip and each linked partner; the first limit met each way wins and is named."""
    rate = settings(timeline).rate
    room = _Bounds()
    stops = ["", ""]
    for t, clip in links.with_partners(timeline, ident):
        start, length = trackedit.source_frames(clip, rate)
        lo, hi = _source_limits(clip, rate)
        # a slip moves the media by the delta at the clip's speed (`_resize`): the room is the
        # media left beyond the span the clip shows at that speed, in timeline frames
        earliest, latest = timewarp.trim_room(clip, start, length, lo, hi)
        if timewarp.has_ramp(clip):  # a ramp stays on the clip; its media moves frame for frame
            span = timewarp.clip_span(clip, length)
            earliest, latest = lo - start, hi - start - span
        before, after = room.lo, room.hi
        room.limit(lo=earliest, hi=latest)
        if room.lo > before:
            stops[0] = f"{_named(clip)} on {t.name} shows the first frame of its media"
        if room.hi < after:
            stops[1] = f"{_named(clip)} on {t.name} shows the last frame of its media"
    return EditRoom(room.lo, room.hi, *stops)


def slip(timeline: Timeline, ident: str, delta: RationalTime) -> Change:
    """Show a different part of the media in the same place and length, as far as `slip_room`
    allows."""
    rate = settings(timeline).rate
    requested = to_frames(delta, rate)
    room = slip_room(timeline, ident)
    bounds = _Bounds(room.earliest, room.latest)
    members = links.with_partners(timeline, ident)

    def apply(d: int) -> None:
        for _, clip in members:
            if timewarp.has_ramp(clip):
                start, length = trackedit.source_frames(clip, rate)
                trackedit.set_source(clip, start + d, length, rate)
            else:
                _resize(clip, rate, head=d, tail=d)

    return _run(timeline, "Slip", [t for t, _ in members], requested, bounds, apply)


def roll(timeline: Timeline, track_name: str, cut_at: RationalTime, delta: RationalTime) -> Change:
    """Move the cut between two adjacent items: one gets longer exactly as the other gets shorter.

    Either side may be a gap (it has no media limits and may close up). The
    linked partners of the outgoing clip have their tails moved and those of
    the incoming clip their heads, so picture and sound keep in sync: where
    such partners meet at a cut of their own it rolls too (even where that cut
    is elsewhere, as in a split edit); otherwise they trim into a gap or leave
    one, and a neighbouring clip stops the whole roll.
    """
    rate = settings(timeline).rate
    frame = to_frames(cut_at, rate)
    requested = to_frames(delta, rate)
    main = track_named(timeline, track_name)
    found = trackedit.slots_around_cut(main, frame, rate)
    if found is None:
        raise EditError(f"There is no cut on {main.name} at {timecode(frame, rate)}")
    left, right = found
    edges = [_Edge(main, left.item, TAIL), _Edge(main, right.item, HEAD)]
    taken = {id(left.item), id(right.item)}
    for slot, side in ((left, TAIL), (right, HEAD)):
        if not isinstance(slot.item, Clip):
            continue
        for t, partner in links.partners(timeline, slot.item):
            if id(partner) not in taken:  # clips linked to each other on one track move once
                taken.add(id(partner))
                edges.append(_Edge(t, partner, side))
    bounds = _Bounds()
    apply = _plan_edges(edges, bounds, rate)
    return _run(timeline, "Roll Edit", [e.track for e in edges], requested, bounds, apply)


def slide_room(timeline: Timeline, ident: str) -> EditRoom:
    """The room `slide` clamps to: the item before the clip (and before each linked partner) gives
    frames at its tail, the item after takes them at its head; the first limit met each way wins."""
    rate = settings(timeline).rate
    room = _Bounds()
    stops = ["", ""]

    def limit(found: _Bounds, left: str, right: str) -> None:
        lo, hi = room.lo, room.hi
        room.limit(lo=found.lo, hi=found.hi)
        if room.lo > lo:
            stops[0] = left
        if room.hi < hi:
            stops[1] = right

    for t, clip in links.with_partners(timeline, ident):
        previous, slot, following = _neighbours(t, clip, rate)
        found = _Bounds()
        if previous is None:
            found.limit(lo=-slot.start)
            limit(found, f"{_named(clip)} is at the start of {t.name}", "")
        else:
            _tail_limits(found, previous.item, rate)
            if isinstance(previous.item, Gap):
                limit(found, f"the gap before {_named(clip)} on {t.name} closes", "")
            else:
                name = _named(previous.item)
                limit(
                    found, f"{name} on {t.name} keeps its last frame", f"{name} on {t.name} has no more media"
                )
        if following is not None:
            found = _Bounds()
            _head_limits(found, following.item, rate)
            if isinstance(following.item, Gap):
                limit(found, "", f"the gap after {_named(clip)} on {t.name} closes")
            else:
                name = _named(following.item)
                limit(
                    found,
                    f"{name} on {t.name} has no more media",
                    f"{name} on {t.name} keeps its first frame",
                )
    return EditRoom(room.lo, room.hi, *stops)


def _named(item: otio.core.Item) -> str:
    return item.name or "the clip"


def slide(timeline: Timeline, ident: str, delta: RationalTime) -> Change:
    """Move a clip between its neighbours, keeping its own in and out points.

    The item before it gets longer or shorter at its tail and the item after
    it at its head (gaps down to nothing, clips within their media and to at
    least one frame), as far as `slide_room` allows. A clip at the very start
    of a track can slide right (a gap opens before it) but not before time 0,
    so sliding it left does nothing; the last clip of a track has nothing
    after it to trim, so it slides right freely.
    """
    rate = settings(timeline).rate
    requested = to_frames(delta, rate)
    members = links.with_partners(timeline, ident)
    room = slide_room(timeline, ident)
    bounds = _Bounds(room.earliest, room.latest)

    def apply(d: int) -> None:
        for t, clip in members:
            previous, _slot, following = _neighbours(t, clip, rate)
            if following is not None:
                _resize(following.item, rate, head=d)
            if previous is not None:
                _resize(previous.item, rate, tail=d)
            elif d > 0:
                t.insert(_index(t, clip), trackedit.make_gap(d, rate))

    return _run(timeline, "Slide", [t for t, _ in members], requested, bounds, apply)
