"""A number a look takes, as a slider with a spin box beside it.

The slider is for feel, the box for exact values. Dragging shows the value
in the box as it goes (and emits `dragged`, which the sections turn into a
preview in the viewer, see `edit_preview`) and commits once on release, so
a drag is one undo step rather than a hundred; arrows, the wheel and typed values commit at
once (typed ones on Enter, see `spin.prepare`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractSlider, QDoubleSpinBox, QHBoxLayout, QSlider, QWidget

from editor.inspector import spin
from engine.project.looks import INTEGER_PARAMS, Param

STEPS = 1000  # slider positions over the parameter's range


class NumberField(QWidget):
    committed = Signal(str, float)  # parameter name, new value
    dragged = Signal(str, float)  # parameter name, value under the slider while it is dragged

    def __init__(self, param: Param, parent: QWidget | None = None, slider: bool = True) -> None:
        super().__init__(parent)
        self.param = param
        self.setObjectName(f"look-{param.name}")
        self.box = QDoubleSpinBox(self)
        self.box.setObjectName(f"look-{param.name}-value")
        whole = param.name in INTEGER_PARAMS
        self.box.setDecimals(0 if whole else 2)
        self.box.setSingleStep(1.0 if whole else _step(param))
        self.box.setRange(param.low, param.high)
        self.box.setToolTip(f"{param.label}: {param.low:g} to {param.high:g} (default {param.default:g})")
        spin.prepare(self.box)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.slider: QSlider | None = None
        if slider and not whole:
            self.slider = QSlider(Qt.Orientation.Horizontal, self)
            self.slider.setObjectName(f"look-{param.name}-slider")
            self.slider.setRange(0, STEPS)
            layout.addWidget(self.slider, 1)
            self.slider.sliderMoved.connect(self._dragging)
            self.slider.sliderReleased.connect(self._released)
            self.slider.actionTriggered.connect(self._stepped)
        layout.addWidget(self.box)
        self.box.valueChanged.connect(self._typed)

    def show_value(self, value: float) -> None:
        spin.show_value(self.box, value, self.param.low, self.param.high)
        self._place_slider(value)

    def value(self) -> float:
        return self.box.value()

    def _place_slider(self, value: float) -> None:
        if self.slider is None:
            return
        span = self.param.high - self.param.low
        self.slider.blockSignals(True)
        self.slider.setValue(round((value - self.param.low) / span * STEPS))
        self.slider.blockSignals(False)

    def _from_slider(self, position: int) -> float:
        value = self.param.low + (self.param.high - self.param.low) * position / STEPS
        return round(value, self.box.decimals())

    def _dragging(self, position: int) -> None:
        value = self._from_slider(position)
        self.box.blockSignals(True)
        self.box.setValue(value)
        self.box.blockSignals(False)
        self.dragged.emit(self.param.name, value)

    def _released(self) -> None:
        assert self.slider is not None
        self.committed.emit(self.param.name, self._from_slider(self.slider.value()))

    def _stepped(self, action: int) -> None:
        """A click on the groove or a key press moves the slider without a drag: commit it."""
        assert self.slider is not None
        if self.slider.isSliderDown() or action == QAbstractSlider.SliderAction.SliderMove.value:
            return
        position = self.slider.sliderPosition()
        self.committed.emit(self.param.name, self._from_slider(position))

    def _typed(self, value: float) -> None:
        self._place_slider(value)
        self.committed.emit(self.param.name, float(value))


def _step(param: Param) -> float:
    span = param.high - param.low
    return 0.01 if span <= 1 else 0.05 if span <= 10 else 1.0
