"""Preferences > Engines: the AI engine's own environment, set up, repaired or removed from here.

The same steps as `shotline setup-ai` (engine.setup_ai): find the GPU, choose
the torch build for it, create the environment, install, and verify it by
running a tiny model through the engine. They take minutes and download
gigabytes, so they run on a worker thread and report each step here with a
progress bar; the dialog stays usable and can be closed (the set-up goes on
and the next start of the engine uses what it made). When it is done, the
editor's engine is restarted from the new environment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.background import run_in_background
from editor.engine_client import EngineClient
from editor.engine_command import PYTHON_KEY, engine_command
from editor.preferences.remote_engine import RemoteEngineBox
from editor.settings import EditorSettings
from engine.errors import ShotlineError
from engine.setup_ai import gpu as gpus
from engine.setup_ai.installer import Installer
from engine.setup_ai.record import Record, read_record
from engine.setup_ai.torch_build import TorchBuild, choose


class _Steps(QObject):
    """A worker's step reports, delivered on the GUI thread (a queued signal)."""

    step = Signal(int, int, str)


def describe_record(record: Record | None) -> str:
    if record is None:
        return (
            "Not set up. The no-download backends (animatic, storyboard, composer, espeak-ng, "
            "OpenCV inpaint) work without it; GPU models need it."
        )
    return (
        f"Set up: torch {record.torch} ({record.device}) in {record.python}; "
        f"last verified {record.verified.replace('T', ' ')}"
    )


class EnginesTab(QWidget):
    def __init__(
        self, settings: EditorSettings, engine: EngineClient | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("EnginesTab")
        self._settings, self._engine = settings, engine
        self._build: TorchBuild | None = None
        self.busy = False

        ai = QGroupBox("AI engine (PyTorch and the GPU models)", self)
        self.state = QLabel(describe_record(read_record()), ai)
        self.state.setObjectName("engines-state")
        self.state.setWordWrap(True)
        self.machine = QLabel("Looking for a GPU…", ai)
        self.machine.setObjectName("engines-machine")
        self.machine.setWordWrap(True)
        self.setup_button = QPushButton("Set up AI engine", ai)
        self.setup_button.setObjectName("engines-setup")
        self.repair_button = QPushButton("Repair", ai)
        self.repair_button.setObjectName("engines-repair")
        self.remove_button = QPushButton("Reset", ai)
        self.remove_button.setToolTip("Remove the AI engine's environment")
        self.remove_button.setObjectName("engines-remove")
        self.setup_button.clicked.connect(lambda: self.start("setup"))
        self.repair_button.clicked.connect(lambda: self.start("repair"))
        self.remove_button.clicked.connect(self._remove)
        self.progress = QProgressBar(ai)
        self.progress.setObjectName("engines-progress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        buttons = QHBoxLayout()
        for button in (self.setup_button, self.repair_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QVBoxLayout(ai)
        box.addWidget(self.state)
        box.addWidget(self.machine)
        box.addLayout(buttons)
        box.addWidget(self.progress)

        own = QGroupBox("Engine program", self)
        form = QFormLayout(own)
        self.python = QLineEdit(str(settings.value(PYTHON_KEY, "") or ""), own)
        self.python.setObjectName("engines-python")
        self.python.setPlaceholderText("the AI engine above, else this program (no GPU models)")
        browse = QPushButton("Browse…", own)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.python, 1)
        row.addWidget(browse)
        form.addRow("Python of your own environment", row)

        self.where = RemoteEngineBox(settings, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(ai)
        layout.addWidget(own)
        layout.addStretch(1)
        self._steps = _Steps(self)
        self._steps.step.connect(self._show_step)
        self._update_buttons()
        run_in_background(lambda: choose(gpus.detect()), self._found, self._not_found, self)

    # what this machine gets ----------------------------------------------------------------

    def _found(self, build: TorchBuild) -> None:
        self._build = build
        why = "\n".join(f"· {reason}" for reason in build.reasons)
        self.machine.setText(f"For this machine: {build.install_line()}\n{why}")
        self._update_buttons()

    def _not_found(self, error: Exception) -> None:
        self.machine.setText(f"No torch build can be chosen here: {error}")

    def _update_buttons(self) -> None:
        ready = self._build is not None and not self.busy
        record = read_record()
        self.setup_button.setEnabled(ready)
        self.setup_button.setText("Set up again" if record else "Set up AI engine")
        self.repair_button.setEnabled(ready and record is not None)
        self.remove_button.setEnabled(not self.busy and record is not None)

    # doing it ----------------------------------------------------------------------------------

    def installer(self) -> Installer:
        assert self._build is not None
        return Installer(build=self._build, progress=self._steps.step.emit)

    def start(self, what: str) -> None:
        """Set up or repair on a worker thread; each step shows here as it starts."""
        if self._build is None or self.busy:
            return
        installer = self.installer()
        work: Callable[[], Any] = installer.repair if what == "repair" else installer.setup
        self.busy = True
        self._update_buttons()
        self.progress.setRange(0, 0)
        self.progress.setFormat("Starting…")
        self.progress.show()
        run_in_background(work, self._done, self._failed, self)

    def _show_step(self, number: int, total: int, what: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(number - 1)
        self.progress.setFormat(f"Step {number} of {total}: {what}")

    def _done(self, record: Record) -> None:
        self.busy = False
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("Done: the engine now starts from it")
        self.state.setText(describe_record(record))
        self._update_buttons()
        self._restart_engine()

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.progress.hide()
        self._update_buttons()
        text = str(error) if isinstance(error, ShotlineError) else f"{type(error).__name__}: {error}"
        self.state.setText(f"The set-up did not finish: {text}")

    def _remove(self) -> None:
        answer = QMessageBox.question(
            self, "Remove the AI engine", "Remove the AI engine's environment? GPU models stop working."
        )
        if answer != QMessageBox.StandardButton.Yes or self._build is None:
            return
        try:
            self.installer().reset()
        except ShotlineError as error:
            self.state.setText(str(error))
            return
        self.state.setText(describe_record(None))
        self._update_buttons()
        self._restart_engine()

    def _restart_engine(self) -> None:
        """The engine from the environment now recorded (or this program's, once removed)."""
        if self._engine is None:
            return
        self._engine.use_command(engine_command(self._settings))

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "The Python that runs the engine")
        if chosen:
            self.python.setText(chosen)

    def apply(self) -> None:
        if self.where.apply() and self._engine is not None:
            self._engine.restart()  # its jobs go where the user now said
        before = str(self._settings.value(PYTHON_KEY, "") or "")
        chosen = self.python.text().strip()
        if chosen == before:
            return
        self._settings.set_value(PYTHON_KEY, chosen)
        self._restart_engine()
