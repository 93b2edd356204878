"""One frame's mask as a QImage the brush paints on, and its red overlay for the viewer.

Painting happens on the GUI thread because it is cheap: a stroke segment is
one QPainter line on an 8-bit image at the media's size. The image converts
to and from the numpy arrays of `MaskSequence` (255 = region to fill).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen

BRUSH, ERASER, RECTANGLE, ELLIPSE = "brush", "eraser", "rectangle", "ellipse"
TOOLS = (BRUSH, ERASER, RECTANGLE, ELLIPSE)
FILL, EMPTY = QColor(255, 255, 255), QColor(0, 0, 0)
OVERLAY_RGB = (230, 40, 40)
OUTLINE_RGB = (255, 235, 235)
OUTLINE_ALPHA = 220


def to_image(mask: np.ndarray) -> QImage:
    height, width = mask.shape
    data = np.ascontiguousarray(mask)
    return QImage(data.data, width, height, width, QImage.Format.Format_Grayscale8).copy()


def to_array(image: QImage) -> np.ndarray:
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    rows = np.frombuffer(grey.constBits(), np.uint8).reshape(grey.height(), grey.bytesPerLine())
    return np.where(rows[:, : grey.width()] >= 128, 255, 0).astype(np.uint8)


def overlay_image(mask: np.ndarray, opacity: float) -> QImage:
    """The mask in red at `opacity` (soft where feathered), transparent elsewhere, with its edge drawn.

    A tint alone disappears over red or dark footage, so the mask's edge is
    also drawn in a near-white line at a strength of its own: the user always
    sees where the mask ends. Opacity 0 hides the overlay completely.
    """
    height, width = mask.shape
    rgba = np.zeros((height, width, 4), np.uint8)
    rgba[..., :3] = OVERLAY_RGB
    rgba[..., 3] = (mask.astype(np.uint16) * round(opacity * 255) // 255).astype(np.uint8)
    if opacity > 0:
        edge = mask_edge(mask)
        rgba[edge, :3] = OUTLINE_RGB
        rgba[edge, 3] = OUTLINE_ALPHA
    return QImage(rgba.data, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


def mask_edge(mask: np.ndarray) -> np.ndarray:
    """The masked pixels (half or more) that touch an unmasked one, or the frame's border."""
    inside = mask >= 128
    padded = np.pad(inside, 1, constant_values=False)
    core = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:]
    return inside & ~core


class MaskCanvas:
    """The mask of the frame being painted; tools draw in media pixels."""

    def __init__(self, mask: np.ndarray) -> None:
        self.image = to_image(mask)

    def array(self) -> np.ndarray:
        return to_array(self.image)

    def stroke(self, start: QPointF, end: QPointF, size: float, erase: bool) -> None:
        painter = self._painter()
        pen = QPen(EMPTY if erase else FILL, size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        if start == end:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(EMPTY if erase else FILL))
            painter.drawEllipse(start, size / 2, size / 2)
        else:
            painter.drawLine(start, end)
        painter.end()

    def shape(self, tool: str, corner: QPointF, opposite: QPointF) -> None:
        painter = self._painter()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(FILL))
        box = QRectF(corner, opposite).normalized()
        if tool == ELLIPSE:
            painter.drawEllipse(box)
        else:
            painter.drawRect(box)
        painter.end()

    def _painter(self) -> QPainter:
        painter = QPainter(self.image)
        painter.setRenderHint(
            QPainter.RenderHint.Antialiasing, False
        )  # a mask is hard-edged; feather softens
        return painter
