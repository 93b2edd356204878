"""Project > Proxies…: proxies on or off, their size, making them for the selection, disk use.

A modeless dialog, so the progress of proxies being made can be watched
while editing; every control acts at once (no OK button), as Kdenlive's
proxy settings do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.background import run_in_background
from editor.proxies.settings import ProxySettings, disk_use_line
from engine.media import proxies

EXPLANATION = (
    "Proxies are small all-intra copies of 4K, 10-bit, HEVC and long-GOP footage. The viewer plays "
    "and scrubs them instead of the originals; export always uses the originals."
)


class ProxiesDialog(QDialog):
    def __init__(
        self, settings: ProxySettings, selected: Callable[[], list[Path]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("proxies-dialog")
        self.setWindowTitle("Proxies")
        self.setMinimumWidth(440)
        self._settings, self._selected = settings, selected
        about = QLabel(EXPLANATION, self)
        about.setWordWrap(True)
        self.enabled = QCheckBox("Use proxies in the viewer", self)
        self.enabled.setObjectName("proxies-enabled")
        self.enabled.setChecked(settings.enabled)
        self.size = QComboBox(self)
        self.size.setObjectName("proxies-size")
        self.size.addItem("Auto (about 960x540: 1/4 of 4K, 1/2 of HD)", proxies.AUTO)
        for divisor in proxies.DIVISORS:
            self.size.addItem(f"1/{divisor} of the original", divisor)
        self.size.setCurrentIndex(max(0, self.size.findData(settings.divisor)))
        self.create_selected = QPushButton("Create for Selected", self)
        self.create_selected.setObjectName("proxies-create-selected")
        self.create_selected.setToolTip("Make proxies of the clips selected in the bin or the timeline")
        self.delete_all = QPushButton("Delete All Proxies", self)
        self.delete_all.setObjectName("proxies-delete")
        self.status = QLabel(self._status_line(), self)
        self.status.setObjectName("proxies-status")
        self.disk = QLabel("", self)
        self.disk.setObjectName("proxies-disk")
        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow("Size", self.size)
        form.addRow("Made", self.status)
        form.addRow("Disk use", self.disk)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_selected)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_all)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.enabled.toggled.connect(settings.set_enabled)
        self.size.currentIndexChanged.connect(lambda _i: settings.set_divisor(int(self.size.currentData())))
        self.create_selected.clicked.connect(self.create_for_selected)
        self.delete_all.clicked.connect(self.delete)
        settings.progress.connect(self._progress)
        self.refresh_disk_use()

    def _status_line(self) -> str:
        pending = len(self._settings.pending)
        failed = len(self._settings.failed)
        parts = [f"{pending} being made" if pending else "none being made"]
        if failed:
            parts.append(f"{failed} could not be made")
        return ", ".join(parts)

    def _progress(self, _count: int, _line: str) -> None:
        self.status.setText(self._status_line())
        self.refresh_disk_use()

    def refresh_disk_use(self) -> None:
        """Counted off the GUI thread (a large proxy folder on a slow disk)."""
        self.disk.setText("counting…")
        self._disk_job = run_in_background(
            disk_use_line, self.disk.setText, lambda e: self.disk.setText(str(e)), self
        )

    def create_for_selected(self) -> None:
        paths = self._selected()
        if not paths:
            self.status.setText("Select clips in the bin or the timeline first")
            return
        self._settings.create(paths, only_heavy=False)
        self.status.setText(f"Making proxies of {len(paths)} file{'' if len(paths) == 1 else 's'}…")

    def delete(self) -> None:
        self._settings.close()  # stop what is being made: its files are about to go
        self._delete_job = run_in_background(
            proxies.clear, self._deleted, lambda e: self.disk.setText(str(e)), self
        )

    def _deleted(self, freed: int) -> None:
        self.status.setText(f"Deleted, {freed / 1e6:.1f} MB freed")
        self._settings.changed.emit()  # the viewer goes back to the originals
        self.refresh_disk_use()
