"""The seed field of the generation dialogs: it shows the seed the job will use, or says a new one is drawn.

With "Keep this seed" off, a dialog draws a new seed when the job is sent.
Showing the previous take's seed in an editable box then was a lie: the
user read "7", pressed Regenerate and got another seed. So while a new seed
will be drawn the box is greyed and reads "New seed"; ticking "Keep this
seed" brings back the seed it holds (the playing take's, or the last one
used) to keep or to type over. The seed actually used is recorded in the
new take's provenance, where the inspector shows it.
"""

from __future__ import annotations

import random

from PySide6.QtWidgets import QCheckBox, QSpinBox, QWidget

MAX_SEED = 2**31 - 1
NEW_SEED = "New seed"
KEEP_SEED = "Keep this seed"


def draw_seed() -> int:
    return random.randint(0, MAX_SEED)


class SeedBox(QSpinBox):
    """A seed spin box that reads "New seed" (greyed) while the dialog will draw one.

    Its value stays the seed to keep, so unticking and ticking "Keep this seed" loses nothing.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fresh = False
        self.setRange(0, MAX_SEED)
        self.valueChanged.connect(lambda _value: self._explain())
        self.set_fresh(True)

    @property
    def fresh(self) -> bool:
        """True while the job will get a newly drawn seed rather than this box's value."""
        return self._fresh

    def set_fresh(self, fresh: bool) -> None:
        self._fresh = fresh
        self.setEnabled(not fresh)
        self.lineEdit().setText(self.textFromValue(self.value()))
        self._explain()

    def textFromValue(self, value: int) -> str:
        return NEW_SEED if self._fresh else super().textFromValue(value)

    def _explain(self) -> None:
        if self._fresh:
            self.setToolTip(
                "A new seed is drawn for the job and recorded on the new take; "
                f"tick “{KEEP_SEED}” to use {self.value()} again"
            )
        else:
            self.setToolTip("The job uses this seed: the same settings and seed give the same result")


def seed_lock(box: SeedBox, parent: QWidget | None = None, tip: str = "") -> QCheckBox:
    """The "Keep this seed" box for `box`: ticked, the box shows its seed and the job uses it."""
    lock = QCheckBox(KEEP_SEED, parent)
    lock.setToolTip(tip or "Unticked, each job draws a new seed (a new variation)")
    lock.toggled.connect(lambda kept: box.set_fresh(not kept))
    box.set_fresh(not lock.isChecked())
    return lock
