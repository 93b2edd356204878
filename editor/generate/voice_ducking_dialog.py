"""Sequence > Ducking: how far music drops under voice-over, and how fast it goes and comes back."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QSpinBox, QWidget

from engine.render.ducking import AMOUNT_RANGE, TIME_RANGE_MS, DuckSettings


class DuckingDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ducking-dialog")
        self.setWindowTitle("Ducking")
        self.amount = QDoubleSpinBox(self)
        self.amount.setObjectName("ducking-amount")
        self.amount.setRange(*AMOUNT_RANGE)
        self.amount.setDecimals(1)
        self.amount.setSuffix(" dB")
        self.amount.setSpecialValueText("off")
        self.amount.setToolTip("How far music tracks drop wherever a voice-over clip plays (0: no ducking)")
        self.attack, self.release = QSpinBox(self), QSpinBox(self)
        self.attack.setObjectName("ducking-attack")
        self.release.setObjectName("ducking-release")
        for field in (self.attack, self.release):
            field.setRange(*TIME_RANGE_MS)
            field.setSingleStep(50)
            field.setSuffix(" ms")
        self.attack.setToolTip("The music starts going down this long before a line")
        self.release.setToolTip("and comes back up over this long after it")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        form = QFormLayout(self)
        form.addRow("Lower music by", self.amount)
        form.addRow("Attack", self.attack)
        form.addRow("Release", self.release)
        form.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def fill(self, settings: DuckSettings) -> None:
        self.amount.setValue(settings.amount_db)
        self.attack.setValue(settings.attack_ms)
        self.release.setValue(settings.release_ms)

    def settings(self) -> DuckSettings:
        return DuckSettings(round(self.amount.value(), 1), self.attack.value(), self.release.value())
