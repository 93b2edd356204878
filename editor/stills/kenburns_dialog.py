"""Clip > Ken Burns…: where the move starts and ends, as a zoom and a centre for each end.

An editor thinks of a push-in as "from the whole picture to 130 % on her
face", not as rectangles, so each framing is a zoom (100 % shows the whole
still) and the point it centres on (percent across and down). The framing
is kept inside the picture: a centre too near an edge for its zoom slides
inward, as it would on a rostrum camera. A few common moves fill both ends.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from engine.project.kenburns import EASE, FULL, LINEAR, KenBurns, Rect

#: (name, start (zoom %, centre x %, centre y %), end): moves every slideshow editor offers.
PRESETS = (
    ("Push in", (100.0, 50.0, 50.0), (130.0, 50.0, 50.0)),
    ("Pull out", (130.0, 50.0, 50.0), (100.0, 50.0, 50.0)),
    ("Pan left to right", (120.0, 0.0, 50.0), (120.0, 100.0, 50.0)),
    ("Pan right to left", (120.0, 100.0, 50.0), (120.0, 0.0, 50.0)),
)
MAX_ZOOM = 800.0


def rect_for(zoom: float, centre_x: float, centre_y: float) -> Rect:
    """The framing (fractions of the picture) at `zoom` % centred as near (x %, y %) as fits."""
    size = 100.0 / max(zoom, 100.0)
    x = min(max(centre_x / 100.0 - size / 2, 0.0), 1.0 - size)
    y = min(max(centre_y / 100.0 - size / 2, 0.0), 1.0 - size)
    return (x, y, size, size)


def framing_of(rect: Rect) -> tuple[float, float, float]:
    """(zoom %, centre x %, centre y %) of a framing; a non-square one by its width."""
    x, y, w, h = rect
    return 100.0 / w, (x + w / 2) * 100.0, (y + h / 2) * 100.0


class _Framing(QGroupBox):
    def __init__(self, title: str, name: str, parent: QWidget) -> None:
        super().__init__(title, parent)
        self.zoom, self.x, self.y = QDoubleSpinBox(self), QDoubleSpinBox(self), QDoubleSpinBox(self)
        for box, low, high, suffix, part in (
            (self.zoom, 100.0, MAX_ZOOM, " %", "zoom"),
            (self.x, 0.0, 100.0, " %", "x"),
            (self.y, 0.0, 100.0, " %", "y"),
        ):
            box.setRange(low, high)
            box.setDecimals(1)
            box.setSuffix(suffix)
            box.setObjectName(f"kenburns-{name}-{part}")
        form = QFormLayout(self)
        form.addRow("Zoom", self.zoom)
        form.addRow("Centre across", self.x)
        form.addRow("Centre down", self.y)

    def set(self, zoom: float, x: float, y: float) -> None:
        self.zoom.setValue(zoom)
        self.x.setValue(x)
        self.y.setValue(y)

    def rect(self) -> Rect:
        return rect_for(self.zoom.value(), self.x.value(), self.y.value())


class KenBurnsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kenburns-dialog")
        self.setWindowTitle("Ken Burns")
        self.removing = False
        self.preset = QComboBox(self)
        self.preset.setObjectName("kenburns-preset")
        self.preset.addItem("Custom")
        for name, _start, _end in PRESETS:
            self.preset.addItem(name)
        self.start = _Framing("Start framing (first frame)", "start", self)
        self.end = _Framing("End framing (last frame)", "end", self)
        self._presetting = False  # a preset is filling the boxes: they are not the user's own move
        for framing in (self.start, self.end):
            for box in (framing.zoom, framing.x, framing.y):
                box.valueChanged.connect(self._typed)
        self.easing = QComboBox(self)
        self.easing.setObjectName("kenburns-easing")
        self.easing.addItem("Eased (starts and ends gently)", EASE)
        self.easing.addItem("Linear (constant speed)", LINEAR)
        self.note = QLabel("100 % shows the whole picture; the framing stays inside it.", self)
        self.note.setWordWrap(True)
        self.note.setEnabled(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.remove = buttons.addButton("Remove Move", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.remove.setObjectName("kenburns-remove")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.remove.clicked.connect(self._remove)
        self.preset.activated.connect(self._apply_preset)

        top = QFormLayout()
        top.addRow("Move", self.preset)
        ends = QHBoxLayout()
        ends.addWidget(self.start)
        ends.addWidget(self.end)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(ends)
        easing = QFormLayout()
        easing.addRow("Speed", self.easing)
        layout.addLayout(easing)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def fill(self, move: KenBurns | None, clip_name: str) -> None:
        """Show the clip's move, or a gentle push-in for a clip without one."""
        self.setWindowTitle(f"Ken Burns: {clip_name}")
        self.removing = False
        self.remove.setEnabled(move is not None)
        if move is None:
            self.preset.setCurrentIndex(1)
            self._apply_preset(1)
            self.easing.setCurrentIndex(0)
            return
        self._presetting = True
        try:
            self.start.set(*framing_of(move.start))
            self.end.set(*framing_of(move.end))
        finally:
            self._presetting = False
        self.preset.setCurrentIndex(0)
        self.easing.setCurrentIndex(max(0, self.easing.findData(move.easing)))

    def _apply_preset(self, index: int) -> None:
        if index <= 0:
            return
        _name, start, end = PRESETS[index - 1]
        self._presetting = True
        try:
            self.start.set(*start)
            self.end.set(*end)
        finally:
            self._presetting = False

    def _typed(self) -> None:
        """A framing changed by hand is the user's own move."""
        if not self._presetting:
            self.preset.setCurrentIndex(0)

    def _remove(self) -> None:
        self.removing = True
        self.accept()

    def values(self) -> KenBurns:
        """The move the dialog shows."""
        return KenBurns(self.start.rect(), self.end.rect(), str(self.easing.currentData()))


__all__ = ["FULL", "KenBurnsDialog", "framing_of", "rect_for"]
