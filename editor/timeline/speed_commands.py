"""Clip > Speed/Duration… (Ctrl+R, as Premiere) and Clip > Freeze Frame at the playhead.

The dialog sets speed or duration (either follows the other: the media the
clip covers stays the same), reverse, ripple and the slow-motion method,
and applies them as one undo step; or, with a speed ramp chosen instead of
a constant speed, that ramp preset (`speed_ramp.PRESETS`: slow motion or a
rush in the middle, into or out of slow motion, eased; the inspector's
Speed ramp menu offers the same) over the same media. A ramp edited by hand
(keyframes no preset has) is offered, and chosen, as it is: OK must never
replace an editor's own ramp with a preset they did not pick. Freeze Frame holds the frame under the
playhead for the rest of the selected clip (or of the clip under the
playhead on the topmost video track with one).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from editor.inspector.speed_box import METHODS
from engine.errors import ShotlineError
from engine.project import document, ramp_curve, speed, speed_ramp, timewarp, trackedit
from engine.project.document import VIDEO
from engine.project.times import rt

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView

CONSTANT = "constant"
#: the kind list's entry for a clip's own ramp, edited by hand: OK keeps its keyframes
KEEP = "keep"
#: the default ramp's key in the kind list (each ramp preset is listed by its key)
RAMP = speed_ramp.PRESETS[0].key
KINDS = ((CONSTANT, "Constant speed"), *((p.key, p.label) for p in speed_ramp.PRESETS))


class SpeedDialog(QDialog):
    """Speed in percent or duration in frames for one clip covering `span` source frames."""

    def __init__(
        self,
        percent: float,
        reverse: bool,
        method: str,
        span: int,
        parent: QWidget | None = None,
        kind: str = CONSTANT,
        edited: str = "",
    ) -> None:
        """`edited`: the label of the clip's own hand-edited ramp, offered (first among the ramps)
        to keep as it is; empty when the clip has none."""
        super().__init__(parent)
        self.setWindowTitle("Clip Speed / Duration")
        self.setObjectName("speed-dialog")
        self._span = max(1, span)
        self.kind = QComboBox(self)
        self.kind.setObjectName("speed-dialog-kind")
        for key, text in KINDS:
            self.kind.addItem(text, key)
        self.kind.insertSeparator(1)  # constant speed, then the ramps
        if edited:
            self.kind.insertItem(2, edited, KEEP)
        self.kind.setToolTip("A constant speed, or a speed ramp (eased) over the same media")
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.percent = QDoubleSpinBox(self)
        self.percent.setObjectName("speed-dialog-percent")
        self.percent.setRange(float(speed.MIN_PERCENT), float(speed.MAX_PERCENT))
        self.percent.setDecimals(2)
        self.percent.setSuffix(" %")
        self.percent.setValue(percent)
        self.duration = QSpinBox(self)
        self.duration.setObjectName("speed-dialog-duration")
        self.duration.setRange(1, 10_000_000)
        self.duration.setSuffix(" frames")
        self.reverse = QCheckBox("Reverse speed", self)
        self.reverse.setChecked(reverse)
        self.ripple = QCheckBox("Ripple edit, shifting trailing clips", self)
        self.method = QComboBox(self)
        for key, text in METHODS:
            self.method.addItem(text, key)
        self.method.setCurrentIndex(max(0, self.method.findData(method)))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Change", self.kind)
        form.addRow("Speed", self.percent)
        form.addRow("Duration", self.duration)
        form.addRow("", self.reverse)
        form.addRow("", self.ripple)
        form.addRow("Slow motion", self.method)
        form.addRow(buttons)
        self._follow_percent(percent)
        self.percent.valueChanged.connect(self._follow_percent)
        self.duration.valueChanged.connect(self._follow_duration)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        """A ramp's speeds come from its keyframes: the constant speed's fields step aside."""
        constant = self.kind.currentData() == CONSTANT
        for field in (self.percent, self.duration, self.reverse):
            field.setEnabled(constant)

    def _follow_percent(self, percent: float) -> None:
        self.duration.blockSignals(True)
        self.duration.setValue(max(1, math.floor(self._span * 100 / percent + 0.5)))
        self.duration.blockSignals(False)

    def _follow_duration(self, frames: int) -> None:
        self.percent.blockSignals(True)
        self.percent.setValue(self._span * 100 / frames)
        self.percent.blockSignals(False)


def register(view: TimelineView) -> None:
    add = view.context.actions.add
    add("clip.speed", "Speed/D&uration…", lambda: speed_duration(view), "Clip", "Ctrl+R", "speed")
    add("clip.freeze_frame", "&Freeze Frame", lambda: freeze_at_playhead(view), "Clip", "", "speed")


def speed_duration(view: TimelineView) -> None:
    context = view.context
    ids = context.selection.ids
    if len(ids) != 1:
        context.status.show("Select one clip to change its speed", 3000)
        return
    try:
        clip = document.find_clip(context.session.timeline, ids[0])[1]
    except ShotlineError as error:
        context.status.show(str(error), 3000)
        return
    percent, reverse, frozen = speed.speed_percent(clip)
    if frozen:
        context.status.show("A freeze frame has no speed", 3000)
        return
    length = trackedit.source_frames(clip, view.rate)[1]
    span = timewarp.media_span(length, timewarp.time_scalar(clip))
    kind, edited = CONSTANT, ""
    if ramp_curve.has_ramp(clip):  # the ramp's own preset, or the ramp as edited by hand
        keys = ramp_curve.keyframes(clip)
        found = speed_ramp.preset_of(keys)
        kind, edited = (found.key, "") if found is not None else (KEEP, edited_label(keys))
    method_now = timewarp.interpolation(clip)
    dialog = SpeedDialog(float(percent), reverse, method_now, span, view, kind, edited)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    chosen, method = dialog.kind.currentData(), dialog.method.currentData()
    if chosen == KEEP:  # the keyframes stay; only the slow-motion method can change
        if method != method_now:
            context.session.apply(speed.set_interpolation, ids[0], method)
        return
    if chosen != CONSTANT:
        preset = speed_ramp.preset_named(chosen)
        ripple = dialog.ripple.isChecked()
        if method == method_now:
            context.session.apply(speed_ramp.apply_preset, ids[0], ripple=ripple, preset=preset)
            return
        with context.session.group("Speed Ramp"):
            context.session.apply(speed_ramp.apply_preset, ids[0], ripple=ripple, preset=preset)
            context.session.apply(speed.set_interpolation, ids[0], method)
        return
    context.session.apply(
        speed.set_speed,
        ids[0],
        dialog.percent.value(),
        reverse=dialog.reverse.isChecked(),
        ripple=dialog.ripple.isChecked(),
        interpolation=dialog.method.currentData(),
    )


def edited_label(keys: list[ramp_curve.Keyframe]) -> str:
    """The kind list's entry for a hand-edited ramp, worded as the presets are, with its speeds."""
    return f"Keep this ramp, as edited ({' → '.join(f'{float(k.percent):g}%' for k in keys)})"


def freeze_at_playhead(view: TimelineView) -> None:
    """Hold the playhead's frame in the selected clip under it, else in the topmost video clip there."""
    context = view.context
    frame = context.playhead.frame
    timeline = context.session.timeline
    chosen = None
    for ident in context.selection.ids:
        try:
            track, clip = document.find_clip(timeline, ident)
        except ShotlineError:
            continue
        slot = trackedit.slot_of(track, clip, view.rate)
        if slot.start <= frame < slot.end:
            chosen = ident
            break
    if chosen is None:
        for track in reversed(document.tracks(timeline, VIDEO)):
            slot = trackedit.slot_at(track, frame, view.rate)
            if slot is not None and isinstance(slot.item, document.Clip):
                chosen = document.clip_id(slot.item)
                break
    if chosen is None:
        context.status.show("No clip under the playhead to freeze", 3000)
        return
    change = context.session.apply(speed.freeze_frame, chosen, rt(frame, view.rate))
    if change is not None:
        context.selection.set([change.result])
