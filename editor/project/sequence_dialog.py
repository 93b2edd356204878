"""The sequence settings dialog: frame size (presets or custom), frame rate and sample rate.

File > New asks it before making the project; Sequence > Settings… asks it
again later, where a different frame rate is a conform (the dialog says so
before the user commits to it).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.project.document import SAMPLE_RATES, ProjectSettings
from engine.project.sequence import RATE_LABELS, SIZE_PRESETS
from engine.project.times import ALLOWED_RATES, rate_fraction

CUSTOM = "Custom"


class SequenceSettingsDialog(QDialog):
    def __init__(self, current: ProjectSettings, parent: QWidget | None = None, new: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("sequence-settings")
        self.setWindowTitle("New Project" if new else "Sequence Settings")
        self._current = current
        self.size_preset = QComboBox(self)
        for label, width, height in SIZE_PRESETS:
            self.size_preset.addItem(label, f"{width}x{height}")  # a tuple would not survive QVariant
        self.size_preset.addItem(CUSTOM, None)
        self.width_box, self.height_box = QSpinBox(self), QSpinBox(self)
        for box in (self.width_box, self.height_box):
            box.setRange(16, 8192)
            box.setSingleStep(2)
        self.width_box.setValue(current.width)
        self.height_box.setValue(current.height)
        self.rate = QComboBox(self)
        labels = list(RATE_LABELS)
        exact = rate_fraction(current.rate)
        current_label = next((k for k, v in ALLOWED_RATES.items() if v == exact), "30")
        if current_label not in labels:
            labels.append(current_label)  # a project at 59.94 keeps its rate on offer
        for label in labels:
            self.rate.addItem(f"{label} fps", label)
        self.rate.setCurrentIndex(labels.index(current_label))
        self.sample_rate = QComboBox(self)
        for value in SAMPLE_RATES:
            self.sample_rate.addItem(f"{value} Hz", value)
        self.sample_rate.setCurrentIndex(max(0, self.sample_rate.findData(current.sample_rate)))
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.note.setObjectName("sequence-settings-note")

        sizes = QHBoxLayout()
        sizes.addWidget(self.width_box)
        sizes.addWidget(QLabel("×", self))
        sizes.addWidget(self.height_box)
        form = QFormLayout()
        form.addRow("Frame size", self.size_preset)
        form.addRow("", sizes)
        form.addRow("Frame rate", self.rate)
        form.addRow("Sample rate", self.sample_rate)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create" if new else "Apply")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

        self._new = new
        self.size_preset.currentIndexChanged.connect(self._preset_chosen)
        self.width_box.valueChanged.connect(self._size_typed)
        self.height_box.valueChanged.connect(self._size_typed)
        self.rate.currentIndexChanged.connect(self._explain)
        self._size_typed()
        self._explain()

    def _preset_chosen(self) -> None:
        data = self.size_preset.currentData()
        if not data:
            return
        size = [int(v) for v in str(data).split("x")]
        for box, value in zip((self.width_box, self.height_box), size, strict=True):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)

    def _size_typed(self) -> None:
        """Typing a size that is a preset selects it; any other selects Custom."""
        index = self.size_preset.findData(f"{self.width_box.value()}x{self.height_box.value()}")
        self.size_preset.blockSignals(True)
        self.size_preset.setCurrentIndex(index if index >= 0 else self.size_preset.findText(CUSTOM))
        self.size_preset.blockSignals(False)

    def _explain(self) -> None:
        if self._new:
            self.note.setText("Size and sample rate can be changed later in Sequence > Settings.")
        elif rate_fraction(self.rate.currentData()) != rate_fraction(self._current.rate):
            self.note.setText(
                "Changing the frame rate conforms every cut to whole frames at the new rate; "
                "cuts that cannot stay exactly in place are listed afterwards. One undo step."
            )
        else:
            self.note.setText("Size and sample rate change freely; nothing on the timeline moves.")

    def values(self) -> tuple[tuple[int, int], str, int]:
        """(size, rate label, sample rate) as chosen."""
        return (
            (self.width_box.value() // 2 * 2, self.height_box.value() // 2 * 2),
            str(self.rate.currentData()),
            int(self.sample_rate.currentData()),
        )


def ask(parent: QWidget, current: ProjectSettings, new: bool) -> tuple[tuple[int, int], str, int] | None:
    """The settings the user chose, or None when they cancelled. Tests replace this function."""
    dialog = SequenceSettingsDialog(current, parent, new)
    return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None
