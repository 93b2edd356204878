"""The Score Music dialog: what the cue should sound like, and whether it follows the cuts.

The prompt is free words (mood, genre, instruments); tempo is Auto (the
style's, or the one that fits the cuts) or a BPM; key is Auto or a key;
intensity goes from sparse to full. "Hit the cuts" is on by default, as a
score that fits the cut is the point. The range and its cuts are shown so
the user knows what will be scored before pressing Score. The seed reads
"New seed" unless "Keep this seed" is ticked (editor.generate.seed); a score
remembers the seed it drew, so ticking the box next time keeps that tune.
A backend that loads a model shows the plan the planner would pick for this
cue on the engine's card, with the rungs the user may pick instead
(editor.generate.plan_choice).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSlider,
    QSpinBox,
    QWidget,
)

from editor.generate.dialog_backends import fit_backend_box, show_items_whole
from editor.generate.plan_choice import PlanChoice
from editor.generate.quality_choice import QualityChoice
from editor.generate.seed import SeedBox, draw_seed, seed_lock
from engine.generate.job_plans import preset_entry, score_draft, score_plans
from engine.generate.model_choices import model_backend

TASK = "music.score"

KEYS = ("Auto", "C major", "G major", "D major", "A major", "E major", "F major", "Bb major", "Eb major",
        "A minor", "E minor", "B minor", "D minor", "G minor", "C minor", "F# minor", "D dorian")  # fmt: skip


class ScoreDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("score-dialog")
        self.setWindowTitle("Score Music")
        self.setMinimumWidth(480)
        self.range_label = QLabel(self)
        self.range_label.setObjectName("score-range")
        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("score-prompt")
        self.prompt.setPlaceholderText('Mood, genre, instruments: "tense cinematic strings and drums"')
        self.prompt.setFixedHeight(70)
        self.auto_tempo = QCheckBox("Auto", self)
        self.auto_tempo.setChecked(True)
        self.bpm = QSpinBox(self)
        self.bpm.setObjectName("score-bpm")
        self.bpm.setRange(40, 240)
        self.bpm.setValue(100)
        self.bpm.setSuffix(" BPM")
        self.bpm.setEnabled(False)
        self.auto_tempo.toggled.connect(lambda auto: self.bpm.setEnabled(not auto))
        self.key = QComboBox(self)
        self.key.setObjectName("score-key")
        self.key.addItems(KEYS)
        self.intensity = QSlider(Qt.Orientation.Horizontal, self)
        self.intensity.setObjectName("score-intensity")
        self.intensity.setRange(0, 100)
        self.intensity.setValue(50)
        self.hit_cuts = QCheckBox("Hit the cuts (a downbeat and a new phrase on every shot)", self)
        self.hit_cuts.setObjectName("score-hit-cuts")
        self.hit_cuts.setChecked(True)
        self.seed = SeedBox(self)
        self.seed.setObjectName("score-seed")
        self.seed.setValue(draw_seed())
        self.seed_lock = seed_lock(self.seed, self, "Unticked, each score draws a new seed (another tune)")
        self.backend = QComboBox(self)
        self.backend.setObjectName("score-backend")
        fit_backend_box(self.backend)
        self.plans = PlanChoice(self, "score-plan")
        self.quality = QualityChoice(self)
        self._cue: tuple[int, Fraction] | None = None
        self._vram_gb: float | None = None
        self._loads: dict[str, dict[str, Any]] = {}
        self.backend.currentIndexChanged.connect(lambda _index: self._update_plan())
        tempo_row = QHBoxLayout()
        tempo_row.addWidget(self.auto_tempo)
        tempo_row.addWidget(self.bpm, 1)
        intensity_row = QHBoxLayout()
        intensity_row.addWidget(QLabel("Sparse", self))
        intensity_row.addWidget(self.intensity, 1)
        intensity_row.addWidget(QLabel("Full", self))
        form = QFormLayout(self)
        form.addRow("Range", self.range_label)
        form.addRow("Prompt", self.prompt)
        form.addRow("Tempo", tempo_row)
        form.addRow("Key", self.key)
        form.addRow("Intensity", intensity_row)
        form.addRow("", self.hit_cuts)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.seed_lock)
        form.addRow("Seed", seed_row)
        form.addRow("Backend", self.backend)
        for label, widget in self.plans.rows():
            form.addRow(label, widget)
        form.addRow("Quality", self.quality.box)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel, self)
        buttons.button(standard.Ok).setText("Score")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def set_backends(self, backends: list[dict[str, Any]]) -> None:
        current = self.backend.currentData()
        self.backend.clear()
        for backend in sorted(backends, key=lambda b: (not b["ready"], not b.get("default"))):
            label = (
                backend["label"] if backend["ready"] else f"{backend['label']} — {backend.get('reason', '')}"
            )
            self.backend.addItem(label, backend["name"])
        self.backend.setCurrentIndex(max(0, self.backend.findData(current)))
        show_items_whole(self.backend)

    def set_range(self, text: str) -> None:
        self.range_label.setText(text)

    def set_cue(
        self, frames: int, rate: Fraction, vram_gb: float | None, loads: dict[str, dict[str, Any]]
    ) -> None:
        """The cue the plan is for, the engine's GPU memory, and each backend's model and load options."""
        self._cue, self._vram_gb, self._loads = (frames, rate), vram_gb, loads
        self._update_plan()

    def _update_plan(self) -> None:
        backend = self.chosen_backend
        load = self._loads.get(backend or "", {})
        self.quality.show_choice(score_draft(backend, load.get("model")))
        entry = preset_entry(TASK, backend, load.get("model"))
        if entry is None or self._cue is None:
            self.plans.show_unplanned(loads_model=model_backend(TASK, backend) is not None)
            return
        plans, chosen = score_plans(entry, *self._cue, self._vram_gb, load)
        self.plans.show_plans(plans, chosen, self._vram_gb)

    def values(self) -> dict[str, Any]:
        """What to ask for; a new seed unless the user kept this one (kept in the box for next time)."""
        if not self.seed_lock.isChecked():
            self.seed.setValue(draw_seed())
        key = self.key.currentText()
        return {
            "prompt": self.prompt.toPlainText().strip(),
            "bpm": None if self.auto_tempo.isChecked() else self.bpm.value(),
            "key": None if key == "Auto" else key,
            "intensity": self.intensity.value() / 100,
            "hit_cuts": self.hit_cuts.isChecked(),
            "seed": self.seed.value(),
            **self.plans.value(),
            **self.quality.value(),
        }

    @property
    def chosen_backend(self) -> str | None:
        return self.backend.currentData()
