"""One line of text that shortens to the width it is given; the whole text is its tooltip.

A QLabel asks for the width of its whole text, so a long prompt, path or
summary widens its dock (and a path without spaces cannot wrap): panels
then scroll sideways. This label asks for nothing and elides when painted.
`text()` stays the whole text.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(
        self,
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        min_width: int = 0,
    ) -> None:
        super().__init__(parent)
        self._mode, self._min_width = mode, min_width
        self._short = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str, short: str = "") -> None:
        """`short`: a terser wording shown whole, when there is room for it but not for `text`."""
        self._short = short
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_width, self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.text()), self.fontMetrics().height())

    def shown_text(self) -> str:
        metrics, text = self.fontMetrics(), self.text()
        if self._short and metrics.horizontalAdvance(text) > self.width():
            text = self._short
        return metrics.elidedText(text, self._mode, self.width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(self.rect(), flags, self.shown_text())
        painter.end()
