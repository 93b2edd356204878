"""The picture area: a frame scaled to fit with its shape kept, or a slate with a message.

A tool (the mask painter) can lay an `Overlay` over it: the overlay draws
after the picture and takes the mouse, so the viewer needs no knowledge of
what is drawn on it.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from editor.viewer.edit_labels import paint_labels


class Overlay(Protocol):
    def paint(self, painter: QPainter, picture: QRectF) -> None: ...
    def press(self, point: QPointF, picture: QRectF) -> bool: ...
    def move(self, point: QPointF, picture: QRectF) -> None: ...
    def release(self, point: QPointF, picture: QRectF) -> None: ...


class PictureView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("viewer-picture")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.image: QImage | None = None
        self.message = ""
        self.hint = False  # the message is a word on what to do, not a problem
        self.frame: int | None = None  # the frame shown, for tests and the playback logic
        self.overlay: Overlay | None = None
        #: during a trim: the label over each frame shown ("Out 00:00:02:11"), left to right; () else
        self.edit_labels: tuple[str, ...] = ()
        self._dragging = False

    def set_overlay(self, overlay: Overlay | None) -> None:
        self.overlay = overlay
        self.setMouseTracking(overlay is not None)  # a brush outline follows the pointer
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 360)

    def show_frame(self, frame: int, shown: QImage | str, labels: tuple[str, ...] = ()) -> None:
        """Show a frame (or a message); `labels` name the edit points of a trim's frames, and any
        other frame shown clears them."""
        self.frame = frame
        self.hint = False
        self.edit_labels = labels if not isinstance(shown, str) else ()
        if isinstance(shown, str):
            self.message = shown
        else:
            self.image, self.message = shown, ""
        self.update()

    def show_hint(self, text: str) -> None:
        """A word on what to do (an empty source monitor), drawn quietly: the red slate is kept
        for what went wrong (offline media, a damaged file)."""
        self.show_frame(0, text)
        self.hint = True

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
            painter.fillRect(area, QColor("#1e1f22" if self.hint else "#3a1d1d"))
            painter.setPen(QColor("#9aa0a6" if self.hint else "#f0e6e6"))
            font = painter.font()
            font.setPointSizeF(max(10.0, min(area.height() / 14, 22.0)))
            painter.setFont(font)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        elif self.image is not None:
            painter.drawImage(self.picture_rect(), self.image)
            paint_labels(painter, self.picture_rect(), self.edit_labels)
        if self.overlay is not None and not self.message:
            self.overlay.paint(painter, self.picture_rect())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        left = event.button() == Qt.MouseButton.LeftButton
        if self.overlay is not None and left and self.overlay.press(event.position(), self.picture_rect()):
            self._dragging = True
            self.update()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.overlay is not None:
            self.overlay.move(event.position(), self.picture_rect())
            self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.overlay is not None and self._dragging and event.button() == Qt.MouseButton.LeftButton:
            self._dragging = False
            self.overlay.release(event.position(), self.picture_rect())
            self.update()
            return
        super().mouseReleaseEvent(event)
