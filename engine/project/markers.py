"""Markers on the timeline and on clips.

Timeline markers live on the stack of tracks (``timeline.tracks.markers``) at
timeline frames. Clip markers live on the clip in its *source* time, so they
stay on the same picture when the clip is moved or trimmed, as in Premiere.
Each marker has an id in ``metadata["shotline"]["id"]`` so it can be edited.
"""

from __future__ import annotations

from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, Track, find_clip, iter_clips, new_id, settings
from engine.project.times import RationalTime, to_frames, tr

COLORS = tuple(
    getattr(otio.schema.MarkerColor, name) for name in dir(otio.schema.MarkerColor) if name.isupper()
)


@dataclass(frozen=True)
class PlacedMarker:
    marker: otio.schema.Marker
    frame: int  # timeline frame
    clip: Clip | None
    track: Track | None


def _frame(at: RationalTime, rate: float) -> int:
    frame = to_frames(at, rate)
    if frame < 0:
        raise EditError("A marker cannot be before the start of the timeline")
    return frame


def _check_color(color: str) -> str:
    if color not in COLORS:
        raise EditError(f"{color!r} is not a marker colour ({', '.join(COLORS)})")
    return color


def _marker_id(marker: otio.schema.Marker) -> str:
    return str(marker.metadata.get("shotline", {}).get("id", ""))


def all_markers(timeline: Timeline) -> list[PlacedMarker]:
    """Every marker with its timeline frame (clip markers mapped through their clip), in time order."""
    rate = settings(timeline).rate
    placed = [
        PlacedMarker(m, round(m.marked_range.start_time.value_rescaled_to(rate)), None, None)
        for m in timeline.tracks.markers
    ]
    for track, clip in iter_clips(timeline):
        slot = trackedit.slot_of(track, clip, rate)
        start, _ = trackedit.source_frames(clip, rate)
        for m in clip.markers:
            at = round(m.marked_range.start_time.value_rescaled_to(rate))
            placed.append(PlacedMarker(m, slot.start + at - start, clip, track))
    return sorted(placed, key=lambda p: p.frame)


def marker_times(timeline: Timeline) -> list[int]:
    """Timeline frames of all markers that are on screen, for snapping."""
    return sorted({p.frame for p in all_markers(timeline) if p.frame >= 0})


def _find(timeline: Timeline, marker_id: str) -> PlacedMarker:
    for placed in all_markers(timeline):
        if _marker_id(placed.marker) == marker_id:
            return placed
    raise EditError(f"There is no marker with id {marker_id!r}")


def add_marker(
    timeline: Timeline,
    at: RationalTime,
    name: str = "",
    color: str = otio.schema.MarkerColor.RED,
    note: str = "",
    clip_id: str | None = None,
) -> Change:
    """Add a marker at timeline time `at`, on the timeline or (with `clip_id`) on that clip."""
    rate = settings(timeline).rate
    frame = _frame(at, rate)
    marker = otio.schema.Marker(name=name, color=_check_color(color))
    marker.metadata["shotline"] = {"id": new_id(), "note": note}
    if clip_id is None:
        marker.marked_range = tr(frame, 0, rate)
        with mutation(timeline, "Add Marker", stack=True) as change:
            timeline.tracks.markers.append(marker)
            change.result = _marker_id(marker)
        return change
    track, clip = find_clip(timeline, clip_id)
    slot = trackedit.slot_of(track, clip, rate)
    if not slot.start <= frame < slot.end:
        raise EditError(f"The marker time is outside {clip.name or 'the clip'}")
    start, _ = trackedit.source_frames(clip, rate)
    marker.marked_range = tr(start + frame - slot.start, 0, rate)
    with mutation(timeline, "Add Clip Marker", [track]) as change:
        clip.markers.append(marker)
        change.result = _marker_id(marker)
    return change


def _mutating(timeline: Timeline, placed: PlacedMarker, description: str):
    if placed.clip is None:
        return mutation(timeline, description, stack=True)
    return mutation(timeline, description, [placed.track])


def remove_marker(timeline: Timeline, marker_id: str) -> Change:
    placed = _find(timeline, marker_id)
    with _mutating(timeline, placed, "Remove Marker") as change:
        owner = timeline.tracks.markers if placed.clip is None else placed.clip.markers
        owner.remove(placed.marker)
        change.result = marker_id
    return change


def move_marker(timeline: Timeline, marker_id: str, to: RationalTime) -> Change:
    """Move a marker to timeline time `to` (a clip marker must stay inside its clip)."""
    rate = settings(timeline).rate
    frame = _frame(to, rate)
    placed = _find(timeline, marker_id)
    if placed.clip is None:
        new_range = tr(frame, 0, rate)
    else:
        slot = trackedit.slot_of(placed.track, placed.clip, rate)
        if not slot.start <= frame < slot.end:
            raise EditError(f"A clip marker must stay inside {placed.clip.name or 'its clip'}")
        start, _ = trackedit.source_frames(placed.clip, rate)
        new_range = tr(start + frame - slot.start, 0, rate)
    with _mutating(timeline, placed, "Move Marker") as change:
        placed.marker.marked_range = new_range
        change.result = frame
    return change


def rename_marker(
    timeline: Timeline, marker_id: str, name: str, note: str | None = None, color: str | None = None
) -> Change:
    placed = _find(timeline, marker_id)
    if color is not None:
        _check_color(color)
    with _mutating(timeline, placed, "Edit Marker") as change:
        placed.marker.name = name
        if color is not None:
            placed.marker.color = color
        if note is not None:
            meta = dict(placed.marker.metadata.get("shotline", {}))
            meta["note"] = note
            placed.marker.metadata["shotline"] = meta
        change.result = marker_id
    return change
