"""The mask tools under the viewer's top row: what to paint with, and what to do with the mask.

Two short rows rather than one long one: in one row the bar was about 1070
pixels at its narrowest, which forced the viewer dock that wide and squeezed
the media bin and inspector to slivers that did not grow back when Mask mode
was turned off. The clip's mask summary elides instead of widening the bar. The chosen tool
is drawn highlighted, as the bin's List/Icons buttons are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.elided_label import ElidedLabel
from editor.masks.canvas import BRUSH, ELLIPSE, ERASER, RECTANGLE

TOOL_LABELS = ((BRUSH, "Brush"), (ERASER, "Eraser"), (RECTANGLE, "Rectangle"), (ELLIPSE, "Ellipse"))
DEFAULT_OPACITY = 50  # percent
CHECKED_STYLE = "QToolButton:checked { background: #3d5a80; border-color: #6f9be0; }"


class MaskBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mask-bar")
        self.setStyleSheet(CHECKED_STYLE)  # the theme draws a checked tool button like any other
        tools_row, mask_row = QHBoxLayout(), QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(tools_row)
        layout.addLayout(mask_row)

        # what the pointer does
        self.tools = QButtonGroup(self)
        self.tool_buttons: dict[str, QToolButton] = {}
        for tool, label in TOOL_LABELS:
            button = self._button(f"mask-{tool}", label, f"Paint with the {label.lower()}", checkable=True)
            self.tools.addButton(button)
            self.tool_buttons[tool] = button
            tools_row.addWidget(button)
        self.tool_buttons[BRUSH].setChecked(True)
        self.tool_buttons[BRUSH].setToolTip("Paint with the brush ([ smaller, ] larger)")
        self.size_label = QLabel("", self)
        self.size_label.setObjectName("mask-size")
        self.size_label.setToolTip("Brush size in media pixels: [ smaller, ] larger")
        tools_row.addWidget(self.size_label)
        tools_row.addSpacing(8)
        self.invert = self._button("mask-invert", "Invert", "Fill everything but the painted area", True)
        self.clear = self._button("mask-clear", "Clear", "Remove the clip's mask")
        tools_row.addWidget(self.invert)
        tools_row.addWidget(self.clear)
        tools_row.addSpacing(8)
        self.info = ElidedLabel(self)
        self.info.setObjectName("mask-info")
        tools_row.addWidget(self.info, 1)

        # how the mask looks, and what to do with it
        mask_row.addWidget(QLabel("Feather", self))
        self.feather = QSpinBox(self)
        self.feather.setObjectName("mask-feather")
        self.feather.setRange(0, 200)
        self.feather.setSuffix(" px")
        self.feather.setToolTip("Soft edge of the mask, in media pixels")
        mask_row.addWidget(self.feather)
        mask_row.addSpacing(8)
        mask_row.addWidget(QLabel("Overlay", self))
        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setObjectName("mask-opacity")
        self.opacity.setRange(0, 100)
        self.opacity.setSingleStep(5)
        self.opacity.setPageStep(10)
        self.opacity.setFixedWidth(90)
        self.opacity.setToolTip("How strongly the mask is tinted over the picture (only what you see)")
        self.opacity_label = QLabel(self)
        self.opacity_label.setObjectName("mask-opacity-value")
        self.opacity_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("100%") + 4)
        self.opacity.valueChanged.connect(lambda v: self.opacity_label.setText(f"{v}%"))
        self.opacity.setValue(DEFAULT_OPACITY)
        self.opacity_label.setText(f"{DEFAULT_OPACITY}%")
        mask_row.addWidget(self.opacity)
        mask_row.addWidget(self.opacity_label)
        mask_row.addStretch(1)
        self.track = self._button("mask-track", "Track Mask", "Follow the mask through the clip")
        self.inpaint = self._button("mask-inpaint", "Inpaint Shot…", "Fill the masked region in every frame")
        mask_row.addWidget(self.track)
        mask_row.addWidget(self.inpaint)

    def _button(self, name: str, text: str, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        return button

    def tool(self) -> str:
        return next(t for t, b in self.tool_buttons.items() if b.isChecked())
