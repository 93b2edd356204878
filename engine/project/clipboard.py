"""Cut, copy and paste of timeline clips, with the clipboard held as OTIO JSON text.

What is copied is a small OTIO timeline of its own: one track per track the
clips came from, starting at the earliest copied clip, with the space between
clips kept as gaps and a transition kept when both of its clips were copied.
Linked partners always travel with a copied clip, so a clip's picture never
loses its sound. Being plain OTIO JSON, the copy survives in the system
clipboard, pastes into another open project, and opens in other OTIO tools.

Pasting puts the copy at a frame: the lowest copied track of each kind lands
on the anchor track given for that kind (the editor passes the lowest targeted
track, as Premiere's paste does: V1 is lowest for picture, A1 for sound), the
other tracks keep their distance above it, and tracks that do not exist yet
are made. Overwrite replaces only what the pasted clips cover (the gaps of the
copy leave the timeline alone); insert first opens the copy's whole length on
every track it lands on, so those tracks stay in sync. Every pasted clip gets a
fresh id, every link group a fresh link id, so pasting twice gives two
independent copies. A paste is one `Change` (one undo step), tracks included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import opentimelineio as otio

from engine.errors import EditError, ProjectFileError, TrackLockedError
from engine.project import edits, links, take_sound, trackedit
from engine.project.change import Change, ChangeGroup, is_locked, mutation
from engine.project.document import (
    AUDIO,
    VIDEO,
    Clip,
    Gap,
    Timeline,
    Track,
    clip_id,
    new_id,
    settings,
    shotline_meta,
    tracks,
)
from engine.project.document import track as track_named
from engine.project.persistence import read_timeline
from engine.project.times import RationalTime, rate_float, rate_fraction, timecode, to_frames
from engine.project.tracks import add_track

#: Marks the OTIO text as a Shotline clipboard (and its layout version).
FORMAT = "shotline-clips/1"
#: More tracks apart than any copy spans; a paste makes the tracks it needs, so this bounds them.
MAX_OFFSET = 100


@dataclass(frozen=True)
class PasteResult:
    """What a paste made: for selecting the new clips and moving the playhead past them."""

    clip_ids: list[str]
    start: int
    end: int  # the frame after the pasted material
    tracks: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClipboardTrack:
    kind: str
    offset: int  # tracks above the lowest copied track of this kind (0: the lowest)
    track: Track  # items from the copy's frame 0: gaps, clips and transitions


class Clipboard:
    """Copied clips, detached from any timeline; paste as often as wanted."""

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self.rate = settings(timeline).rate

    @property
    def tracks(self) -> list[ClipboardTrack]:
        out = []
        for t in tracks(self._timeline):
            offset = t.metadata.get("shotline", {}).get("offset", 0)
            if isinstance(offset, bool) or not isinstance(offset, int):
                offset = -1  # refused by from_json
            out.append(ClipboardTrack(t.kind, offset, t))
        return out

    @property
    def duration(self) -> int:
        """Frames from the first copied clip's start to the last one's end."""
        return trackedit.timeline_end(self._timeline, self.rate)

    def clip_count(self) -> int:
        return sum(1 for t in tracks(self._timeline) for i in t if isinstance(i, Clip))

    def summary(self) -> str:
        """A line for plain-text clipboards and the status bar."""
        count = self.clip_count()
        names = ", ".join(t.name for t in tracks(self._timeline))
        return f"{count} clip{'s' if count != 1 else ''} ({timecode(self.duration, self.rate)}) from {names}"

    def to_json(self) -> str:
        return otio.adapters.write_to_string(self._timeline, "otio_json")

    @classmethod
    def from_json(cls, text: str) -> Clipboard:
        """Read a copy back; anything that is not a Shotline copy is refused in words."""
        problem = EditError("The clipboard does not hold clips copied from Shotline")
        try:  # the checks a project gets: pasted text is as untrusted as an opened file
            timeline = read_timeline(text, "The clipboard")
        except ProjectFileError as error:
            raise problem from error
        if (
            not isinstance(timeline, Timeline)
            or timeline.metadata.get("shotline", {}).get("clipboard") != FORMAT
        ):
            raise problem
        board = cls(timeline)
        slots = [(copied.kind, copied.offset) for copied in board.tracks]
        if len(set(slots)) != len(slots):
            raise problem
        for copied in board.tracks:
            if copied.kind not in (VIDEO, AUDIO) or not 0 <= copied.offset < MAX_OFFSET:
                raise problem
            for item in copied.track:
                if not isinstance(item, Clip | Gap | otio.schema.Transition):
                    raise problem
                if (
                    not isinstance(item, otio.schema.Transition)
                    and trackedit.duration_frames(item, board.rate) <= 0
                ):
                    raise problem
        if board.clip_count() == 0:
            raise problem
        return board


# copy ---------------------------------------------------------------------------------------


def _copied(timeline: Timeline, clip_ids: Iterable[str]) -> list[tuple[Track, Clip]]:
    ids = list(clip_ids)
    if not ids:
        raise EditError("Select clips to copy")
    seen: dict[int, tuple[Track, Clip]] = {}
    for ident in ids:
        for t, c in links.with_partners(timeline, ident):
            seen.setdefault(id(c), (t, c))
    return list(seen.values())


def _index(timeline: Timeline, track: Track) -> int:
    """The track's position among the tracks of its kind (0: V1 / A1), found by identity."""
    return next(i for i, t in enumerate(tracks(timeline, track.kind)) if t is track)


