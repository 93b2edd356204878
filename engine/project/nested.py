"""Nested sequences (compound clips): opened to edit their contents, or flattened into the timeline.

A nested sequence is an OTIO Stack inside a track, as Premiere's XML and
AAF bring them. Opening one gives a Timeline whose ``tracks`` *is* that
Stack (the same object, not a copy), so every edit made inside changes the
parent document directly, and undo, which restores track contents in place,
works the same inside and out. Flattening replaces the compound by its
contents' tracks at the same place (its own track first, then the tracks
above it for video, below it for sound), adding tracks where needed, as one
undo step (Resolve's "Decompose in Place").
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit, tracks
from engine.project.change import ChangeGroup, mutation
from engine.project.document import AUDIO, VIDEO, Timeline, Track, settings, track
from engine.project.times import RationalTime, timecode, to_frames


def compound_at(timeline: Timeline, track_name: str, frame: int) -> trackedit.Slot | None:
    """The nested sequence on a track at a frame, if one is there."""
    slot = trackedit.slot_at(track(timeline, track_name), frame, settings(timeline).rate)
    if slot is None or not isinstance(slot.item, otio.schema.Stack):
        return None
    return slot


def _compound(timeline: Timeline, track_name: str, frame: int) -> trackedit.Slot:
    slot = compound_at(timeline, track_name, frame)
    if slot is None:
        rate = settings(timeline).rate
        raise EditError(f"There is no nested sequence on {track_name} at {timecode(frame, rate)}")
    return slot


def nested_view(timeline: Timeline, track_name: str, at: RationalTime) -> Timeline:
    """The nested sequence at `at` on a track as a timeline to edit (sharing its tracks).

    It carries the parent's settings (rate, size): its clips are cut at the
    parent's rate. Inner tracks without a name are named (V1, A1, ...) so
    they can be told apart, which the parent file keeps.
    """
    rate = settings(timeline).rate
    stack = _compound(timeline, track_name, to_frames(at, rate)).item
    counts = {VIDEO: 0, AUDIO: 0}
    taken = {t.name for t in stack if isinstance(t, Track)}
    for inner in stack:
        if not isinstance(inner, Track) or inner.kind not in counts:
            continue
        counts[inner.kind] += 1
        if not inner.name:
            name = f"{'V' if inner.kind == VIDEO else 'A'}{counts[inner.kind]}"
            while name in taken:
                name += "'"
            inner.name = name
            taken.add(name)
    view = otio.schema.Timeline(name=stack.name or "Nested Sequence")
    view.tracks = stack
    view.metadata["shotline"] = dict(timeline.metadata.get("shotline", {}))
    return view


def is_attached(view: Timeline) -> bool:
    """Whether an opened nested sequence is still in its parent (an undo can replace it by a copy)."""
    return view.tracks.parent() is not None


def _contents(inner: Track, start: int, length: int, rate: float) -> list[otio.core.Item]:
    """The inner track's items over its frames [start, start + length), padded to `length`."""
    copy = inner.clone()
    end = trackedit.track_end(copy, rate)
    if end > start + length:
        trackedit.remove(copy, start + length, end, rate)
    if start > 0:
        trackedit.remove(copy, 0, min(start, trackedit.track_end(copy, rate)), rate)
    shown = trackedit.track_end(copy, rate)
    if shown < length:
        copy.append(trackedit.make_gap(length - shown, rate))
    items = list(copy)
    copy.clear()
    return items


def flatten(timeline: Timeline, track_name: str, at: RationalTime) -> ChangeGroup:
    """Replace the nested sequence at `at` by its tracks' contents, as one undo step."""
    rate = settings(timeline).rate
    outer = track(timeline, track_name)
    slot = _compound(timeline, track_name, to_frames(at, rate))
    stack = slot.item
    source_start, length = trackedit.source_frames(stack, rate)
    inner_tracks = [t for t in stack if isinstance(t, Track) and t.kind == outer.kind and t.enabled] or [
        Track(kind=outer.kind)
    ]
    group = ChangeGroup(f"Flatten {stack.name or 'Nested Sequence'}")
    try:
        same_kind = _same_kind(timeline, outer)
        start = same_kind.index(outer)
        # video stacks upwards from the compound's track, sound downwards: as the tracks are drawn
        while len(same_kind) < start + len(inner_tracks):
            group.changes.append(tracks.add_track(timeline, outer.kind))
            same_kind = _same_kind(timeline, outer)
        targets = same_kind[start : start + len(inner_tracks)]
        with mutation(timeline, "Flatten", targets) as change:
            lo, hi = slot.start, slot.end
            for inner, target in zip(inner_tracks, targets, strict=True):
                items = _contents(inner, source_start, length, rate)
                end = trackedit.track_end(target, rate)
                if lo < end:
                    trackedit.remove(target, lo, min(hi, end), rate)
                trackedit.place(target, lo, items, rate)
                trackedit.normalize(target, rate)
            change.result = [t.name for t in targets]
        group.changes.append(change)
    except BaseException:
        group.undo()
        raise
    return group


def _same_kind(timeline: Timeline, outer: Track) -> list[Track]:
    return [t for t in timeline.tracks if isinstance(t, Track) and t.kind == outer.kind]


def move(
    timeline: Timeline, track_name: str, at: RationalTime, to: RationalTime, to_track: str | None = None
):
    """Move the nested sequence at `at` to start at `to` (on `to_track`, of the same kind),
    overwriting what it lands on, as a clip moves."""
    rate = settings(timeline).rate
    source = track(timeline, track_name)
    slot = _compound(timeline, track_name, to_frames(at, rate))
    destination = track(timeline, to_track) if to_track else source
    if destination.kind != source.kind:
        raise EditError(f"{slot.item.name or 'The nested sequence'} cannot move to {destination.name}")
    start = to_frames(to, rate)
    if start < 0:
        raise EditError("A nested sequence cannot start before the timeline")
    with mutation(timeline, "Move Nested Sequence", [source, destination]) as change:
        (taken,) = [i for i in trackedit.clear(source, slot.start, slot.end, rate) if i is slot.item]
        end = start + slot.duration
        trackedit.remove(destination, start, min(end, trackedit.track_end(destination, rate)), rate)
        trackedit.place(destination, start, [taken], rate)
        for t in {id(source): source, id(destination): destination}.values():
            trackedit.normalize(t, rate)
        change.result = (destination.name, start)
    return change


def lift(timeline: Timeline, track_name: str, at: RationalTime, ripple: bool = False):
    """Take the nested sequence at `at` out, leaving a gap (or closing it with `ripple`)."""
    rate = settings(timeline).rate
    outer = track(timeline, track_name)
    slot = _compound(timeline, track_name, to_frames(at, rate))
    name = slot.item.name or "Nested Sequence"
    with mutation(timeline, f"{'Ripple Delete' if ripple else 'Delete'} {name}", [outer]) as change:
        (trackedit.remove if ripple else trackedit.clear)(outer, slot.start, slot.end, rate)
        trackedit.normalize(outer, rate)
        change.result = name
    return change
