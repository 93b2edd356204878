"""The tooltip of a marker on the timeline's ruler: its name, timecode and note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from editor.timeline.geometry import RULER_HEIGHT
from engine.project.times import timecode

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView

#: how near (pixels) the mouse must be to a marker's flag for its tooltip
REACH = 6


def tip_at(view: TimelineView, x: float, y: float) -> str | None:
    if y > RULER_HEIGHT:
        return None
    g = view.geometry_
    near = [m for m in view.layout.markers if abs(g.x_of(m.frame) - x) <= REACH]
    if not near:
        return None
    mark = min(near, key=lambda m: abs(g.x_of(m.frame) - x))
    lines = [f"{mark.name or 'Marker'} — {timecode(mark.frame, view.rate)} ({mark.color.lower()})"]
    if mark.note:
        lines.append(mark.note)
    return "\n".join(lines)
