"""Settings > Models: what the engine can run here, which model each AI backend loads, and how.

The top half is the engine's own account (its `initialize` answer: devices
found, every backend of every task, ready or not and why), filled in when
the engine answers, so a user sees why Wan is not offered before trying it.
The bottom half is what the user chooses: the load options for every model
(device, precision, CPU offload, VAE tiling) and, per backend that loads a
model, a preset, a hub id typed in, or a local folder. A folder the engine
would refuse (pickle weights, no weights, not a model folder) is flagged as
soon as it is picked, and Apply refuses it with the reason, rather than a
job failing minutes later. Each row can download its preset
(editor.preferences.model_download).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.engine_client import EngineClient
from editor.preferences import models
from editor.preferences.model_download import ModelDownload
from editor.settings import EditorSettings
from engine.errors import GenerateError
from engine.generate.model_choices import (
    DEVICES,
    DTYPES,
    ModelBackend,
    folder_problem,
    model_backends,
    names_folder,
)

TASK_NAMES = {
    "video.generate": "Video",
    "video.inpaint": "Inpaint",
    "video.extend": "Extend",
    "music.score": "Music",
    "voice.speak": "Voice",
    "image.generate": "Still",
    "image.edit": "Still from references",
}
BACKEND_NAMES = {
    "wan": "Wan",
    "ltx2": "LTX-2",
    "ltx": "LTX-Video",
    "vace": "Wan VACE",
    "sd-inpaint": "Stable Diffusion",
    "ltx-extend": "LTX-Video",
    "vace-extend": "Wan VACE",
    "ace-step": "ACE-Step",
    "stable-audio": "Stable Audio",
    "transformers": "Transformers TTS",
    "z-image": "Z-Image-Turbo",
    "flux2-klein": "FLUX.2 klein",
    "qwen-image": "Qwen-Image",
    "qwen-image-edit": "Qwen-Image-Edit",
}
DEVICE_LABELS = {"auto": "Automatic (best found)", "cuda": "CUDA GPU", "mps": "Apple GPU (mps)", "cpu": "CPU"}
DTYPE_LABELS = {
    "auto": "Automatic (the model's)",
    "bfloat16": "bfloat16",
    "float16": "float16",
    "float32": "float32",
}
WARNING = "color: #e0a040;"
NOTE = "color: palette(mid);"


def describe_devices(info: dict[str, Any] | None) -> str:
    """ "Devices: cuda:0 (NVIDIA RTX 4090, 24 GB) / cpu (x86_64)", as the engine found them."""
    if not info:
        return "Devices: not known yet (the engine has not answered)"
    parts = []
    for device in info.get("devices", []):
        details = [str(device.get("label") or "")]
        if device.get("memory"):
            details.append(f"{device['memory'] / 2**30:.0f} GB")
        shown = ", ".join(d for d in details if d)
        parts.append(f"{device.get('name')} ({shown})" if shown else str(device.get("name")))
    return "Devices: " + (" / ".join(parts) or "none")


class ModelRow:
    """One backend's model: an editable combo of its presets, Browse folder…, and a note below."""

    def __init__(self, backend: ModelBackend, chosen: str, parent: QWidget) -> None:
        self.backend = backend
        try:
            self.presets = backend.presets()
        except GenerateError as error:  # a damaged presets file: the row still takes a hub id or folder
            self.presets, self._unread = [], str(error)
        else:
            self._unread = ""
        self.combo = QComboBox(parent)
        self.combo.setObjectName(f"model-{backend.task}-{backend.name}")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.combo.addItem("")  # the backend's default
        for preset in self.presets:
            self.combo.addItem(preset.model, preset.name)
            tip = f"{preset.label}\n{preset.facts}"
            self.combo.setItemData(self.combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        default = self.presets[0].model if self.presets else "the backend's own"
        self.combo.lineEdit().setPlaceholderText(f"Default: {default}")
        self.combo.setToolTip("A preset, a hub id (org/name) or a local model folder")
        self.combo.setCurrentText(chosen)
        self.browse = QPushButton("Browse folder…", parent)
        self.browse.setObjectName(f"browse-{backend.task}-{backend.name}")
        self.browse.clicked.connect(self._browse)
        self.note = QLabel(parent)
        self.note.setObjectName(f"note-{backend.task}-{backend.name}")
        self.note.setWordWrap(True)
        self.download = ModelDownload(self._preset_name, self.note, parent, f"{backend.task}-{backend.name}")
        self.combo.currentTextChanged.connect(lambda _text: self.check())
        self.check()

    @property
    def model(self) -> str:
        return self.combo.currentText().strip()

    def _preset_name(self) -> str:
        """The preset to download: the one chosen, or the backend's default when the box is empty."""
        if not self.model and self.presets:
            return self.presets[0].name
        return next((p.name for p in self.presets if self.model in (p.model, p.name)), self.model)

    def problem(self) -> str:
        """Why the engine would refuse the chosen folder, or ""."""
        text = self.model
        return folder_problem(Path(text)) if names_folder(text) else ""

    def check(self) -> str:
        problem = self.problem()
        if problem:
            self.note.setText(f"⚠ {problem}")
            self.note.setStyleSheet(WARNING)
        else:
            preset = next((p for p in self.presets if self.model in (p.model, p.name)), None)
            if not self.model:
                preset = self.presets[0] if self.presets else None
                text = f"{preset.label}\n{preset.facts}" if preset else self._unread
            elif preset is not None:
                text = f"{preset.label}\n{preset.facts}"
            elif names_folder(self.model):
                text = "Local model folder (safetensors weights)"
            else:
                text = "A hub id: downloaded on first use, then loaded from the hub cache"
            self.note.setText(text)
            self.note.setStyleSheet(NOTE)
        return problem

    def _browse(self) -> None:
        start = self.model if names_folder(self.model) else ""
        folder = QFileDialog.getExistingDirectory(self.combo, "Model folder", start)
        if folder:
            self.combo.setCurrentText(folder)


class ModelsTab(QWidget):
    def __init__(
        self, settings: EditorSettings, engine: EngineClient | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ModelsTab")
        self._settings = settings
        self.devices = QLabel(self)
        self.devices.setObjectName("models-devices")
        self.devices.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backends = QTreeWidget(self)
        self.backends.setObjectName("models-backends")
        self.backends.setHeaderLabels(["Backend", "Status"])
        self.backends.setRootIsDecorated(False)
        self.backends.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.backends.setMinimumHeight(120)

        options = models.load_options(settings)
        loading = QGroupBox("How models load (every AI backend)", self)
        form = QFormLayout(loading)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.device = QComboBox(loading)
        self.device.setObjectName("models-device")
        for name in DEVICES:
            self.device.addItem(DEVICE_LABELS[name], name)
        self.device.setCurrentIndex(self.device.findData(options.device))
        self.dtype = QComboBox(loading)
        self.dtype.setObjectName("models-dtype")
        for name in DTYPES:
            self.dtype.addItem(DTYPE_LABELS[name], name)
        self.dtype.setCurrentIndex(self.dtype.findData(options.dtype))
        self.dtype.setToolTip(
            "Automatic: the model's own on a CUDA GPU, float16 on Apple GPUs, float32 on the CPU"
        )
        self.cpu_offload = QCheckBox(
            "CPU offload: keep the model in system memory, move parts to the GPU", loading
        )
        self.cpu_offload.setObjectName("models-cpu-offload")
        self.cpu_offload.setToolTip("For GPUs with too little memory for the model; slower")
        self.cpu_offload.setChecked(options.cpu_offload)
        self.vae_tiling = QCheckBox("VAE tiling: decode large frames in tiles", loading)
        self.vae_tiling.setObjectName("models-vae-tiling")
        self.vae_tiling.setToolTip("Less GPU memory when decoding large or long results")
        self.vae_tiling.setChecked(options.vae_tiling)
        form.addRow("Device", self.device)
        form.addRow("Precision", self.dtype)
        form.addRow("", self.cpu_offload)
        form.addRow("", self.vae_tiling)
        self.download_folder = QLineEdit(models.download_folder(settings), loading)
        self.download_folder.setObjectName("models-download-folder")
        self.download_folder.setPlaceholderText("The Hugging Face cache")
        self.download_folder.setMinimumWidth(360)
        self.download_folder.setToolTip("Download buttons put each model in a folder of its own here")
        pick = QPushButton("Browse…", loading)
        pick.clicked.connect(self._pick_download_folder)
        where = QHBoxLayout()
        where.addWidget(self.download_folder, 1)
        where.addWidget(pick)
        form.addRow("Download into", where)

        chosen = QGroupBox("Model of each AI backend (empty: its default)", self)
        grid = QGridLayout(chosen)
        grid.setColumnStretch(1, 1)
        self.rows: dict[tuple[str, str], ModelRow] = {}
        for backend in model_backends():
            row = ModelRow(backend, models.chosen_model(settings, backend.task, backend.name), chosen)
            row.download.folder = self.download_folder.text
            row.download.landed = row.combo.setCurrentText  # a model in its own folder loads from there
            line = grid.rowCount()
            name = BACKEND_NAMES.get(backend.name, backend.name)
            grid.addWidget(QLabel(f"{TASK_NAMES.get(backend.task, backend.task)} · {name}", chosen), line, 0)
            grid.addWidget(row.combo, line, 1)
            grid.addWidget(row.browse, line, 2)
            grid.addWidget(row.download.button, line, 3)
            grid.addWidget(row.note, line + 1, 1, 1, 2)
            grid.addWidget(row.download.bar, line + 1, 3)
            self.rows[(backend.task, backend.name)] = row

        inner = QWidget(self)
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(loading)
        column.addWidget(chosen)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        top = QHBoxLayout()
        top.addWidget(self.devices, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.backends, 2)
        layout.addWidget(scroll, 5)

        self.show_engine(engine.info if engine is not None else None)
        if engine is not None:
            engine.started.connect(self.show_engine)

    # the engine's account ------------------------------------------------------------------

    def show_engine(self, info: dict[str, Any] | None) -> None:
        self.devices.setText(describe_devices(info))
        self.backends.clear()
        if not info:
            item = QTreeWidgetItem(["The engine has not started yet", "backends are listed when it answers"])
            self.backends.addTopLevelItem(item)
            return
        for task, backends in sorted(info.get("tasks", {}).items()):
            heading = QTreeWidgetItem([f"{TASK_NAMES.get(task, task)} ({task})", ""])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            self.backends.addTopLevelItem(heading)
            for backend in backends:
                label = str(backend.get("label") or backend.get("name"))
                if backend.get("default"):
                    label += "  [default]"
                state = "✓ ready" if backend.get("ready") else "✗ not ready"
                reason = str(backend.get("reason") or "")
                item = QTreeWidgetItem([f"    {label}", f"{state}: {reason}" if reason else state])
                item.setData(0, Qt.ItemDataRole.UserRole, f"{task}/{backend.get('name')}")
                item.setToolTip(1, reason)
                self.backends.addTopLevelItem(item)

    def status_of(self, task: str, backend: str) -> str:
        for index in range(self.backends.topLevelItemCount()):
            item = self.backends.topLevelItem(index)
            if item.data(0, Qt.ItemDataRole.UserRole) == f"{task}/{backend}":
                return item.text(1)
        return ""

    # the user's choices -------------------------------------------------------------------

    def row(self, task: str, backend: str) -> ModelRow:
        return self.rows[(task, backend)]

    def problems(self) -> str:
        """Every chosen folder the engine would refuse, one line each."""
        lines = []
        for (task, backend), row in self.rows.items():
            problem = row.check()
            if problem:
                lines.append(
                    f"{TASK_NAMES.get(task, task)} · {BACKEND_NAMES.get(backend, backend)}: {problem}"
                )
        return "\n".join(lines)

    def _pick_download_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Download models into", self.download_folder.text())
        if folder:
            self.download_folder.setText(folder)

    def apply(self) -> None:
        settings = self._settings
        options = models.LoadOptions(
            device=self.device.currentData(),
            dtype=self.dtype.currentData(),
            cpu_offload=self.cpu_offload.isChecked(),
            vae_tiling=self.vae_tiling.isChecked(),
        )
        models.set_load_options(settings, options)
        models.set_download_folder(settings, self.download_folder.text())
        for (task, backend), row in self.rows.items():
            models.set_chosen_model(settings, task, backend, row.model)
