"""Low-level surgery on one track, in whole frames at the project rate.

The public edit operations (`edits`, `transitions`, ...) are compositions of
these few primitives: find what is where (`layout`), cut the track at a frame
(`split`), replace a range with a gap (`clear`), take a range out and close up
(`remove`), and put items in (`place`). `normalize` then restores the track's
invariants: adjacent gaps merged, no empty items, no trailing gap, and no
transition left without two clips whose handles can feed it.

These functions assume the caller already runs inside `change.mutation`, so
they mutate freely; they never check locks or record undo themselves.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project import timewarp
from engine.project.document import Clip, Gap, Track, Transition, new_id, shotline_meta
from engine.project.times import ceil_frames, floor_frames, range_frames, tr


@dataclass(frozen=True)
class Slot:
    """Where a non-transition item sits: its index in the track and its frames [start, end)."""

    index: int
    item: otio.core.Item
    start: int
    end: int

    @property
    def duration(self) -> int:
        return self.end - self.start


def duration_frames(item: otio.core.Item, rate: float) -> int:
    return range_frames(item.trimmed_range(), rate)[1]


def layout(track: Track, rate: float) -> list[Slot]:
    """The track's items (transitions excluded, as they take no time) with their frames."""
    slots: list[Slot] = []
    pos = 0
    for index, item in enumerate(track):
        if isinstance(item, Transition):
            continue
        length = duration_frames(item, rate)
        slots.append(Slot(index, item, pos, pos + length))
        pos += length
    return slots


def track_end(track: Track, rate: float) -> int:
    slots = layout(track, rate)
    return slots[-1].end if slots else 0


def timeline_end(timeline: otio.schema.Timeline, rate: float) -> int:
    """The end of the longest track, in frames: the sequence's length as the editor shows it."""
    return max((track_end(t, rate) for t in timeline.tracks), default=0)


def slot_of(track: Track, item: otio.core.Item, rate: float) -> Slot:
    for slot in layout(track, rate):
        if slot.item is item:
            return slot
    raise EditError(f"{item.name or 'The item'} is not on track {track.name}")


def slot_at(track: Track, frame: int, rate: float) -> Slot | None:
    """The item covering `frame`, or None past the end of the track."""
    for slot in layout(track, rate):
        if slot.start <= frame < slot.end:
            return slot
    return None


def slots_around_cut(track: Track, frame: int, rate: float) -> tuple[Slot, Slot] | None:
    """The items ending and starting at `frame`, when there is a cut there."""
    slots = layout(track, rate)
    for left, right in itertools.pairwise(slots):
        if left.end == frame:
            return left, right
    return None


def make_gap(frames: int, rate: float) -> Gap:
    return otio.schema.Gap(source_range=tr(0, frames, rate))


def media_limits(clip: Clip, rate: float) -> tuple[int, int] | None:
    """The source frames [lo, hi) a clip may show, at the project rate.

    None means unbounded: stills and references without a known range can be
    held for as long as the user likes. A clip with several takes is bounded
    by its active take, so generated clips may grow to their take's length.
    """
    ref = clip.media_reference
    if ref is None or ref.available_range is None:
        return None
    meta = ref.metadata.get("shotline", {})
    if meta.get("still"):
        return None
    available = ref.available_range
    return ceil_frames(available.start_time, rate), floor_frames(available.end_time_exclusive(), rate)


def source_frames(clip: Clip, rate: float) -> tuple[int, int]:
    """(source start, duration) of a clip in frames at the project rate."""
    return range_frames(clip.trimmed_range(), rate)


def set_source(clip: Clip, start: int, duration: int, rate: float) -> None:
    clip.source_range = tr(start, duration, rate)


