"""Clip > Extend Shot…: how many frames, at which end, what they push, and who makes them.

The length is typed in frames or seconds (an editor thinks "one more
second", a conform list says "+12 frames"); either way the job asks for a
whole number of frames at the project rate, shown next to the field so
there is no doubt what "1.5 s" becomes. The backend list is the engine's,
ready ones first with the default marked, so the no-download motion
continuation is what Enter picks until the user chooses a model.
"""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from editor.generate.dialog_backends import fit_backend_box, show_items_whole
from editor.generate.shot_options import ShotOptions
from engine.generate.extend.request import CONTEXT_FRAMES
from engine.generate.extend.timeline import ExtendDefaults
from engine.generate.presets import presets_file
from engine.project.extend import OVERWRITE, RIPPLE
from engine.project.times import rate_fraction, timecode

EXTEND_PRESETS = presets_file("extend.json")

MAX_SEED = 2**31 - 1
FRAMES, SECONDS = "frames", "seconds"
MAX_EXTEND_SECONDS = 60


class ExtendDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("extend-dialog")
        self.setWindowTitle("Extend Shot")
        self.setMinimumWidth(500)
        self.rate = 30.0
        self.tail = QRadioButton("After its last frame", self)
        self.head = QRadioButton("Before its first frame", self)
        self.tail.setChecked(True)
        self._sides = QButtonGroup(self)
        self._sides.addButton(self.tail)
        self._sides.addButton(self.head)
        self.amount = QDoubleSpinBox(self)
        self.amount.setObjectName("extend-amount")
        self.unit = QComboBox(self)
        self.unit.addItem("frames", FRAMES)
        self.unit.addItem("seconds", SECONDS)
        self.exact = QLabel(self)
        self.exact.setObjectName("extend-exact")
        self.ripple = QRadioButton("Ripple: later clips move (linked tracks too)", self)
        self.overwrite = QRadioButton("Overwrite: the new frames cover what is next to it", self)
        self.ripple.setChecked(True)
        self._modes = QButtonGroup(self)
        self._modes.addButton(self.ripple)
        self._modes.addButton(self.overwrite)
        self.backend = QComboBox(self)
        self.backend.setObjectName("extend-backend")
        fit_backend_box(self.backend)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setPlaceholderText("What happens next (for AI models; motion continuation ignores it)")
        self.prompt.setFixedHeight(70)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, MAX_SEED)
        self.note = QLabel(
            "A linked camera sound is left as it is; a take's own sound (LTX-2) grows with the shot.", self
        )
        self.note.setWordWrap(True)
        self.note.setEnabled(False)

        sides, length = QHBoxLayout(), QHBoxLayout()
        sides.addWidget(self.tail)
        sides.addWidget(self.head)
        sides.addStretch(1)
        length.addWidget(self.amount, 1)
        length.addWidget(self.unit)
        length.addWidget(self.exact, 1)
        form = QFormLayout(self)
        form.addRow("Add frames", sides)
        form.addRow("Length", length)
        form.addRow("Timeline", self.ripple)
        form.addRow("", self.overwrite)
        form.addRow("Backend", self.backend)
        form.addRow("Prompt", self.prompt)
        form.addRow("Seed", self.seed)
        self.options = ShotOptions(self, EXTEND_PRESETS)
        for label, widget in self.options.rows(anchors=False):
            form.addRow(label, widget)
        self._shot_size: tuple[int, int] | None = None
        self._vram_gb: float | None = None
        self._load: dict[str, Any] = {}
        self.backend.currentIndexChanged.connect(lambda _index: self._update_plan())
        form.addRow("", self.note)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        self._ok = buttons.button(standard.Ok)
        self._ok.setText("Extend")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._frames = 30
        self.unit.currentIndexChanged.connect(self._unit_changed)
        self.amount.valueChanged.connect(self._show_exact)
        self.amount.valueChanged.connect(lambda _value: self._update_plan())
        self._unit_changed()

    # filling ---------------------------------------------------------------------------

    def set_backends(self, backends: list[dict[str, Any]]) -> None:
        """The engine's video.extend backends, ready ones first, the default marked; not ready: why."""
        self.backend.clear()
        for backend in sorted(backends, key=lambda b: (not b["ready"], not b.get("default"))):
            label = backend["label"] + (" (default)" if backend.get("default") else "")
            if not backend["ready"]:
                label = f"{label} — {backend['reason']}"
            self.backend.addItem(label, backend["name"])
        self.backend.setCurrentIndex(0)
        show_items_whole(self.backend)

    def set_machine(self, size: tuple[int, int], vram_gb: float | None, load: dict[str, Any]) -> None:
        """The project's picture size, the engine's GPU memory and the load options, for the plan shown."""
        self._shot_size, self._vram_gb, self._load = size, vram_gb, load
        self._update_plan()

    def _update_plan(self) -> None:
        """The model is shown the clip's last frames (its context) and makes the new ones in one call:
        the plan is for both together, as the engine plans it."""
        rate = getattr(self, "rate", None)
        frames = self.frames + getattr(self, "_context_frames", 0)
        shot = (frames, rate_fraction(rate), self._shot_size) if rate and self._shot_size else None
        self.options.update_for(self.chosen_backend, None, shot, self._vram_gb, self._load)

    def fill(self, defaults: ExtendDefaults, rate: float, frames: int = 0, head: bool = False) -> None:
        """Prefill for one clip; `frames` (from a trim past the media's end) sets the length asked."""
        self.rate = rate
        self._context_frames = min(CONTEXT_FRAMES, defaults.count)
        self.setWindowTitle(f"Extend {defaults.name}")
        (self.head if head else self.tail).setChecked(True)
        self._frames = frames or round(rate)  # a second, unless a trim asked for a number of frames
        self.unit.blockSignals(True)
        self.unit.setCurrentIndex(self.unit.findData(FRAMES if frames else SECONDS))
        self.unit.blockSignals(False)
        self._unit_changed()
        self.prompt.setPlainText(str(defaults.values.get("prompt") or ""))
        seed = defaults.values.get("seed")
        self.seed.setValue(int(seed) if seed is not None else random.randint(0, MAX_SEED))
        self._show_exact()

    # reading ---------------------------------------------------------------------------

    @property
    def frames(self) -> int:
        """The length asked, in whole frames at the project rate (at least one)."""
        if self.unit.currentData() == FRAMES:
            return max(1, round(self.amount.value()))
        seconds = Fraction(str(round(self.amount.value(), 3)))
        return max(1, round(seconds * Fraction(str(self.rate))))

    @property
    def chosen_backend(self) -> str | None:
        return self.backend.currentData()

    def values(self) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "head": self.head.isChecked(),
            "mode": RIPPLE if self.ripple.isChecked() else OVERWRITE,
            "prompt": self.prompt.toPlainText().strip(),
            "seed": self.seed.value(),
            **self.options.values(),
        }

    # keeping the two units honest ----------------------------------------------------

    def _unit_changed(self) -> None:
        """Switching units keeps the length: 24 frames at 24 fps become 1.00 seconds."""
        frames = self._frames
        self.amount.blockSignals(True)
        if self.unit.currentData() == FRAMES:
            self.amount.setDecimals(0)
            self.amount.setRange(1, MAX_EXTEND_SECONDS * 240)
            self.amount.setSingleStep(1)
            self.amount.setValue(frames)
        else:
            self.amount.setDecimals(2)
            self.amount.setRange(0.01, MAX_EXTEND_SECONDS)
            self.amount.setSingleStep(0.5)
            self.amount.setValue(frames / self.rate)
        self.amount.blockSignals(False)
        self._show_exact()

    def _show_exact(self) -> None:
        frames = self._frames = self.frames
        self.exact.setText(f"= {frames} frames ({timecode(frames, self.rate)})")
