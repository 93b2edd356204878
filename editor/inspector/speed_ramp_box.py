"""Speed ramp keyframes in the inspector's Speed section (Premiere's time remapping).

A table of the clip's speed keyframes (frame from the clip's start, speed,
and how the speed goes on to the next one: linear or eased), a button that
adds one at the playhead at the speed playing there, one that removes the
selected keyframe, and the Speed ramp menu of presets (`speed_ramp.PRESETS`:
slow motion or a rush in the middle, into or out of slow motion, as
Clip > Speed/Duration… offers). Each change is one undo step through `engine.project.speed_ramp`; the
clip's length follows the curve, rippling later clips when the section's
"Ripple later clips" is on.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.flow_layout import FlowLayout
from editor.inspector.facts import clip_facts
from engine.project import document, ramp_curve, speed, speed_ramp

#: short, so the table's three columns fit a 300 px dock; the tooltip says what easing is
EASE_NAMES = ((ramp_curve.LINEAR, "Linear"), (ramp_curve.EASE, "Eased"))


class SpeedRampBox(QWidget):
    def __init__(
        self, context: EditorContext, ripple: Callable[[], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inspector-speed-ramp")
        self._context = context
        self._ripple = ripple
        self._ident: str | None = None
        self._start = 0
        self._length = 1
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("inspector-speed-ramp-keys")
        self.table.setHorizontalHeaderLabels(["Frame", "Speed", "To next"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # a few digits
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMaximumHeight(160)
        self.add = QPushButton("Add at playhead", self)
        self.add.setObjectName("inspector-speed-ramp-add")
        self.add.setToolTip("A speed keyframe at the playhead, at the speed playing there")
        self.remove = QPushButton("Remove", self)
        self.remove.setObjectName("inspector-speed-ramp-remove")
        self.preset = QPushButton("Speed ramp", self)
        self.preset.setObjectName("inspector-speed-ramp-preset")
        self.preset.setToolTip("A ramp preset over the clip's media, eased: the clip's length follows")
        menu = QMenu(self.preset)
        menu.setObjectName("inspector-speed-ramp-presets")
        #: one action per preset, by its key (`speed_ramp.PRESETS`)
        self.presets: dict[str, QAction] = {}
        for preset in speed_ramp.PRESETS:
            action = menu.addAction(preset.label)
            action.triggered.connect(lambda _checked=False, chosen=preset: self._preset(chosen))
            self.presets[preset.key] = action
        self.preset.setMenu(menu)
        buttons = FlowLayout()  # wraps in a narrow dock
        for button in (self.add, self.remove, self.preset):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        context.playhead.moved.connect(lambda _frame: self._update_buttons())

    def show_clip(self, ident: str | None) -> None:
        """Show `ident`'s ramp (called by the Speed section whenever it refreshes)."""
        facts = clip_facts(self._context.session.timeline, ident) if ident is not None else None
        self._ident = ident if facts is not None else None
        keys: list[ramp_curve.Keyframe] = []
        if facts is not None:
            self._start, self._length = facts.position, max(1, facts.duration)
            keys = ramp_curve.keyframes(document.find_clip(self._context.session.timeline, ident)[1])
        selected = self.table.currentRow()
        self.table.blockSignals(True)
        self.table.setRowCount(0)  # fresh cell editors: an old one left in place draws under the new
        self.table.setRowCount(len(keys))
        for row, key in enumerate(keys):
            frame = QTableWidgetItem(str(key.frame))
            frame.setToolTip(f"Frame {key.frame} from the clip's start")
            self.table.setItem(row, 0, frame)
            value = QDoubleSpinBox(self.table)
            value.setObjectName(f"inspector-speed-ramp-percent-{row}")
            value.setRange(float(speed.MIN_PERCENT), float(speed.MAX_PERCENT))
            value.setDecimals(1)
            value.setSingleStep(5.0)
            value.setSuffix(" %")
            value.setKeyboardTracking(False)
            value.setValue(float(key.percent))
            value.valueChanged.connect(lambda v, r=row: self._change(r, percent=v))
            self.table.setCellWidget(row, 1, value)
            ease = QComboBox(self.table)
            ease.setObjectName(f"inspector-speed-ramp-ease-{row}")
            for data, text in EASE_NAMES:
                ease.addItem(text, data)
            ease.setCurrentIndex(max(0, ease.findData(key.ease)))
            ease.setToolTip(
                "Linear, or eased in and out: the speed leaves this keyframe and reaches the next flat"
            )
            ease.setEnabled(row < len(keys) - 1)  # the last keyframe's speed simply holds
            ease.activated.connect(lambda _i, r=row, box=ease: self._change(r, ease=box.currentData()))
            self.table.setCellWidget(row, 2, ease)
        if keys:
            self.table.selectRow(min(max(selected, 0), len(keys) - 1))
        self.table.blockSignals(False)
        self._update_buttons()

    @property
    def offset(self) -> int:
        """The playhead in frames from the clip's start."""
        return self._context.playhead.frame - self._start

    def _update_buttons(self) -> None:
        here = self._ident is not None and 0 <= self.offset <= self._length
        self.add.setEnabled(here)
        self.remove.setEnabled(self._ident is not None and self.table.currentRow() >= 0)
        self.preset.setEnabled(self._ident is not None)

    def _apply(self, edit: Callable, *args: object, **kwargs: object) -> None:
        if self._ident is None:
            return
        if self._context.session.apply(edit, self._ident, *args, ripple=self._ripple(), **kwargs) is None:
            self.show_clip(self._ident)

    def _add(self) -> None:
        self._apply(speed_ramp.add_keyframe, self.offset)

    def _remove(self) -> None:
        if self.table.currentRow() >= 0:
            self._apply(speed_ramp.remove_keyframe, self.table.currentRow())

    def _preset(self, preset: speed_ramp.RampPreset) -> None:
        self._apply(speed_ramp.apply_preset, preset=preset)

    def _change(self, row: int, percent: float | None = None, ease: str | None = None) -> None:
        self.table.selectRow(row)
        self._apply(speed_ramp.change_keyframe, row, percent=percent, ease=ease)
