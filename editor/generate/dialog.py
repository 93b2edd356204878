"""The Regenerate Shot dialog: the active take's settings, for the user to change one thing.

Prefilled from the take that plays now (prompt, negative prompt, seed,
backend, model, steps, guidance, reference image) so the common case, "same
shot, new seed" or "same seed, better prompt", is one change and Enter. The
seed has a lock: locked, the seed stays; unlocked, every regenerate draws a
new one, and the seed box says so ("New seed") instead of showing the old
seed as if it would be used (editor.generate.seed). Anchors, the memory plan
and Draft/Final follow the chosen backend and model (editor.generate.shot_options).
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
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from editor.generate.cast_choice import CastChoice, Describe
from editor.generate.dialog_backends import fit_backend_box, show_items_whole
from editor.generate.seed import SeedBox, draw_seed, seed_lock
from editor.generate.shot_options import ShotOptions
from engine.generate.video.timeline import ShotDefaults

DEFAULT_MODEL = "The backend's default model (a hub id or a local folder)"
SETTINGS_MODEL = Qt.ItemDataRole.UserRole + 1  # a backend's model from Settings > Models


class RegenerateDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regenerate-dialog")
        self.setMinimumWidth(520)
        self.prompt = QPlainTextEdit(self)
        self.prompt.setObjectName("regenerate-prompt")
        self.prompt.setPlaceholderText("What the shot shows: subject, action, setting, light, camera")
        self.prompt.setFixedHeight(90)
        self.negative = QLineEdit(self)
        self.negative.setPlaceholderText("What it must not show (optional)")
        self.seed = SeedBox(self)
        self.seed.setObjectName("regenerate-seed")
        tip = "Unticked, each regenerate draws a new seed (a new variation)"
        self.seed_lock = seed_lock(self.seed, self, tip)
        self.backend = QComboBox(self)
        self.backend.setObjectName("regenerate-backend")
        fit_backend_box(self.backend)
        self.model = QLineEdit(self)
        self.model.setPlaceholderText(DEFAULT_MODEL)
        self.backend.currentIndexChanged.connect(lambda _index: self._show_settings_model())
        self.steps = QSpinBox(self)
        self.steps.setRange(0, 500)
        self.steps.setSpecialValueText("model default")
        self.guidance = QDoubleSpinBox(self)
        self.guidance.setRange(0.0, 30.0)
        self.guidance.setSingleStep(0.5)
        self.guidance.setSpecialValueText("model default")
        self.image = QLineEdit(self)
        self.image.setPlaceholderText("Reference picture for image-to-video (optional)")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        self.options = ShotOptions(self)
        self.cast = CastChoice(self)
        self.keyframe_first = QCheckBox("Make a keyframe from the Cast pictures first", self)
        self.keyframe_first.setObjectName("regenerate-keyframe-first")
        self.keyframe_first.setToolTip(
            "As Generate All does: an image.edit keyframe from the ticked members' pictures, "
            "then the shot from that keyframe (for an image-to-video backend)"
        )
        self.prompt.textChanged.connect(self.cast.update_sent)
        self.from_previous, self.to_next = self.options.from_previous, self.options.to_next
        self._shot: tuple[int, Fraction, tuple[int, int]] | None = None
        self._vram_gb: float | None = None
        self._load: dict[str, Any] = {}
        self.model.editingFinished.connect(self._update_options)
        seed_row, image_row = QHBoxLayout(), QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.seed_lock)
        image_row.addWidget(self.image, 1)
        image_row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Prompt", self.prompt)
        form.addRow("Cast", self.cast)
        self._cast_label = form.labelForField(self.cast)
        form.addRow("", self.keyframe_first)
        form.addRow("Negative prompt", self.negative)
        form.addRow("Seed", seed_row)
        form.addRow("Backend", self.backend)
        form.addRow("Model", self.model)
        form.addRow("Steps", self.steps)
        form.addRow("Guidance", self.guidance)
        form.addRow("Reference", image_row)
        for label, widget in self.options.rows():
            form.addRow(label, widget)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Regenerate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)

    def set_backends(self, backends: list[dict[str, Any]]) -> None:
        """The engine's backends for the task, ready ones first; a not-ready one says why."""
        self.backend.clear()
        for backend in sorted(backends, key=lambda b: (not b["ready"], not b.get("default"))):
            label = backend["label"] if backend["ready"] else f"{backend['label']} — {backend['reason']}"
            self.backend.addItem(label, backend["name"])
            self.backend.setItemData(self.backend.count() - 1, backend.get("settings_model"), SETTINGS_MODEL)
        show_items_whole(self.backend)
        self._show_settings_model()

    def _show_settings_model(self) -> None:
        """An empty Model field loads what Settings > Models chose for this backend: say which."""
        chosen = self.backend.currentData(SETTINGS_MODEL)
        self.model.setPlaceholderText(f"Settings: {chosen}" if chosen else DEFAULT_MODEL)
        self._update_options()

    def set_shot(
        self, frames: int, rate: Fraction, size: tuple[int, int], vram_gb: float | None, load: dict[str, Any]
    ) -> None:
        """The shot the plan is for, the engine's GPU memory, the user's load options (Settings > Models)."""
        self._shot, self._vram_gb, self._load = (frames, rate, size), vram_gb, load
        self._update_options()

    def _update_options(self) -> None:
        model = self.model.text().strip() or self.backend.currentData(SETTINGS_MODEL)
        self.options.update_for(self.chosen_backend, model, self._shot, self._vram_gb, self._load)

    def fill(self, defaults: ShotDefaults, count: int = 1) -> None:
        values = defaults.values
        self.setWindowTitle(f"Regenerate {count} Shots" if count > 1 else f"Regenerate {defaults.name}")
        self._ok.setText(f"Regenerate {count} Shots" if count > 1 else "Regenerate")
        self.prompt.setPlainText("" if count > 1 else str(values.get("prompt") or ""))
        if count > 1:
            self.prompt.setPlaceholderText("Empty: each shot keeps its own prompt")
        self.negative.setText(str(values.get("negative_prompt") or ""))
        seed = values.get("seed")
        self.seed.setValue(int(seed) if seed is not None else draw_seed())  # what "Keep this seed" keeps
        self.seed_lock.setChecked(False)
        index = self.backend.findData(defaults.backend) if defaults.backend else -1
        self.backend.setCurrentIndex(max(0, index))
        self.model.setText(str(values.get("model") or ""))
        self.steps.setValue(int(values.get("steps") or 0))
        self.guidance.setValue(float(values.get("guidance") or 0.0))
        self.image.setText(str(values.get("image") or ""))
        self.options.reset()
        self._update_options()

    def set_cast(
        self, members: list[tuple[str, str]], chosen: list[str], describe: Describe, pictured: bool = False
    ) -> None:
        """The project's Cast with the shot's members ticked (no Cast, or several shots: no row);
        `pictured`: the Cast has pictures, so a keyframe can be made from them first."""
        self.cast.fill(members, chosen, describe, self.prompt.toPlainText)
        for widget in (self.cast, self._cast_label):
            widget.setVisible(bool(members))
        self.keyframe_first.setChecked(False)
        self.keyframe_first.setVisible(bool(members) and pictured)

    def cast_names(self) -> list[str]:
        return self.cast.names()

    def values(self) -> dict[str, Any]:
        """What to ask for; a new seed unless the user kept this one (the new take records which)."""
        seed = self.seed.value() if self.seed_lock.isChecked() else draw_seed()
        return {
            "prompt": self.prompt.toPlainText().strip(),
            "negative_prompt": self.negative.text().strip(),
            "seed": seed,
            "steps": self.steps.value() or None,
            "guidance": self.guidance.value() or None,
            "image": self.image.text().strip() or None,
            "model": self.model.text().strip() or None,
            **self.options.values(),
        }

    @property
    def chosen_backend(self) -> str | None:
        return self.backend.currentData()

    def _browse(self) -> None:
        kinds = "Images (*.png *.jpg *.jpeg *.webp)"
        path, _ = QFileDialog.getOpenFileName(self, "Reference picture", "", kinds)
        if path:
            self.image.setText(path)
