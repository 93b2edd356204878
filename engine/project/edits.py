"""Placing, removing and cutting clips: append, insert, overwrite, lift, ripple delete, slice, move.

Names follow OpenTimelineIO's edit algorithms. Each function validates first,
runs inside `mutation` (so a failure changes nothing) and returns the
`Change`. Linked audio/video partners follow the clip they belong to: deleting,
blading or moving the picture of an interview does the same to its sound.
Trimming lives in `trims`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import opentimelineio as otio

from engine.errors import EditError
from engine.project import links, synclock, trackedit
from engine.project.change import Change, is_locked, mutation
from engine.project.clips import clip_kind
from engine.project.document import Clip, Timeline, Track, clip_id, find_clip, new_id, settings, shotline_meta
from engine.project.document import track as track_named
from engine.project.document import tracks as all_tracks
from engine.project.times import RationalTime, timecode, to_frames

#: track name -> the clip to put on it (a linked pair is two entries).
Placements = Mapping[str, Clip]


def _frame(at: RationalTime, rate: float) -> int:
    frame = to_frames(at, rate)
    if frame < 0:
        raise EditError("That time is before the start of the timeline")
    return frame


def _placements(timeline: Timeline, placements: Placements) -> list[tuple[Track, Clip]]:
    if not placements:
        raise EditError("Nothing to place")
    rate = settings(timeline).rate
    out = []
    for name, clip in placements.items():
        target = track_named(timeline, name)
        if clip_kind(clip) != target.kind:
            kind = "an audio" if clip_kind(clip) == otio.schema.TrackKind.Audio else "a video"
            raise EditError(f"{clip.name or 'This clip'} is {kind} clip and cannot go on track {target.name}")
        if clip.parent() is not None:
            raise EditError(f"{clip.name or 'This clip'} is already on the timeline")
        if trackedit.duration_frames(clip, rate) <= 0:
            raise EditError(f"{clip.name or 'This clip'} has no duration")
        clip_id(clip)
        out.append((target, clip))
    return out


def _placed(
    timeline: Timeline,
    description: str,
    pairs: list[tuple[Track, Clip]],
    frame: int,
    ripple: bool,
    sync: bool = False,
):
    """Place the clips at `frame`; with `sync`, sync-locked tracks make room by the longest clip's length."""
    rate = settings(timeline).rate
    following = synclock.followers(timeline, [t for t, _ in pairs]) if sync else []
    with mutation(timeline, description, [*(t for t, _ in pairs), *following]) as change:
        for target, clip in pairs:
            if not ripple:
                end = frame + trackedit.duration_frames(clip, rate)
                trackedit.remove(target, frame, min(end, trackedit.track_end(target, rate)), rate)
            trackedit.place(target, frame, [clip], rate)
            trackedit.normalize(target, rate)
        length = max(trackedit.duration_frames(c, rate) for _, c in pairs)
        synclock.insert_space(following, frame, length, rate)
        change.result = [clip_id(c) for _, c in pairs]
    return change


def append(timeline: Timeline, placements: Placements) -> Change:
    """Put clips after the end of their tracks, all at the same frame so a linked pair stays in sync."""
    rate = settings(timeline).rate
    pairs = _placements(timeline, placements)
    frame = max(trackedit.track_end(t, rate) for t, _ in pairs)
    return _placed(timeline, "Append", pairs, frame, ripple=True)


def insert(timeline: Timeline, at: RationalTime, placements: Placements) -> Change:
    """Insert at `at`, pushing what follows on those tracks later (a clip under `at` is split);
    every other sync-locked track gets the same room at `at` (see `synclock`)."""
    rate = settings(timeline).rate
    pairs = _placements(timeline, placements)
    return _placed(timeline, "Insert", pairs, _frame(at, rate), ripple=True, sync=True)


def overwrite(timeline: Timeline, at: RationalTime, placements: Placements) -> Change:
    """Put clips at `at`, replacing whatever lies under them; nothing else moves.

    Clips partly covered keep their uncovered parts. Their linked partners on
    other tracks are not touched: only what the new clip covers is replaced.
    """
    rate = settings(timeline).rate
    pairs = _placements(timeline, placements)
    return _placed(timeline, "Overwrite", pairs, _frame(at, rate), ripple=False)


def _group(timeline: Timeline, clip_ids: Iterable[str]) -> list[tuple[Track, Clip]]:
    """The clips with these ids and all their linked partners, each once."""
    seen: dict[int, tuple[Track, Clip]] = {}
    ids = list(clip_ids)
    if not ids:
        raise EditError("No clips selected")
    for ident in ids:
        for t, c in links.with_partners(timeline, ident):
            seen.setdefault(id(c), (t, c))
    return list(seen.values())


