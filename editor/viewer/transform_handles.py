"""Handles over the timeline viewer for the selected clip's transform: drag inside to move, a corner to scale.

An `Overlay` of the viewer's picture (the mask painter's mechanism): it
draws the selected clip's outline where the renderer puts it at the
playhead (the same `compose.matrix`), follows the pointer while dragging,
and on release makes one undo step through `transform.set_transform` at
the playhead (so a keyframed value gets a keyframe there, as in the
inspector). It yields the picture to the mask painter while that is on.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

from editor.context import EditorContext
from editor.inspector.facts import clip_facts
from engine.errors import ShotlineError
from engine.project import document, transform
from engine.render import compose, framing
from engine.render.picture import FIT

GRAB = 9.0  # pixels from a corner that pick it up
MOVE, SCALE = "move", "scale"


class TransformHandles:
    def __init__(self, context: EditorContext, viewer) -> None:
        self._context = context
        self._viewer = viewer
        self._sizes: dict[str, tuple[int, int]] = {}  # picture size by media path (a probe each)
        self._drag: tuple[str, QPointF, transform.Placement] | None = None
        self._pending: transform.Placement | None = None
        for signal in (context.selection.changed, context.session.changed, context.session.replaced):
            signal.connect(self._claim)
        context.playhead.moved.connect(lambda _frame: self._viewer.picture.update())
        self._claim()

    def _claim(self) -> None:
        """Lay the handles over the picture unless another tool (the mask painter) has it."""
        picture = self._viewer.picture
        if picture.overlay is None:
            picture.set_overlay(self)
        picture.update()

    # what is shown -------------------------------------------------------------------

    def target(self) -> tuple[str, int, transform.Placement, tuple[int, int]] | None:
        """(clip id, frames into the clip, its transform there, its picture size) for the one
        selected video clip under the playhead in the timeline viewer; None otherwise."""
        if self._viewer.mode != "timeline":
            return None
        ids = self._context.selection.ids
        timeline = self._context.session.timeline
        facts = clip_facts(timeline, ids[0]) if len(ids) == 1 else None
        if facts is None or facts.audio:
            return None
        offset = self._context.playhead.frame - facts.position
        if not 0 <= offset < facts.duration:
            return None
        clip = document.find_clip(timeline, facts.ident)[1]
        key = os.fspath(facts.source) if facts.source is not None else f"title:{facts.ident}"
        size = self._sizes.get(key)
        if size is None:
            try:
                size = self._sizes[key] = framing.picture_size(timeline, clip)
            except ShotlineError:
                return None
        return facts.ident, offset, transform.placement_at(clip, offset), size

    def corners(self, picture: QRectF) -> list[QPointF] | None:
        """The clip's corners (cropped) in widget coordinates, clockwise from top left."""
        found = self.target()
        if found is None:
            return None
        _ident, _offset, placed, (sw, sh) = found
        placed = self._pending or placed
        project = document.settings(self._context.session.timeline)
        affine = compose.matrix((sw, sh), (project.width, project.height), placed, FIT, 1.0)
        left, right = placed.crop_left * sw - 0.5, (1 - placed.crop_right) * sw - 0.5
        top, bottom = placed.crop_top * sh - 0.5, (1 - placed.crop_bottom) * sh - 0.5
        points = np.array([[left, top], [right, top], [right, bottom], [left, bottom]]) @ affine[:, :2].T
        points += affine[:, 2] + 0.5
        k = picture.width() / project.width
        return [QPointF(picture.left() + x * k, picture.top() + y * k) for x, y in points]

    def paint(self, painter: QPainter, picture: QRectF) -> None:
        corners = self.corners(picture)
        if corners is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#49a3ff"), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(QPolygonF(corners))
        painter.setBrush(QColor("#ffffff"))
        for corner in corners:
            painter.drawRect(QRectF(corner.x() - 4, corner.y() - 4, 8, 8))
        centre = sum(corners, QPointF()) / 4
        painter.drawLine(centre - QPointF(6, 0), centre + QPointF(6, 0))
        painter.drawLine(centre - QPointF(0, 6), centre + QPointF(0, 6))
        painter.restore()

    # dragging --------------------------------------------------------------------------

    def press(self, point: QPointF, picture: QRectF) -> bool:
        corners = self.corners(picture)
        found = self.target()
        if corners is None or found is None:
            return False
        placed = found[2]
        if any(math.dist((c.x(), c.y()), (point.x(), point.y())) <= GRAB for c in corners):
            self._drag = (SCALE, point, placed)
        elif QPolygonF(corners).containsPoint(point, Qt.FillRule.OddEvenFill):
            self._drag = (MOVE, point, placed)
        else:
            return False
        self._pending = placed
        return True

    def move(self, point: QPointF, picture: QRectF) -> None:
        if self._drag is None:
            return
        self._pending = self._dragged(point, picture)

    def release(self, point: QPointF, picture: QRectF) -> None:
        if self._drag is None:
            return
        kind, _start, before = self._drag
        after = self._dragged(point, picture)
        self._drag, self._pending = None, None
        found = self.target()
        if found is None or after == before:
            return
        ident, offset = found[0], found[1]
        if kind == MOVE:
            values = {"x": round(after.x, 1), "y": round(after.y, 1)}
        else:
            values = {"scale": round(after.scale, 4)}
        self._context.session.apply(transform.set_transform, ident, at=offset, **values)

    def _dragged(self, point: QPointF, picture: QRectF) -> transform.Placement:
        kind, start, before = self._drag
        project = document.settings(self._context.session.timeline)
        k = picture.width() / project.width  # widget pixels per sequence pixel
        if kind == MOVE:
            dx, dy = (point.x() - start.x()) / k, (point.y() - start.y()) / k
            return replace(before, x=before.x + dx, y=before.y + dy)
        centre = QPointF(
            picture.left() + (project.width / 2 + before.x) * k,
            picture.top() + (project.height / 2 + before.y) * k,
        )
        was = math.dist((start.x(), start.y()), (centre.x(), centre.y()))
        now = math.dist((point.x(), point.y()), (centre.x(), centre.y()))
        low, high = transform.LIMITS["scale"]
        return replace(before, scale=min(high, max(low, before.scale * now / max(was, 1.0))))
