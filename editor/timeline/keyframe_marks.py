"""Keyframe marks on timeline clips: small diamonds where a clip's transform or speed ramp changes.

An editor sees at a glance which clips are animated and where, without
opening the inspector (Premiere and Resolve draw the same marks). Transform
keyframes sit on the clip's bottom edge in white, speed-ramp keyframes in
amber just above them, so a clip with both shows two rows.
"""

from __future__ import annotations

from collections.abc import Callable

import opentimelineio as otio
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from engine.errors import ShotlineError
from engine.project import ramp_curve, transform

TRANSFORM_MARK = QColor("#f0f0f0")
RAMP_MARK = QColor("#f0a830")
SIZE = 4.0  # half the diamond's width, in pixels


def transform_frames(clip: otio.core.Item) -> tuple[int, ...]:
    """Frames from the clip's start of its transform keyframes (none when it is switched off)."""
    if not isinstance(clip, otio.schema.Clip):
        return ()
    try:
        return tuple(k.frame for k in transform.keyframes(clip))
    except ShotlineError:
        return ()  # a hand-edited value that is no number: the inspector says so, the timeline draws on


def ramp_frames(clip: otio.core.Item) -> tuple[int, ...]:
    """Frames from the clip's start of its speed-ramp keyframes."""
    return tuple(k.frame for k in ramp_curve.keyframes(clip))


def paint(
    painter: QPainter,
    rect: QRectF,
    x_of_offset: Callable[[int], float],
    transforms: tuple[int, ...],
    ramps: tuple[int, ...],
) -> int:
    """Draw the diamonds inside `rect` (the clip's box); `x_of_offset(frames)` places a frame from the
    clip's start. Returns how many were drawn (those inside the clip)."""
    drawn = 0
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#101114"), 1))
    for frames, colour, lift in ((transforms, TRANSFORM_MARK, 0.0), (ramps, RAMP_MARK, 2 * SIZE + 1)):
        painter.setBrush(colour)
        y = rect.bottom() - SIZE - 2 - lift
        for frame in frames:
            x = x_of_offset(frame)
            if not rect.left() <= x <= rect.right():
                continue  # a keyframe past a trimmed end: the clip does not show it
            painter.drawPolygon(
                QPolygonF(
                    [QPointF(x, y - SIZE), QPointF(x + SIZE, y), QPointF(x, y + SIZE), QPointF(x - SIZE, y)]
                )
            )
            drawn += 1
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.restore()
    return drawn
