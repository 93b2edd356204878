"""Generate All's models: which backend makes the keyframes and which the shots, kept in the settings.

On a CPU the no-download defaults (storyboard panels, the animatic) are
what Generate All uses; a machine with a GPU chooses its models here once
(the model of each backend comes from Settings > Models, as for every job),
and the same Generate All click then makes real keyframes and shots. The
choice is the editor's, not the project's: the project opens anywhere.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from editor.settings import EditorSettings

KEY = "generate_all/backends"
#: (task, what its row is called): the three jobs Generate All makes for a shot.
ROWS = (
    ("image.generate", "Keyframes"),
    ("image.edit", "Keyframes from the Cast's pictures"),
    ("video.generate", "Shots (image-to-video)"),
)


def chosen_backends(settings: EditorSettings) -> dict[str, str]:
    """task: backend name, for the tasks a backend was chosen for (the rest use their default)."""
    try:
        stored = json.loads(str(settings.value(KEY, "") or "{}"))
    except ValueError:
        return {}
    known = {task for task, _ in ROWS}
    return {str(k): str(v) for k, v in stored.items() if k in known and v} if isinstance(stored, dict) else {}


def models_for(settings: EditorSettings) -> dict[str, dict[str, Any]]:
    """The models argument of the engine's spec builders (engine.generate.generate_all.Models)."""
    return {task: {"backend": backend} for task, backend in chosen_backends(settings).items()}


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
        note = QLabel("Each backend loads the model chosen for it in Settings > Models.", self)
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

    def save(self, settings: EditorSettings) -> None:
        settings.set_value(KEY, json.dumps(self.chosen()))
