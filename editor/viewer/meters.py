"""The audio meters beside the viewer: a bar per channel (RMS filled, held peak as a line) and the LUFS.

It only paints what `engine.playback.meters.LevelMeter` measured; the viewer
calls `show` on its playback timer, so the GUI thread does no audio work.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from engine.playback.meters import FLOOR, MeterReading

#: the scale shown, dBFS (below TOP_DB nothing is drawn)
TOP_DB, BOTTOM_DB = 0.0, -60.0
TICKS = (0, -6, -12, -18, -24, -36, -48, -60)
GREEN, YELLOW, RED = QColor("#3fae5a"), QColor("#d6b73a"), QColor("#d9493a")


def _fraction(db: float) -> float:
    return min(1.0, max(0.0, (db - BOTTOM_DB) / (TOP_DB - BOTTOM_DB)))


def _color(db: float) -> QColor:
    return RED if db > -3 else YELLOW if db > -12 else GREEN


class AudioMeters(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewer-meters")
        self.setMinimumWidth(58)
        self.reading = MeterReading((FLOOR, FLOOR), (FLOOR, FLOOR), -math.inf)
        self._update_tip()

    def sizeHint(self) -> QSize:
        return QSize(58, 200)

    def show_reading(self, reading: MeterReading) -> None:
        self.reading = reading
        self._update_tip()
        self.update()

    def clear(self) -> None:
        self.show_reading(
            MeterReading((FLOOR,) * len(self.reading.peak), (FLOOR,) * len(self.reading.rms), -math.inf)
        )

    def loudness_text(self) -> str:
        lufs = self.reading.loudness
        return f"{lufs:.0f} LUFS" if math.isfinite(lufs) else "-- LUFS"

    def _update_tip(self) -> None:
        peaks = ", ".join("silent" if p <= FLOOR else f"{p:.1f}" for p in self.reading.peak)
        self.setToolTip(f"Peak dBFS per channel: {peaks}\nMomentary loudness: {self.loudness_text()}")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1d1e21"))
        font = painter.font()
        font.setPointSizeF(7)
        painter.setFont(font)
        text_h = 14
        top, bottom = 4.0, self.height() - text_h - 4.0
        height = bottom - top
        scale_w = 20
        channels = len(self.reading.peak)
        bar_w = (self.width() - scale_w - 6 - 2 * (channels - 1)) / max(1, channels)
        painter.setPen(QColor("#8a8e94"))
        for tick in TICKS:
            y = bottom - _fraction(tick) * height
            painter.drawText(QRectF(0, y - 6, scale_w - 2, 12), Qt.AlignmentFlag.AlignRight, str(abs(tick)))
        for ch in range(channels):
            x = scale_w + 2 + ch * (bar_w + 2)
            painter.fillRect(QRectF(x, top, bar_w, height), QColor("#2b2d31"))
            rms = self.reading.rms[ch] if ch < len(self.reading.rms) else FLOOR
            level = _fraction(rms) * height
            if level > 0:
                painter.fillRect(QRectF(x, bottom - level, bar_w, level), _color(rms))
            peak = self.reading.peak[ch]
            if peak > BOTTOM_DB:
                y = bottom - _fraction(peak) * height
                painter.fillRect(QRectF(x, y - 1, bar_w, 2), _color(peak).lighter(130))
        painter.setPen(QColor("#d0d3d8"))
        painter.drawText(
            QRectF(0, self.height() - text_h, self.width(), text_h),
            Qt.AlignmentFlag.AlignCenter,
            self.loudness_text(),
        )
        painter.end()
