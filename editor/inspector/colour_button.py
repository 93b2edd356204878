"""A button that shows a colour and picks a new one, for title colours."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QPushButton, QWidget


class ColourButton(QPushButton):
    picked = Signal(str)  # "#rrggbb"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour = "#ffffff"
        self.setFixedWidth(64)
        self.clicked.connect(self._choose)
        self.show_colour(self._colour)

    @property
    def colour(self) -> str:
        return self._colour

    def show_colour(self, colour: str) -> None:
        self._colour = colour
        text = "#000000" if QColor(colour).lightness() > 128 else "#ffffff"
        self.setStyleSheet(f"background: {colour}; color: {text};")
        self.setText(colour)

    def _choose(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, "Colour")
        if chosen.isValid():
            self.pick(chosen.name())

    def pick(self, colour: str) -> None:
        """Choose `colour` as if from the dialog (what the dialog's OK does)."""
        self.show_colour(colour)
        self.picked.emit(colour)
