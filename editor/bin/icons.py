"""The pictures an item shows before (or instead of) its thumbnail, drawn with QPainter.

Drawn rather than loaded so the bin needs no image files, and so each state
reads at a glance: grey while probing, a red cross for a file that cannot be
read, an orange badge for a missing file, a note for sound without a waveform.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPen, QPixmap

from editor.bin.examine import THUMB_HEIGHT
from editor.bin.items import State

SIZE = (128, THUMB_HEIGHT)
ERROR_COLOR = QColor("#ff6b6b")
OFFLINE_COLOR = QColor("#f0a640")
GENERATED_COLOR = QColor("#c28b2c")  # the timeline's "AI" badge, so a bin item and its clips match


def _canvas(fill: str) -> tuple[QImage, QPainter]:
    image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(fill))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    return image, painter


def _label(painter: QPainter, text: str, color: QColor, size: int = 13) -> None:
    font = QFont()
    font.setPixelSize(size)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(QRectF(0, 0, *SIZE), Qt.AlignmentFlag.AlignCenter, text)


@cache
def state_icon(state: State) -> QIcon:
    """The icon of an item that has no picture (yet): probing, broken or offline."""
    width, height = SIZE
    if state is State.ERROR:
        image, painter = _canvas("#3a2226")
        painter.setPen(QPen(ERROR_COLOR, 4))
        cx, cy, r = width / 2, height / 2, height / 4
        painter.drawLine(int(cx - r), int(cy - r), int(cx + r), int(cy + r))
        painter.drawLine(int(cx - r), int(cy + r), int(cx + r), int(cy - r))
    elif state is State.OFFLINE:
        image, painter = _canvas("#3a3020")
        painter.setPen(QPen(OFFLINE_COLOR, 2, Qt.PenStyle.DashLine))
        painter.drawRect(QRectF(4, 4, width - 8, height - 8))
        _label(painter, "OFFLINE", OFFLINE_COLOR)
    elif state is State.READY:  # readable, but its picture could not be made
        image, painter = _canvas("#2a2d33")
        _label(painter, "▶", QColor("#8a909a"), 24)
    else:
        image, painter = _canvas("#2a2d33")
        _label(painter, "…", QColor("#8a909a"), 24)
    painter.end()
    return QIcon(QPixmap.fromImage(image))


@cache
def sound_icon() -> QIcon:
    """A readable file with sound but no waveform picture."""
    image, painter = _canvas("#23352b")
    _label(painter, "♪", QColor("#7fd19b"), 32)
    painter.end()
    return QIcon(QPixmap.fromImage(image))


def offline_badge(icon: QIcon) -> QIcon:
    """A known thumbnail, dimmed and marked, for a file that has gone missing since."""
    base = icon.pixmap(*SIZE).toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(base)
    painter.fillRect(base.rect(), QColor(0, 0, 0, 150))
    painter.setPen(QPen(OFFLINE_COLOR, 2, Qt.PenStyle.DashLine))
    painter.drawRect(QRectF(1, 1, base.width() - 2, base.height() - 2))
    font = QFont()
    font.setPixelSize(13)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(OFFLINE_COLOR)
    painter.drawText(QRectF(base.rect()), Qt.AlignmentFlag.AlignCenter, "OFFLINE")
    painter.end()
    return QIcon(QPixmap.fromImage(base))


def generated_badge(icon: QIcon | None, animatic: bool) -> QIcon:
    """A generation result's picture with the timeline's amber tag in its corner ("ANIMATIC" for the
    storyboard backend, so nobody mistakes it for a model's output)."""
    if icon is None:
        base, painter = _canvas("#2a2d33")
        painter.end()
    else:
        base = icon.pixmap(*SIZE).toImage().convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    text = "ANIMATIC" if animatic else "AI"
    painter = QPainter(base)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(max(10, base.height() // 5))
    font.setBold(True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 8
    height = painter.fontMetrics().height() + 2
    tag = QRectF(3, 3, width, height)
    painter.fillRect(tag, GENERATED_COLOR)
    painter.setPen(QColor("#1b1c1f"))
    painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(QPixmap.fromImage(base))
