"""Settings > Models > Download: a backend's chosen preset fetched as `shotline models download` does.

The download runs on a thread of its own (the GUI stays live for the
minutes a 20 GB checkpoint takes) through the engine's one download
function (engine.generate.model_download): resumable, safetensors only,
into the Hugging Face cache or the folder chosen in Settings (the row then
loads the model from there). Progress arrives as bytes and is shown as a
bar with the size and the time left; a failure (offline, no network, a gated model) is one
line under the row. A preset that is downloaded already says so.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QWidget

from engine.errors import ShotlineError
from engine.generate.catalog import CatalogEntry, downloaded, find
from engine.generate.model_download import download

GB = 1e9
WARNING = "color: #e0a040;"


class _Signals(QObject):
    progressed = Signal(object, object)  # bytes: beyond a 32-bit int for any real checkpoint
    finished = Signal(str)
    failed = Signal(str)
    landed = Signal(str)


class ModelDownload:
    """A Download button, its progress bar, and the note it reports into, for one backend's row."""

    def __init__(self, which: Callable[[], str], note: QLabel, parent: QWidget, name: str) -> None:
        self._which, self._note = which, note
        self.button = QPushButton("Download", parent)
        self.button.setObjectName(f"download-{name}")
        self.button.setToolTip("Download the chosen preset's model into the Hugging Face cache (resumable)")
        self.button.clicked.connect(self.start)
        self.bar = QProgressBar(parent)
        self.bar.setObjectName(f"download-progress-{name}")
        self.bar.setVisible(False)
        self.bar.setMinimumWidth(150)
        self._signals = _Signals(parent)
        self._started = 0.0
        self._title = ""
        self._signals.progressed.connect(self._progressed)
        self._signals.finished.connect(self._finished)
        self._signals.failed.connect(self._failed)
        self._signals.landed.connect(lambda folder: self.landed(folder))
        self.thread: threading.Thread | None = None
        #: The folder chosen in Settings ("": the Hugging Face cache); each model gets a folder there.
        self.folder: Callable[[], str] = lambda: ""
        #: Called with the downloaded folder when it is not the hub cache (the row then loads from it).
        self.landed: Callable[[str], None] = lambda _folder: None

    def entry(self) -> CatalogEntry | None:
        """The preset the row names (its default when empty); None for a folder or an unlisted hub id."""
        try:
            return find(self._which())
        except ShotlineError:
            return None

    def start(self) -> None:
        entry = self.entry()
        if entry is None:
            self._say("Only a listed preset can be downloaded here; a hub id downloads on first use")
            return
        into = Path(self.folder()) / entry.name if self.folder().strip() else None
        if into is None and downloaded(entry.model) is not None:
            self._say(f"{entry.short_name} is downloaded already")
            return
        self.button.setEnabled(False)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)  # busy until the sizes are known
        size = f" (about {entry.download_gb:.0f} GB)" if entry.download_gb else ""
        self._title = f"Downloading {entry.short_name}"
        self._started = time.monotonic()
        self._say(f"{self._title}{size}…", warn=False)
        signals = self._signals

        def work() -> None:
            try:
                path = download(entry, into, progress=signals.progressed.emit)
            except ShotlineError as error:
                signals.failed.emit(str(error))
            else:
                signals.finished.emit(f"{entry.short_name}: downloaded to {path}")
                if into is not None:
                    signals.landed.emit(str(path))

        self.thread = threading.Thread(target=work, name=f"download {entry.name}", daemon=True)
        self.thread.start()

    def _progressed(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(round(1000 * done / total))
        self.bar.setFormat(f"{done / GB:.1f} of {total / GB:.1f} GB")
        elapsed = time.monotonic() - self._started
        left = ""
        if done > 0 and elapsed > 0:
            seconds = (total - done) / (done / elapsed)
            left = (
                f", about {seconds / 60:.0f} min left" if seconds >= 90 else f", about {seconds:.0f} s left"
            )
        self._say(f"{self._title}: {done / GB:.1f} of {total / GB:.1f} GB{left}", warn=False)

    def _finished(self, text: str) -> None:
        self.bar.setVisible(False)
        self.button.setEnabled(True)
        self._say(text, warn=False)

    def _failed(self, text: str) -> None:
        self.bar.setVisible(False)
        self.button.setEnabled(True)
        self._say(text)

    def _say(self, text: str, warn: bool = True) -> None:
        self._note.setText(text)
        self._note.setStyleSheet(WARNING if warn else "")
