"""The picture area: a frame scaled to fit with its shape kept, or a slate with a message."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class PictureView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewer-picture")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.image: QImage | None = None
        self.message = ""
        self.frame: int | None = None  # the frame shown, for tests and the playback logic

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def show_frame(self, frame: int, shown: QImage | str) -> None:
        self.frame = frame
        if isinstance(shown, str):
            self.message = shown
        else:
            self.image, self.message = shown, ""
        self.update()

    def picture_rect(self) -> QRectF:
        """Where the image lands: as large as fits, centred, its aspect kept (letterbox/pillarbox)."""
        if self.image is None or self.image.isNull():
            return QRectF(self.rect())
        scale = min(self.width() / self.image.width(), self.height() / self.image.height())
        w, h = self.image.width() * scale, self.image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#000000"))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.message:
            area = self.picture_rect()
            painter.fillRect(area, QColor("#3a1d1d"))
            painter.setPen(QColor("#f0e6e6"))
            font = painter.font()
            font.setPointSizeF(max(10.0, min(area.height() / 14, 22.0)))
            painter.setFont(font)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        elif self.image is not None:
            painter.drawImage(self.picture_rect(), self.image)
        painter.end()