def copy(timeline: Timeline, clip_ids: Iterable[str]) -> Clipboard:
    """The clips with these ids and their linked partners, as a clipboard; the timeline is untouched."""
    rate = settings(timeline).rate
    chosen = _copied(timeline, clip_ids)
    by_track: dict[int, tuple[Track, list[trackedit.Slot]]] = {}
    for t, c in chosen:
        by_track.setdefault(id(t), (t, []))[1].append(trackedit.slot_of(t, c, rate))
    origin = min(slot.start for _, slots in by_track.values() for slot in slots)
    exact = rate_fraction(rate)
    board = Timeline(name="Shotline clipboard")
    board.global_start_time = RationalTime(0, rate)
    board.metadata["shotline"] = {
        "clipboard": FORMAT,
        "rate": f"{exact.numerator}/{exact.denominator}",
        "width": settings(timeline).width,
        "height": settings(timeline).height,
    }
    lowest = {
        kind: min(_index(timeline, t) for t, _ in by_track.values() if t.kind == kind)
        for kind in {t.kind for t, _ in by_track.values()}
    }
    # stack order (bottom first) so the copy reads like the timeline it came from
    for source in [t for t in tracks(timeline) if id(t) in by_track]:
        slots = sorted(by_track[id(source)][1], key=lambda s: s.start)
        copied = Track(name=source.name, kind=source.kind)
        copied.metadata["shotline"] = {"offset": _index(timeline, source) - lowest[source.kind]}
        pos, previous = origin, None
        for slot in slots:
            if slot.start > pos:
                copied.append(trackedit.make_gap(slot.start - pos, rate))
            elif previous is not None and slot.index == previous.index + 2:
                between = source[previous.index + 1]
                if isinstance(between, otio.schema.Transition):
                    copied.append(between.clone())
            copied.append(slot.item.clone())
            pos, previous = slot.end, slot
        board.tracks.append(copied)
    return Clipboard(board)


def cut(timeline: Timeline, clip_ids: Iterable[str]) -> Change:
    """Copy, then lift the clips (and partners) leaving gaps, as Premiere's Cut does.

    One undo step named Cut; its `result` is the `Clipboard` to hold (undo
    brings the clips back but, as in every editor, leaves the clipboard alone).
    """
    ids = list(clip_ids)
    board = copy(timeline, ids)
    change = edits.lift(timeline, ids)
    change.description = "Cut"
    change.result = board
    return change


# paste --------------------------------------------------------------------------------------


def _destinations(
    timeline: Timeline, board: Clipboard, anchors: Mapping[str, str] | None
) -> tuple[list[tuple[ClipboardTrack, int]], dict[str, int]]:
    """(copied track, index among its kind's tracks) for each copied track, and tracks to add per kind."""
    out = []
    missing: dict[str, int] = {}
    for copied in board.tracks:
        kind_tracks = tracks(timeline, copied.kind)
        name = (anchors or {}).get(copied.kind)
        if name is not None:
            anchor = track_named(timeline, name)
            if anchor.kind != copied.kind:
                raise EditError(f"{name} is not a {'video' if copied.kind == VIDEO else 'audio'} track")
            base = _index(timeline, anchor)
        else:
            base = 0
        index = base + copied.offset
        if index >= len(kind_tracks):
            missing[copied.kind] = max(missing.get(copied.kind, 0), index + 1 - len(kind_tracks))
        elif is_locked(kind_tracks[index]):
            raise TrackLockedError(f"Track {kind_tracks[index].name} is locked; unlock it to paste there")
        out.append((copied, index))
    return out, missing


