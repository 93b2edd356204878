"""Edit points of a timeline, for Up/Down: every start and end of a clip or gap on any track."""

from __future__ import annotations

import bisect

import opentimelineio as otio

from engine.project import document, trackedit


def edit_points(timeline: otio.schema.Timeline) -> list[int]:
    """Sorted frames where something starts or ends on some track (0 and the sequence end included)."""
    rate = document.settings(timeline).rate
    points = {0}
    for track in document.tracks(timeline):
        for slot in trackedit.layout(track, rate):
            points.update((slot.start, slot.end))
    return sorted(points)


def previous_cut(timeline: otio.schema.Timeline, frame: int) -> int:
    """The last edit point before `frame` (0 when there is none)."""
    points = edit_points(timeline)
    index = bisect.bisect_left(points, frame)
    return points[index - 1] if index > 0 else 0


def next_cut(timeline: otio.schema.Timeline, frame: int) -> int:
    """The first edit point after `frame` (`frame` itself past the last one)."""
    points = edit_points(timeline)
    index = bisect.bisect_right(points, frame)
    return points[index] if index < len(points) else frame
