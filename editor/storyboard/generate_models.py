"""Generate All's models: which backend makes the keyframes and which the shots, kept in the project.

On a CPU the no-download defaults (storyboard panels, the animatic) are
what Generate All uses; a machine with a GPU chooses its models here once
(the model of each backend comes from Settings > Models, as for every job,
unless the project names one, as `shotline generate-all --use` can), and
the same Generate All click then makes real keyframes and shots. The
choice belongs to the film (engine.project.generate_models): saved with it,
undone like any edit, and used by `shotline generate-all` too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from engine.project.document import Timeline
from engine.project.generate_models import CHOOSABLE, Models, generate_models

#: (task, what its row is called): the three jobs Generate All makes for a shot.
ROWS = (
    ("image.generate", "Keyframes"),
    ("image.edit", "Keyframes from the Cast's pictures"),
    ("video.generate", "Shots (image-to-video)"),
)
assert tuple(task for task, _ in ROWS) == CHOOSABLE


def chosen_backends(timeline: Timeline) -> dict[str, str]:
    """task: backend name, for the tasks the project chose a backend for (the rest use their default)."""
    return {task: chosen["backend"] for task, chosen in generate_models(timeline).items()}


def models_for(timeline: Timeline) -> Models:
    """The models argument of the engine's spec builders (engine.generate.generate_all.Models)."""
    return generate_models(timeline)


def with_backends(timeline: Timeline, backends: dict[str, str]) -> Models:
    """The project's models with the dialog's backends; a task whose backend stays keeps its model."""
    kept = generate_models(timeline)
    return {
        task: kept[task] if kept.get(task, {}).get("backend") == backend else {"backend": backend}
        for task, backend in backends.items()
    }


class GenerateModelsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("generate-models")
        self.setWindowTitle("Generate All Models")
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        for task, label in ROWS:
            box = QComboBox(self)
            box.setObjectName(f"generate-models-{task}")
            self.boxes[task] = box
            form.addRow(label, box)
        note = QLabel(
            "Kept in this project, undone like an edit. Each backend loads the model chosen for it "
            "in Settings > Models.",
            self,
        )
        note.setWordWrap(True)
        note.setEnabled(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def fill(self, backends: dict[str, list[dict[str, Any]]], chosen: dict[str, str]) -> None:
        """Each row lists its task's backends (the default first, as "Default: …"), the chosen one shown."""
        for task, box in self.boxes.items():
            box.clear()
            listed = backends.get(task, [])
            default = next((b for b in listed if b.get("default")), None)
            box.addItem(f"Default: {default['label']}" if default else "Default", "")
            for backend in listed:
                ready = backend.get("ready", True)
                label = (
                    backend["label"]
                    if ready
                    else f"{backend['label']} — {backend.get('reason', 'not ready')}"
                )
                box.addItem(label, backend["name"])
            box.setCurrentIndex(max(0, box.findData(chosen.get(task, ""))))

    def chosen(self) -> dict[str, str]:
        return {task: str(box.currentData()) for task, box in self.boxes.items() if box.currentData()}
