"""The inspector's Speed section: a clip's speed, reverse, ripple and slow-motion method.

Shown for one selected clip. Speed is typed in percent (any value from 1%
to 10000%; the arrows step by 5%); each change is one undo step through
`engine.project.speed`, applied to the clip and its linked partners (a
speed typed over a ramp replaces it; the ramp's keyframes are
`speed_ramp_box`'s). The
slow-motion method matters only below 100%, so it is enabled only there.
A freeze frame has no speed: the section says so instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QWidget,
)

from editor.context import EditorContext
from editor.inspector.following import follow, one_selected_clip
from editor.inspector.speed_ramp_box import SpeedRampBox
from engine.project import document, ramp_curve, speed, timewarp

METHODS = (
    (timewarp.NEAREST, "Nearest frame"),
    (timewarp.BLEND, "Frame blending"),
    (timewarp.FLOW, "Optical flow"),
)


class SpeedBox(QGroupBox):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__("Speed", parent)
        self.setObjectName("inspector-speed")
        self._context = context
        self._ident: str | None = None
        self.percent = QDoubleSpinBox(self)
        self.percent.setObjectName("inspector-speed-percent")
        self.percent.setRange(float(speed.MIN_PERCENT), float(speed.MAX_PERCENT))
        self.percent.setDecimals(2)
        self.percent.setSingleStep(5.0)
        self.percent.setSuffix(" %")
        self.percent.setKeyboardTracking(False)  # one edit when typing is done, not one per digit
        self.reverse = QCheckBox("Reverse", self)
        self.reverse.setObjectName("inspector-speed-reverse")
        self.ripple = QCheckBox("Ripple later clips", self)
        self.ripple.setObjectName("inspector-speed-ripple")
        self.ripple.setToolTip(
            "On: clips after this one move by the change in length. "
            "Off: the clip only grows into the gap after it and leaves a gap when it shrinks."
        )
        self.method = QComboBox(self)
        self.method.setObjectName("inspector-speed-method")
        for key, text in METHODS:
            self.method.addItem(text, key)
        self.method.setToolTip("How frames between two source frames are made when the clip plays slower")
        self.frozen = QLabel("Freeze frame: holds one frame", self)
        self.frozen.setObjectName("inspector-speed-frozen")
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the ramp under its label
        self.form.addRow("Speed", self.percent)
        self.form.addRow("", self.reverse)
        self.form.addRow("", self.ripple)
        self.form.addRow("Slow motion", self.method)
        self.ramp = SpeedRampBox(context, self.ripple.isChecked, self)
        self.form.addRow(QLabel("Speed ramp keyframes", self))
        self.form.addRow(self.ramp)  # the whole width: its table's columns fit a narrow dock
        self.form.addRow(self.frozen)
        self.percent.valueChanged.connect(self._set_speed)
        self.reverse.toggled.connect(self._set_speed)
        self.method.activated.connect(self._set_method)
        follow(context, self.refresh)
        self.refresh()

    @property
    def clip_id(self) -> str | None:
        return self._ident

    def refresh(self) -> None:
        clip = one_selected_clip(self._context)
        self.setVisible(clip is not None)
        if clip is None:
            self._ident = None
            return
        self._ident = document.clip_id(clip)
        percent, reverse, frozen = speed.speed_percent(clip)
        for field in (self.percent, self.reverse, self.method):
            field.blockSignals(True)
        self.percent.setValue(float(percent))
        self.reverse.setChecked(reverse)
        self.method.setCurrentIndex(max(0, self.method.findData(timewarp.interpolation(clip))))
        for field in (self.percent, self.reverse, self.method):
            field.blockSignals(False)
        for row in range(6):
            self.form.setRowVisible(row, not frozen)
        self.form.setRowVisible(self.frozen, frozen)
        keys = ramp_curve.keyframes(clip)
        self.percent.setPrefix("mean " if keys else "")  # a ramp's speed varies: this is its average
        self.method.setEnabled(percent < 100 or any(k.percent < 100 for k in keys))
        self.ramp.show_clip(None if frozen or reverse else self._ident)

    def _set_speed(self) -> None:
        if self._ident is None:
            return
        result = self._context.session.apply(
            speed.set_speed,
            self._ident,
            self.percent.value(),
            reverse=self.reverse.isChecked(),
            ripple=self.ripple.isChecked(),
        )
        if result is None:
            self.refresh()

    def _set_method(self) -> None:
        if self._ident is None:
            return
        if (
            self._context.session.apply(speed.set_interpolation, self._ident, self.method.currentData())
            is None
        ):
            self.refresh()