def _take_out(timeline: Timeline, clip_ids: Iterable[str], ripple: bool, description: str) -> Change:
    rate = settings(timeline).rate
    group = _group(timeline, clip_ids)
    ranges: dict[int, tuple[Track, list[tuple[int, int]]]] = {}
    for t, c in group:
        slot = trackedit.slot_of(t, c, rate)
        ranges.setdefault(id(t), (t, []))[1].append((slot.start, slot.end))
    edited = [t for t, _ in ranges.values()]
    following = synclock.followers(timeline, edited) if ripple else []
    with mutation(timeline, description, [*edited, *following]) as change:
        for t, spans in ranges.values():
            for start, end in sorted(spans, reverse=True):
                if ripple:
                    trackedit.remove(t, start, end, rate)
                else:
                    trackedit.clear(t, start, end, rate)
            trackedit.normalize(t, rate)
        synclock.remove_spans(following, [span for _, spans in ranges.values() for span in spans], rate)
        change.result = [clip_id(c) for _, c in group]
    return change


def lift(timeline: Timeline, clip_ids: Iterable[str]) -> Change:
    """Remove clips (and their partners), leaving gaps where they were."""
    return _take_out(timeline, clip_ids, ripple=False, description="Lift")


def ripple_delete(timeline: Timeline, clip_ids: Iterable[str]) -> Change:
    """Remove clips (and their partners) and close the gaps on their tracks; sync-locked tracks
    lose the same spans, so what follows stays in sync (see `synclock`)."""
    return _take_out(timeline, clip_ids, ripple=True, description="Ripple Delete")


def slice(
    timeline: Timeline, at: RationalTime, track_names: Iterable[str] | None = None, partners: bool = True
) -> Change:
    """Blade: cut every clip crossing `at` on the given tracks (default: every unlocked track).

    A cut clip's linked partner is cut at the same time, and the two new
    right-hand pieces are linked to each other, so each half of an interview
    keeps its own sound. Nothing to cut is not an error: the change is empty.
    With ``partners=False`` (Add Edit on targeted tracks) only the named
    tracks are cut: a partner on an untargeted track stays whole.
    """
    rate = settings(timeline).rate
    frame = _frame(at, rate)
    if track_names is None:
        targets = [t for t in all_tracks(timeline) if not is_locked(t)]
    else:
        targets = [track_named(timeline, name) for name in track_names]
    cut: list[tuple[Track, Clip]] = []
    seen: set[int] = set()
    for t in targets:
        slot = trackedit.slot_at(t, frame, rate)
        if slot is None or slot.start == frame or not isinstance(slot.item, otio.schema.Clip):
            continue
        for member_track, member in [(t, slot.item), *links.partners(timeline, slot.item)]:
            outside = not any(member_track is t for t in targets)
            if id(member) in seen or (outside and (not partners or is_locked(member_track))):
                continue
            member_slot = trackedit.slot_of(member_track, member, rate)
            if member_slot.start < frame < member_slot.end:
                seen.add(id(member))
                cut.append((member_track, member))
    touched = {id(t): t for t in targets}
    touched.update({id(t): t for t, _ in cut})
    with mutation(timeline, f"Blade at {timecode(frame, rate)}", list(touched.values())) as change:
        new_links: dict[str, str] = {}
        made = []
        for t, member in cut:
            _, right = trackedit.split(t, frame, rate)
            assert isinstance(right, Clip)
            old = links.link_id(member)
            if old is not None:
                shotline_meta(right)["link"] = new_links.setdefault(old, new_id())
            made.append(clip_id(right))
        for t in touched.values():
            trackedit.normalize(t, rate)
        change.result = made
    return change


def move(timeline: Timeline, ident: str, to: RationalTime, to_track: str | None = None) -> Change:
    """Move a clip to another time and/or track, overwriting what it lands on.

    Linked partners move by the same amount on their own tracks. The clips are
    lifted first, so a clip may land on (part of) its own old place.
    """
    rate = settings(timeline).rate
    frame = _frame(at=to, rate=rate)
    source_track, clip = find_clip(timeline, ident)
    destination = track_named(timeline, to_track) if to_track else source_track
    if destination.kind != source_track.kind:
        raise EditError(
            f"{clip.name or 'This clip'} cannot move to {destination.name}: it is another kind of track"
        )
    delta = frame - trackedit.slot_of(source_track, clip, rate).start
    moves = []
    for t, member in links.with_partners(timeline, ident):
        slot = trackedit.slot_of(t, member, rate)
        target = destination if member is clip else t
        if slot.start + delta < 0:
            raise EditError(f"{member.name or 'A linked clip'} would start before the timeline")
        moves.append((t, member, slot.start, slot.end, target))
    touched = {id(t): t for t, *_ in moves}
    touched.update({id(m[4]): m[4] for m in moves})
    with mutation(timeline, "Move", list(touched.values())) as change:
        lifted = []
        for t, _member, start, end, target in moves:
            (taken,) = [i for i in trackedit.clear(t, start, end, rate) if isinstance(i, Clip)]
            lifted.append((taken, start + delta, end + delta, target))
        for taken, start, end, target in lifted:
            trackedit.remove(target, start, min(end, trackedit.track_end(target, rate)), rate)
            trackedit.place(target, start, [taken], rate)
        for t in touched.values():
            trackedit.normalize(t, rate)
        change.result = [clip_id(c) for c, *_ in lifted]
    return change
