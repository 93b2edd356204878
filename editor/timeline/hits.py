"""What lies under the mouse: the ruler, a header button, a clip's body or edge, a cut, or empty track.

Uses the same geometry and layout as painting, so what is clicked is what is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from editor.timeline import headers
from editor.timeline.geometry import EDGE_PIXELS, HEADER_WIDTH, RULER_HEIGHT, TimelineGeometry
from editor.timeline.layout import ClipBox, Row, TimelineLayout

RULER, HEADER, BODY, HEAD, TAIL, EMPTY, NOTHING = (
    "ruler",
    "header",
    "body",
    "head",
    "tail",
    "empty",
    "nothing",
)


@dataclass(frozen=True)
class Hit:
    area: str
    frame: int
    row: Row | None = None
    box: ClipBox | None = None
    button: str | None = None  # a header button's name (a track flag or headers.TARGET)


def row_top(row: Row, geometry: TimelineGeometry) -> float:
    """The row's top on screen."""
    return RULER_HEIGHT + row.top - geometry.scroll_y


def hit_test(layout: TimelineLayout, geometry: TimelineGeometry, x: float, y: float) -> Hit:
    frame = geometry.frame_at(x)
    if y < RULER_HEIGHT:
        return Hit(RULER, frame)
    row = layout.row_at(y - RULER_HEIGHT + geometry.scroll_y)
    if row is None:
        return Hit(NOTHING, frame)
    if x < HEADER_WIDTH:
        return Hit(HEADER, frame, row, button=headers.button_at(row, row_top(row, geometry), x, y))
    exact = (x - HEADER_WIDTH) / geometry.pixels_per_frame + geometry.first_frame
    reach = geometry.frames_in(EDGE_PIXELS)
    nearby = row.visible(int(exact - reach) - 1, int(exact + reach) + 2)
    # an edge wins over a body, and between two clips meeting at a cut the nearer side wins
    for box in nearby:
        margin = min(reach, (box.end - box.start) / 3)
        if abs(exact - box.start) <= margin and exact >= box.start:
            return Hit(HEAD, box.start, row, box)
        if abs(exact - box.end) <= margin and exact < box.end:
            return Hit(TAIL, box.end, row, box)
    for box in nearby:
        margin = min(reach, (box.end - box.start) / 3)
        if abs(exact - box.start) <= margin:
            return Hit(HEAD, box.start, row, box)
        if abs(exact - box.end) <= margin:
            return Hit(TAIL, box.end, row, box)
    box = row.box_at(int(exact)) if exact >= 0 else None
    if box is not None:
        return Hit(BODY, frame, row, box)
    return Hit(EMPTY, frame, row)


def nearest_cut(row: Row, geometry: TimelineGeometry, x: float, pixels: float = 10) -> int | None:
    """The cut (an edge of a clip) on `row` nearest `x`, if within `pixels`."""
    exact = (x - HEADER_WIDTH) / geometry.pixels_per_frame + geometry.first_frame
    best = min(row.cuts, key=lambda c: abs(c - exact), default=None)
    if best is None or abs(best - exact) * geometry.pixels_per_frame > pixels:
        return None
    return best