def _split_item(item: otio.core.Item, offset: int, rate: float) -> tuple[otio.core.Item, otio.core.Item]:
    """Two pieces of `item`, cut `offset` frames after its start."""
    start, length = range_frames(item.trimmed_range(), rate)
    left = item.clone()
    right = item.clone()
    left_start, right_start = timewarp.split_starts(item, start, length, offset)
    if isinstance(right, Clip) and timewarp.has_ramp(right):  # the right piece's curve starts at the cut
        right_start = timewarp.trimmed_start(right, start, offset, 0)
    left.source_range = tr(left_start, offset, rate)
    right.source_range = tr(right_start, length - offset, rate)
    if isinstance(right, Clip):
        shotline_meta(right)["id"] = new_id()
        # a fade-out belongs to the right piece only, a fade-in to the left
        lm, rm = shotline_meta(left), shotline_meta(right)
        if "fade_out" in lm:
            del lm["fade_out"]
        if "fade_in" in rm:
            del rm["fade_in"]
        # markers stay with the piece whose source range holds them
        left.markers[:] = [m.clone() for m in item.markers if _marker_in(m, start, offset, rate)]
        right.markers[:] = [
            m.clone() for m in item.markers if _marker_in(m, start + offset, length - offset, rate)
        ]
    return left, right


def _marker_in(marker: otio.schema.Marker, start: int, length: int, rate: float) -> bool:
    at = round(marker.marked_range.start_time.value_rescaled_to(rate))
    return start <= at < start + length


def split(track: Track, frame: int, rate: float) -> tuple[int, otio.core.Item | None]:
    """Make `frame` an item boundary; return (index of the item starting there, new right piece).

    Past the end of the track, a gap is appended so the boundary exists. The
    second value is the new right-hand piece when an item was cut, else None.
    """
    if frame < 0:
        raise EditError("Time must not be before the start of the timeline")
    end = track_end(track, rate)
    if frame >= end:
        at = len(track) - (1 if _end_fade(track) else 0)  # what lands past the end comes before the fade
        if frame > end:
            track.insert(at, make_gap(frame - end, rate))
            at += 1
        return at, None
    slot = slot_at(track, frame, rate)
    assert slot is not None
    if slot.start == frame:
        return slot.index, None
    left, right = _split_item(slot.item, frame - slot.start, rate)
    track[slot.index] = left
    track.insert(slot.index + 1, right)
    return slot.index + 1, right


def _range_indices(track: Track, start: int, end: int, rate: float) -> tuple[int, int]:
    """Split at both ends; the track indices [first, last) covering [start, end)."""
    split(track, start, rate)
    last, _ = split(track, end, rate)
    first, _ = split(track, start, rate)
    return first, last


def clear(track: Track, start: int, end: int, rate: float) -> list[otio.core.Item]:
    """Replace [start, end) with a gap (lift); return the items taken out."""
    if end <= start:
        return []
    first, last = _range_indices(track, start, end, rate)
    removed = [track[i] for i in range(first, last) if not isinstance(track[i], Transition)]
    del track[first:last]
    track.insert(first, make_gap(end - start, rate))
    return removed


def remove(track: Track, start: int, end: int, rate: float) -> list[otio.core.Item]:
    """Take [start, end) out and close the space (ripple); return the items taken out."""
    if end <= start:
        return []
    first, last = _range_indices(track, start, end, rate)
    removed = [track[i] for i in range(first, last) if not isinstance(track[i], Transition)]
    del track[first:last]
    return removed


def place(track: Track, frame: int, items: list[otio.core.Item], rate: float) -> None:
    """Insert items at `frame`, pushing later items right (ripple insert)."""
    index, _ = split(track, frame, rate)
    for offset, item in enumerate(items):
        track.insert(index + offset, item)


def has_handles(transition: Transition, before: Clip, after: Clip, rate: float) -> str | None:
    """Why the clips around a transition cannot feed it, or None when they can.

    A dissolve straddles the cut: the outgoing clip plays ``out_offset`` frames
    past its out point and the incoming clip starts ``in_offset`` frames before
    its in point, so both need that much media beyond their ranges.
    """
    in_off = round(transition.in_offset.value_rescaled_to(rate))
    out_off = round(transition.out_offset.value_rescaled_to(rate))
    a_start, a_len = source_frames(before, rate)
    b_start, b_len = source_frames(after, rate)
    if in_off > a_len or out_off > b_len:
        return "the transition is longer than the clips beside it"
    # the source frames each clip shows over the dissolve, through its speed (timewarp)
    a_lo, a_hi = _shown_span(before, a_start, a_len, 0, a_len + out_off)
    b_lo, b_hi = _shown_span(after, b_start, b_len, -in_off, b_len)
    a_limits = media_limits(before, rate)
    if a_limits is not None and a_hi > a_limits[1]:
        short = a_hi - a_limits[1]
        return (
            f"{before.name or 'the outgoing clip'} needs {short} more frame(s) of media after its out point"
        )
    reversed_a, reversed_b = timewarp.time_scalar(before) < 0, timewarp.time_scalar(after) < 0
    if reversed_a and a_limits is not None and a_lo < a_limits[0]:  # it runs on into earlier frames
        return f"{before.name or 'the outgoing clip'} needs {a_limits[0] - a_lo} more frame(s) of media"
    b_limits = media_limits(after, rate)
    if b_limits is not None and b_lo < b_limits[0]:
        short = b_limits[0] - b_lo
        return f"{after.name or 'the incoming clip'} needs {short} more frame(s) of media before its in point"
    if reversed_b and b_limits is not None and b_hi > b_limits[1]:
        return f"{after.name or 'the incoming clip'} needs {b_hi - b_limits[1]} more frame(s) of media"
    return None


