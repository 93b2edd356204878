"""What the timeline shows, worked out once per change of the document, not once per paint.

Painting and hit-testing read these plain records instead of walking the
OTIO tree: a repaint of a 500-clip timeline only looks at the clips on
screen (found by bisection), and nothing here is recomputed until the
session says the document changed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import opentimelineio as otio

from editor.timeline import keyframe_marks
from editor.timeline.geometry import AUDIO_ROW, VIDEO_ROW
from engine.errors import EditError
from engine.project import cast, document, effects, links, timewarp, titles, trackedit
from engine.project.document import AUDIO, VIDEO
from engine.project.mediapaths import path_from_url
from engine.project.placeholders import is_placeholder
from engine.project.tracks import TrackFlags, track_flags


@dataclass(frozen=True)
class ClipBox:
    ident: str
    track: str
    kind: str
    start: int
    end: int
    name: str
    take: str  # "take 2/3" or ""
    generated: str  # the badge: "" for footage, "AI" for a model's take, "ANIMATIC" for a storyboard panel
    path: str | None  # the local file the active take plays
    media_start: int  # first frame shown, counted from the file's first frame
    offline: bool
    link: str | None
    fades: tuple[int, int] = (0, 0)
    gain_db: float = 0.0
    speed: str = ""  # "200%", "-100%" (reversed), "Freeze"; "" at normal speed
    time_scalar: float = 1.0  # source frames per timeline frame (negative reversed, 0 frozen)
    placeholder: bool = False  # a screenplay's shot waiting for its first take (not offline media)
    stale: bool = False  # its take no longer shows the Cast as it is (cast.stale_clips)
    transform_keys: tuple[int, ...] = ()  # frames from the clip's start of its transform keyframes
    ramp_keys: tuple[int, ...] = ()  # ... and of its speed-ramp keyframes


@dataclass(frozen=True)
class CompoundBox:
    """A nested sequence (a Stack inside a track, as Premiere's XML and AAF bring them): drawn as one
    block with its name and a lane per inner track, since its pieces are not this track's clips."""

    start: int
    end: int
    name: str
    clips: int  # how many clips it holds, nested ones included
    lanes: tuple[tuple[tuple[int, int], ...], ...]  # per inner track, top first: spans in frames from start


@dataclass(frozen=True)
class TransitionBox:
    cut: int
    before: int  # frames before the cut
    after: int


@dataclass
class Row:
    """One track as drawn: its place in the column of rows and what lies on it."""

    track: str
    kind: str
    top: int  # in content coordinates (0 = just under the ruler, before vertical scroll)
    height: int
    flags: TrackFlags
    boxes: list[ClipBox] = field(default_factory=list)
    cuts: list[int] = field(default_factory=list)  # frames where two items meet, and the track's ends
    transitions: list[TransitionBox] = field(default_factory=list)
    compounds: list[CompoundBox] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.track

    def visible(self, first: int, last: int) -> list[ClipBox]:
        """Clips overlapping frames [first, last): bisection, so cost follows what is on screen."""
        i = bisect.bisect_right(self._ends, first)
        out = []
        while i < len(self.boxes) and self.boxes[i].start < last:
            out.append(self.boxes[i])
            i += 1
        return out

    def box_at(self, frame: int) -> ClipBox | None:
        found = self.visible(frame, frame + 1)
        return found[0] if found else None


@dataclass(frozen=True)
class MarkerMark:
    frame: int
    name: str
    color: str
    note: str = ""


class TimelineLayout:
    """Rows top to bottom as every NLE stacks them: V-top … V1, then A1 … A-bottom."""

    def __init__(self, rows: list[Row], marks: list[MarkerMark], end: int) -> None:
        self.rows = rows
        self.markers = marks
        self.end = end
        self._by_id = {box.ident: (row, box) for row in rows for box in row.boxes}

    @classmethod
    def empty(cls) -> TimelineLayout:
        return cls([], [], 0)

    @classmethod
    def build(cls, timeline: otio.schema.Timeline, exists: Callable[[str], bool]) -> TimelineLayout:
        rate = document.settings(timeline).rate
        ordered = [*reversed(document.tracks(timeline, VIDEO)), *document.tracks(timeline, AUDIO)]
        rows, top = [], 0
        # timeline markers, then clip markers mapped through their clips as each row is laid out
        # (markers.all_markers does the same but lays a track out again for every clip)
        marks = [
            MarkerMark(
                round(m.marked_range.start_time.value_rescaled_to(rate)), m.name, str(m.color), _note(m)
            )
            for m in timeline.tracks.markers
        ]
        for track in ordered:
            height = VIDEO_ROW if track.kind == VIDEO else AUDIO_ROW
            rows.append(_row(track, top, height, rate, exists, marks))
            top += height
        marks = sorted((m for m in marks if m.frame >= 0), key=lambda m: m.frame)
        stale = {s.clip_id for s in cast.stale_clips(timeline)}
        for row in rows if stale else ():
            row.boxes = [replace(b, stale=True) if b.ident in stale else b for b in row.boxes]
        end = max((row.cuts[-1] for row in rows if row.cuts), default=0)
        return cls(rows, marks, end)

    @property
    def height(self) -> int:
        return self.rows[-1].top + self.rows[-1].height if self.rows else 0

    def row(self, track: str) -> Row | None:
        return next((r for r in self.rows if r.track == track), None)

    def row_at(self, content_y: float) -> Row | None:
        return next((r for r in self.rows if r.top <= content_y < r.top + r.height), None)

    def find(self, ident: str) -> tuple[Row, ClipBox] | None:
        return self._by_id.get(ident)

    def partners(self, box: ClipBox) -> list[ClipBox]:
        """The clips linked to `box` (not `box` itself)."""
        if box.link is None:
            return []
        return [b for _, b in self._by_id.values() if b.link == box.link and b.ident != box.ident]

    def cut_frames(self) -> list[int]:
        return sorted({c for row in self.rows for c in row.cuts})


def _row(
    track: otio.schema.Track,
    top: int,
    height: int,
    rate: float,
    exists: Callable[[str], bool],
    marks: list[MarkerMark],
) -> Row:
    row = Row(track.name, track.kind, top, height, track_flags(track))
    slots = trackedit.layout(track, rate)
    previous_end = None
    for slot in slots:
        if isinstance(slot.item, otio.schema.Clip):
            row.boxes.append(_box(slot.item, track, slot.start, slot.end, rate, exists))
            if slot.item.markers:
                source_start, _ = trackedit.source_frames(slot.item, rate)
                for m in slot.item.markers:
                    at = round(m.marked_range.start_time.value_rescaled_to(rate))
                    marks.append(MarkerMark(slot.start + at - source_start, m.name, str(m.color), _note(m)))
            row.cuts.extend(c for c in (slot.start, slot.end) if c != previous_end)
            previous_end = slot.end
        elif isinstance(slot.item, otio.schema.Stack):
            row.compounds.append(_compound(slot.item, slot.start, slot.end, rate))
            row.cuts.extend(c for c in (slot.start, slot.end) if c != previous_end)
            previous_end = slot.end
    row.cuts = sorted(set(row.cuts))
    row._ends = [b.end for b in row.boxes]
    index_start = {slot.index: slot.start for slot in slots}
    for index, item in enumerate(track):
        if isinstance(item, otio.schema.Transition) and index + 1 in index_start:
            row.transitions.append(
                TransitionBox(
                    index_start[index + 1],
                    round(item.in_offset.value_rescaled_to(rate)),
                    round(item.out_offset.value_rescaled_to(rate)),
                )
            )
    return row


def _compound(stack: otio.schema.Stack, start: int, end: int, rate: float) -> CompoundBox:
    """The block for a nested sequence: what of each inner track shows through its range."""
    offset = round(stack.trimmed_range().start_time.value_rescaled_to(rate))
    length = end - start
    lanes = []
    for inner in reversed([t for t in stack if isinstance(t, otio.schema.Track)]):
        spans = []
        try:
            slots = trackedit.layout(inner, rate)
        except EditError:  # a lane that does not lay out in whole frames is drawn empty, not fatal
            slots = []
        for slot in slots:
            if isinstance(slot.item, otio.schema.Gap):
                continue
            lo, hi = max(0, slot.start - offset), min(length, slot.end - offset)
            if lo < hi:
                spans.append((lo, hi))
        lanes.append(tuple(spans))
    name = stack.name or "Nested sequence"
    return CompoundBox(start, end, name, sum(1 for _ in stack.find_clips()), tuple(lanes))


def _box(
    clip: otio.schema.Clip, track: otio.schema.Track, start: int, end: int, rate: float, exists
) -> ClipBox:
    refs = clip.media_references()
    take = ""
    if len(refs) > 1:
        keys = list(refs)
        take = f"take {keys.index(clip.active_media_reference_key) + 1}/{len(keys)}"
    ref = clip.media_reference
    url = getattr(ref, "target_url", None)
    local = path_from_url(url) if url else None
    path = str(local) if local is not None else None
    source_start, _ = trackedit.source_frames(clip, rate)
    limits = trackedit.media_limits(clip, rate)
    media_start = source_start - (limits[0] if limits else 0)
    return ClipBox(
        ident=document.clip_id(clip),
        track=track.name,
        kind=track.kind,
        start=start,
        end=end,
        name=clip.name or "clip",
        take=take,
        generated="TITLE" if titles.is_title(clip) else _badge(ref),
        path=path,
        media_start=media_start,
        offline=not titles.is_title(clip) and (path is None or not exists(path)),  # a title reads no file
        link=links.link_id(clip),
        fades=effects.fades(clip),
        gain_db=effects.gain_db(clip),
        speed=timewarp.label(clip) or "",
        time_scalar=float(timewarp.time_scalar(clip)),
        placeholder=is_placeholder(clip),
        transform_keys=keyframe_marks.transform_frames(clip),
        ramp_keys=keyframe_marks.ramp_frames(clip),
    )


def _badge(reference: otio.core.MediaReference | None) -> str:
    """What the clip's badge says: the animatic is named, so nobody takes a storyboard for a model's shot."""
    meta = reference.metadata.get("shotline", {}) if reference is not None else {}
    if not meta.get("generated"):
        return ""
    animatic = meta.get("backend") == "animatic" or bool(meta.get("animatic"))
    return "ANIMATIC" if animatic else "AI"


def _note(marker: otio.schema.Marker) -> str:
    return str(marker.metadata.get("shotline", {}).get("note", "") or "")
