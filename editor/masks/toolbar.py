"""The mask tools under the viewer's top row: what to paint with, and what to do with the mask."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QSpinBox, QToolButton, QWidget

from editor.masks.canvas import BRUSH, ELLIPSE, ERASER, RECTANGLE

TOOL_LABELS = ((BRUSH, "Brush"), (ERASER, "Eraser"), (RECTANGLE, "Rectangle"), (ELLIPSE, "Ellipse"))


class MaskBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mask-bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tools = QButtonGroup(self)
        self.tool_buttons: dict[str, QToolButton] = {}
        for tool, label in TOOL_LABELS:
            button = self._button(f"mask-{tool}", label, f"Paint with the {label.lower()}", checkable=True)
            self.tools.addButton(button)
            self.tool_buttons[tool] = button
            layout.addWidget(button)
        self.tool_buttons[BRUSH].setChecked(True)
        self.size_label = QLabel("", self)
        self.size_label.setToolTip("Brush size in media pixels: [ smaller, ] larger")
        layout.addWidget(self.size_label)
        self.invert = self._button("mask-invert", "Invert", "Fill everything but the painted area", True)
        self.clear = self._button("mask-clear", "Clear", "Remove the clip's mask")
        layout.addWidget(self.invert)
        layout.addWidget(self.clear)
        layout.addWidget(QLabel("Feather", self))
        self.feather = QSpinBox(self)
        self.feather.setObjectName("mask-feather")
        self.feather.setRange(0, 200)
        self.feather.setSuffix(" px")
        self.feather.setToolTip("Soft edge of the mask, in media pixels")
        layout.addWidget(self.feather)
        layout.addStretch(1)
        self.info = QLabel("", self)
        self.info.setObjectName("mask-info")
        layout.addWidget(self.info)
        self.track = self._button("mask-track", "Track Mask", "Follow the mask through the clip")
        self.inpaint = self._button("mask-inpaint", "Inpaint Shot…", "Fill the masked region in every frame")
        layout.addWidget(self.track)
        layout.addWidget(self.inpaint)

    def _button(self, name: str, text: str, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        return button

    def tool(self) -> str:
        return next(t for t, b in self.tool_buttons.items() if b.isChecked())
