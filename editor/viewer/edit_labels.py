"""Labels over the viewer's picture during a trim: which edit point each frame is, and its timecode.

Premiere's trim monitor names each half of its two-up ("Out 00:00:02:11" beside
"In 00:00:02:12"), so an editor need not work out which side is which. The labels
are drawn by the picture widget over the image it shows, not into the rendered
frames, so nothing the viewer caches or exports ever carries them; a light text on
a dark box reads on bright and dark pictures alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

BOX = QColor(0, 0, 0, 180)
TEXT = QColor("#f4f4f4")
MARGIN = 6.0  # pixels between a label and the edge of its picture
PADDING = 4.0  # pixels between the text and the edge of its box


def label_font(picture: QRectF, base: QFont) -> QFont:
    """Bold, sized to the picture: legible in a small dock, not shouting in a large one."""
    font = QFont(base)
    font.setPointSizeF(max(8.0, min(picture.height() / 22, 12.0)))
    font.setBold(True)
    return font


def label_rects(picture: QRectF, labels: Sequence[str], metrics: QFontMetricsF) -> list[QRectF]:
    """Each label's box: at the bottom-left of its share of the picture (the two-up's halves are
    equal, so the picture is split evenly), clipped to that share."""
    if not labels:
        return []
    share = picture.width() / len(labels)
    height = metrics.height() + 2 * PADDING
    rects = []
    for index, text in enumerate(labels):
        left = picture.left() + index * share + MARGIN
        width = min(metrics.horizontalAdvance(text) + 2 * PADDING, max(0.0, share - 2 * MARGIN))
        top = picture.bottom() - MARGIN - height
        rects.append(QRectF(left, max(picture.top(), top), width, height))
    return rects


def paint_labels(painter: QPainter, picture: QRectF, labels: Sequence[str]) -> None:
    """Draw `labels` over the picture, one per frame of the two-up from left to right."""
    if not labels:
        return
    painter.save()
    font = label_font(picture, painter.font())
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    for rect, text in zip(label_rects(picture, labels, metrics), labels, strict=True):
        painter.fillRect(rect, BOX)
        painter.setPen(TEXT)
        painter.drawText(
            rect.adjusted(PADDING, 0, -PADDING, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 2 * PADDING),
        )
    painter.restore()