def _shown_span(clip: Clip, start: int, length: int, first: int, end: int) -> tuple[int, int]:
    """Source frames [lo, hi) the clip shows over its frames [first, end) (which may run past it)."""
    frames = [start + timewarp.source_offset(clip, k, length) for k in (first, end - 1)]
    return min(frames), max(frames) + 1


def _fit_fades(clip: Clip, length: int) -> None:
    """Shorten fades that no longer fit a trimmed clip (fade-out first, then fade-in)."""
    meta = clip.metadata.get("shotline")
    if not meta:
        return
    fade_in, fade_out = int(meta.get("fade_in", 0) or 0), int(meta.get("fade_out", 0) or 0)
    if fade_in + fade_out <= length:
        return
    fade_out = max(0, length - fade_in)
    fade_in = min(fade_in, length)
    for key, value in (("fade_in", fade_in), ("fade_out", fade_out)):
        if value:
            meta[key] = value
        elif key in meta:
            del meta[key]


def _empty(item: otio.core.Item) -> bool:
    """A gap nothing is attached to: dropped when it trails the track."""
    return isinstance(item, Gap) and not item.markers


def _end_fade(track: Track) -> bool:
    """Whether the track ends with a transition after its last clip (a fade out to nothing)."""
    return len(track) > 1 and isinstance(track[-1], Transition) and not isinstance(track[-2], Transition)


def normalize(track: Track, rate: float) -> None:
    """Restore the track's invariants after surgery (see module docstring); fades fit their clips."""
    items = list(track)
    cleaned: list[otio.core.Item] = []
    for item in items:
        if isinstance(item, Transition):
            cleaned.append(item)
            continue
        if duration_frames(item, rate) <= 0:
            continue
        if isinstance(item, Gap) and cleaned and isinstance(cleaned[-1], Gap) and not item.markers:
            prev = cleaned[-1]
            total = duration_frames(prev, rate) + duration_frames(item, rate)
            prev.source_range = tr(0, total, rate)
            continue
        cleaned.append(item)
    # transitions only between two clips that can feed them, or at the track's very start or end
    # (a fade in from nothing before its first clip, out after its last, as other editors write them)
    kept: list[otio.core.Item] = []
    for i, item in enumerate(cleaned):
        if isinstance(item, Transition):
            before = kept[-1] if kept else None
            after = cleaned[i + 1] if i + 1 < len(cleaned) else None
            at_start = not kept and isinstance(after, Clip)
            at_end = all(_empty(x) for x in cleaned[i + 1 :]) and any(isinstance(x, Clip) for x in kept)
            if not (at_start or at_end):
                if not (isinstance(before, Clip) and isinstance(after, Clip)):
                    continue
                if has_handles(item, before, after, rate) is not None:
                    continue
        kept.append(item)
    fade_out = kept.pop() if len(kept) > 1 and isinstance(kept[-1], Transition) else None
    while kept and (isinstance(kept[-1], Transition) or _empty(kept[-1])):
        kept.pop()
    if fade_out is not None and kept and isinstance(kept[-1], Clip):
        kept.append(fade_out)  # it follows the last clip, wherever the gaps before it went
    for item in kept:
        if isinstance(item, Clip):
            _fit_fades(item, duration_frames(item, rate))
    if len(kept) != len(items) or any(a is not b for a, b in zip(kept, items, strict=False)):
        track[:] = []
        for item in kept:
            track.append(item)
