"""Handles over the timeline viewer for the selected clip's transform.

Drag inside to move, a corner to scale, the round knob above the top edge
to rotate, and an edge with Alt held (or any edge in crop mode) to crop
that side; a corner with Alt held (or in crop mode) crops the two sides
that meet there at once, as in Premiere and Resolve. An `Overlay` of the viewer's picture (the mask painter's
mechanism): it draws the selected clip's outline where the renderer puts
it at the playhead (the same `compose.matrix`), shows the picture as the
drag would leave it while dragging (`edit_preview`: an edited copy, no
undo step), and on release makes one undo step through
`transform.set_transform` at the playhead (so a keyframed value gets a
keyframe there, as in the inspector). It yields the picture to the mask
painter while that is on.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QToolButton, QWidget

from editor.context import EditorContext
from editor.edit_preview import end_preview, preview
from editor.inspector.facts import clip_facts
from editor.masks.toolbar import CHECKED_STYLE
from engine.errors import ShotlineError
from engine.project import document, transform
from engine.render import compose, framing
from engine.render.picture import FIT

GRAB = 9.0  # pixels from a corner that pick it up
KNOB = 24.0  # widget pixels from the top edge's middle to the rotation knob
MOVE, SCALE, ROTATE = "move", "scale", "rotate"
#: crop drags, by the edge (an index into `corners`' edges: top, right, bottom, left) they move
CROPS = ("crop_top", "crop_right", "crop_bottom", "crop_left")
#: crop drags at a corner (an index into `corners`, clockwise from top left): the two sides
#: that meet there, named together so one drag kind carries both
CORNER_CROPS = (
    "crop_top crop_left",
    "crop_top crop_right",
    "crop_bottom crop_right",
    "crop_bottom crop_left",
)
MIN_SHOWN = 0.01  # a crop leaves at least this share of the picture's width or height


class TransformHandles:
    def __init__(self, context: EditorContext, viewer) -> None:
        self._context = context
        self._viewer = viewer
        self._sizes: dict[str, tuple[int, int]] = {}  # picture size by media path (a probe each)
        self._drag: tuple[str, QPointF, transform.Placement] | None = None
        self._pending: transform.Placement | None = None
        self.crop_mode = False  # every edge crops, as Alt does
        self.crop_button = QToolButton()
        self.crop_button.setObjectName("viewer-crop-mode")
        self.crop_button.setText("Crop")
        self.crop_button.setCheckable(True)
        self.crop_button.setStyleSheet(CHECKED_STYLE)  # crop mode on or off at a glance, as Mask is
        self.crop_button.setToolTip(
            "Crop mode: drag an edge of the selected clip's outline to crop that side, or a corner "
            "to crop the two sides that meet there (or hold Alt)"
        )
        self.crop_button.toggled.connect(self._set_crop_mode)
        viewer.add_tool(self.crop_button, QWidget())  # no bar of its own: the handles are the tool
        for signal in (context.selection.changed, context.session.changed, context.session.replaced):
            signal.connect(self._claim)
        context.playhead.moved.connect(lambda _frame: self._viewer.program.picture.update())
        self._claim()

    def _set_crop_mode(self, on: bool) -> None:
        self.crop_mode = on

    def _claim(self) -> None:
        """Lay the handles over the picture unless another tool (the mask painter) has it."""
        picture = self._viewer.program.picture
        if picture.overlay is None:
            picture.set_overlay(self)
        picture.update()

    # what is shown -------------------------------------------------------------------

    def target(self) -> tuple[str, int, transform.Placement, tuple[int, int]] | None:
        """(clip id, frames into the clip, its transform there, its picture size) for the one
        selected video clip under the playhead in the timeline's monitor; None otherwise."""
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
        top = (corners[0] + corners[1]) / 2
        knob = self._knob(corners, picture)
        painter.drawLine(top, knob)
        painter.drawEllipse(knob, 5, 5)
        painter.restore()

    @staticmethod
    def _knob(corners: list[QPointF], picture: QRectF) -> QPointF:
        """The rotation knob: KNOB pixels out from the top edge's middle, away from the centre, or
        as far in when out would be off the picture (a clip filling the frame's height)."""
        top = (corners[0] + corners[1]) / 2
        centre = sum(corners, QPointF()) / 4
        out = top - centre
        length = math.hypot(out.x(), out.y()) or 1.0
        knob = top + out * (KNOB / length)
        return knob if picture.contains(knob) else top - out * (KNOB / length)

    # dragging --------------------------------------------------------------------------

    def press(self, point: QPointF, picture: QRectF) -> bool:
        corners = self.corners(picture)
        found = self.target()
        if corners is None or found is None:
            return False
        placed = found[2]
        here = (point.x(), point.y())
        knob = self._knob(corners, picture)
        alt = QGuiApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier
        cropping = self.crop_mode or bool(alt)
        edge = _nearest_edge(corners, point)
        corner = _nearest_corner(corners, point)
        if math.dist((knob.x(), knob.y()), here) <= GRAB:
            self._drag = (ROTATE, point, placed)
        elif cropping and corner is not None:  # a corner before an edge: both edges end there
            self._drag = (CORNER_CROPS[corner], point, placed)
        elif cropping and edge is not None:
            self._drag = (CROPS[edge], point, placed)
        elif corner is not None:
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
        found = self.target()
        if found is not None:
            values = self._values(self._pending)
            preview(self._context, transform.set_transform, [(found[0], found[1])], **values)

    def release(self, point: QPointF, picture: QRectF) -> None:
        if self._drag is None:
            return
        kind, _start, before = self._drag
        after = self._dragged(point, picture)
        self._drag, self._pending = None, None
        end_preview(self._context)
        found = self.target()
        if found is None or after == before:
            return
        ident, offset = found[0], found[1]
        self._context.session.apply(transform.set_transform, ident, at=offset, **self._values(after, kind))

    def _values(self, after: transform.Placement, kind: str | None = None) -> dict[str, float]:
        """The settings a drag of `kind` (the current one by default) changes, rounded as stored."""
        kind = kind or (self._drag[0] if self._drag else MOVE)
        if kind == MOVE:
            return {"x": round(after.x, 1), "y": round(after.y, 1)}
        if kind == SCALE:
            return {"scale": round(after.scale, 4)}
        if kind == ROTATE:
            return {"rotation": round(after.rotation, 2)}
        return {side: round(getattr(after, side), 4) for side in kind.split()}

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
        if kind == ROTATE:
            # y points down on screen and in the renderer's matrix: a growing angle turns clockwise
            was = math.atan2(start.y() - centre.y(), start.x() - centre.x())
            now = math.atan2(point.y() - centre.y(), point.x() - centre.x())
            turn = math.degrees(now - was)
            turn = (turn + 180.0) % 360.0 - 180.0  # the short way round
            return replace(before, rotation=before.rotation + turn)
        if kind in CROPS or kind in CORNER_CROPS:
            return self._cropped(kind, point, picture, before)
        was = math.dist((start.x(), start.y()), (centre.x(), centre.y()))
        now = math.dist((point.x(), point.y()), (centre.x(), centre.y()))
        low, high = transform.LIMITS["scale"]
        return replace(before, scale=min(high, max(low, before.scale * now / max(was, 1.0))))

    def _cropped(
        self, sides: str, point: QPointF, picture: QRectF, before: transform.Placement
    ) -> transform.Placement:
        """The crop of each of `sides` (one edge, or the two meeting at a corner) that puts that
        edge under the pointer (in the clip's own, unrotated axes). Each side is limited by the
        opposite one only, so the two of a corner move independently, as the pointer does."""
        found = self.target()
        assert found is not None
        sw, sh = found[3]
        project = document.settings(self._context.session.timeline)
        affine = compose.matrix((sw, sh), (project.width, project.height), before, FIT, 1.0)
        k = picture.width() / project.width
        frame = np.array([(point.x() - picture.left()) / k - 0.5, (point.y() - picture.top()) / k - 0.5])
        sx, sy = np.linalg.solve(affine[:, :2], frame - affine[:, 2]) + 0.5  # source pixel edges
        wanted = {
            "crop_left": min(sx / sw, 1 - before.crop_right - MIN_SHOWN),
            "crop_right": min(1 - sx / sw, 1 - before.crop_left - MIN_SHOWN),
            "crop_top": min(sy / sh, 1 - before.crop_bottom - MIN_SHOWN),
            "crop_bottom": min(1 - sy / sh, 1 - before.crop_top - MIN_SHOWN),
        }
        return replace(before, **{side: float(max(0.0, wanted[side])) for side in sides.split()})


def _nearest_corner(corners: list[QPointF], point: QPointF) -> int | None:
    """The corner (0 top left, clockwise) within GRAB of the point, the nearest if two are."""
    near = [(math.dist((c.x(), c.y()), (point.x(), point.y())), i) for i, c in enumerate(corners)]
    distance, index = min(near)
    return index if distance <= GRAB else None


def _nearest_edge(corners: list[QPointF], point: QPointF) -> int | None:
    """The edge (0 top, 1 right, 2 bottom, 3 left) within GRAB of the point, away from its ends."""
    best: tuple[float, int] | None = None
    for index in range(4):
        a, b = corners[index], corners[(index + 1) % 4]
        ab = np.array([b.x() - a.x(), b.y() - a.y()])
        ap = np.array([point.x() - a.x(), point.y() - a.y()])
        length = float(ab @ ab)
        if length <= 0:
            continue
        t = float(ap @ ab) / length
        if not 0.0 < t < 1.0:
            continue
        distance = float(np.linalg.norm(ap - t * ab))
        if distance <= GRAB and (best is None or distance < best[0]):
            best = (distance, index)
    return best[1] if best else None