def _fresh(
    items: list[otio.core.Item], new_links: dict[str, str], new_ids: dict[str, str] | None = None
) -> list[otio.core.Item]:
    """Clones with new clip ids, new marker ids and new link ids (shared within this paste);
    `new_ids` collects old clip id -> new."""
    out = []
    for item in items:
        copy_ = item.clone()
        if isinstance(copy_, Clip):
            meta = shotline_meta(copy_)
            fresh_id = new_id()
            if new_ids is not None and meta.get("id"):
                new_ids[str(meta["id"])] = fresh_id
            meta["id"] = fresh_id
            old = links.link_id(copy_)
            if old is not None:
                meta["link"] = new_links.setdefault(old, new_id())
            for marker in copy_.markers:
                if "id" in marker.metadata.get("shotline", {}):
                    shotline_meta(marker)["id"] = new_id()
        out.append(copy_)
    return out


def _runs(track: Track, rate: float) -> list[tuple[int, int, list[otio.core.Item]]]:
    """(start, end, items) of each stretch of clips without a gap (transitions inside kept)."""
    runs: list[tuple[int, int, list[otio.core.Item]]] = []
    pos = 0
    current: list[otio.core.Item] = []
    start = 0
    for item in track:
        if isinstance(item, Gap):
            if current:
                runs.append((start, pos, current))
                current = []
            pos += trackedit.duration_frames(item, rate)
            continue
        if not current:
            start = pos
        current.append(item)
        if not isinstance(item, otio.schema.Transition):
            pos += trackedit.duration_frames(item, rate)
    if current:
        runs.append((start, pos, current))
    return runs


def paste(
    timeline: Timeline,
    board: Clipboard,
    at: RationalTime,
    anchors: Mapping[str, str] | None = None,
    insert: bool = False,
) -> Change | ChangeGroup:
    """Paste the clipboard at `at` (overwrite, or with `insert` push later clips on those tracks).

    `anchors` maps a track kind to the track its lowest copied track lands on
    (default: V1 / A1). Missing tracks above are added in the same undo step.
    """
    rate = settings(timeline).rate
    if rate_fraction(board.rate) != rate_fraction(rate):
        raise EditError(
            f"These clips were copied from a {rate_float(board.rate):g} fps sequence; "
            f"this one runs at {rate:g} fps"
        )
    frame = to_frames(at, rate)
    if frame < 0:
        raise EditError("That time is before the start of the timeline")
    placed, missing = _destinations(timeline, board, anchors)
    description = "Paste Insert" if insert else "Paste"
    added: list[Change] = []
    try:
        for kind, count in missing.items():
            for _ in range(count):
                added.append(add_track(timeline, kind))
        targets = [(copied, tracks(timeline, copied.kind)[index]) for copied, index in placed]
        change = _paste_onto(timeline, targets, frame, board, insert, description)
    except BaseException:
        for done in reversed(added):
            done.undo()
        raise
    return ChangeGroup(description, [*added, change]) if added else change


def _paste_onto(
    timeline: Timeline,
    targets: list[tuple[ClipboardTrack, Track]],
    frame: int,
    board: Clipboard,
    insert: bool,
    description: str,
) -> Change:
    rate = settings(timeline).rate
    span = board.duration
    new_links: dict[str, str] = {}
    new_ids: dict[str, str] = {}
    made: list[str] = []
    with mutation(timeline, description, [t for _, t in targets]) as change:
        for copied, target in targets:
            if insert:
                trackedit.place(target, frame, [trackedit.make_gap(span, rate)], rate)
            for start, end, items in _runs(copied.track, rate):
                begin = frame + start
                trackedit.remove(target, begin, min(frame + end, trackedit.track_end(target, rate)), rate)
                fresh = _fresh(items, new_links, new_ids)
                trackedit.place(target, begin, fresh, rate)
                made.extend(clip_id(c) for c in fresh if isinstance(c, Clip))
            trackedit.normalize(target, rate)
        take_sound.renumber(timeline, made, new_ids)  # a pasted take sound follows the pasted picture
        change.result = PasteResult(made, frame, frame + span, [t.name for _, t in targets])
    return change


def lowest_targeted(timeline: Timeline, targeted: Iterable[str]) -> dict[str, str]:
    """Kind -> the lowest-numbered targeted track of that kind (V1 side for picture, A1 for sound)."""
    wanted = set(targeted)
    out = {}
    for kind in (VIDEO, AUDIO):
        found = [t.name for t in tracks(timeline, kind) if t.name in wanted]
        if found:
            out[kind] = found[0]
    return out
