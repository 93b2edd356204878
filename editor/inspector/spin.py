"""Number fields that can say "mixed" when the selected clips disagree.

A spin box has no empty state, so "mixed" is one step below the real
minimum, shown as special text; the user can never pick it, because any edit
moves the value back into the real range and the panel refreshes from the
document right after.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QSpinBox

MIXED = "mixed"


def show_value(spin: QSpinBox | QDoubleSpinBox, value: float | None, minimum: float, maximum: float) -> None:
    """Show `value`, or "mixed" for None, without emitting valueChanged."""
    spin.blockSignals(True)
    try:
        spin.setMaximum(maximum)
        if value is None:
            spin.setMinimum(minimum - spin.singleStep())
            spin.setSpecialValueText(MIXED)
            spin.setValue(spin.minimum())
        else:
            spin.setSpecialValueText("")
            spin.setMinimum(minimum)
            spin.setValue(value)
    finally:
        spin.blockSignals(False)


def is_mixed(spin: QSpinBox | QDoubleSpinBox, value: float) -> bool:
    return bool(spin.specialValueText()) and value == spin.minimum()


def prepare(spin: QAbstractSpinBox) -> None:
    """Typed values apply on Enter or when the field loses focus, not at every keystroke,
    so typing "-12" is one undo step and never a step to "-1" first."""
    spin.setKeyboardTracking(False)
    spin.setAccelerated(True)
