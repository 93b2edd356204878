"""What the editor remembers between runs: recent projects, window layout, keymap, preferences.

Stored as an INI file in Shotline's per-user folder (platformdirs, or
`SHOTLINE_DATA_DIR`), never in the registry, so a test or a portable install
has its own, and a user can read or delete it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from engine.paths import data_dir

RECENT_LIMIT = 10


class EditorSettings:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / "settings.ini"
        self._store = QSettings(str(self.path), QSettings.Format.IniFormat)

    def value(self, key: str, default: Any = None) -> Any:
        return self._store.value(key, default)

    def set_value(self, key: str, value: Any) -> None:
        self._store.setValue(key, value)
        self._store.sync()

    def remove(self, key: str) -> None:
        self._store.remove(key)
        self._store.sync()

    # recent projects ------------------------------------------------------------

    def recent_projects(self) -> list[Path]:
        stored = self._store.value("recent/projects", []) or []
        if isinstance(stored, str):  # QSettings gives a lone string for a one-item list
            stored = [stored]
        return [Path(p) for p in stored]

    def add_recent(self, path: Path) -> None:
        path = Path(path).absolute()
        recent = [path, *(p for p in self.recent_projects() if p != path)][:RECENT_LIMIT]
        self.set_value("recent/projects", [str(p) for p in recent])

    def forget_recent(self, path: Path) -> None:
        self.set_value("recent/projects", [str(p) for p in self.recent_projects() if p != Path(path)])

    # window layout ------------------------------------------------------------------

    def window_layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self._store.value("window/geometry"), self._store.value("window/state")

    def save_window_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self._store.setValue("window/geometry", geometry)
        self._store.setValue("window/state", state)
        self._store.sync()

    # keymap ---------------------------------------------------------------------------

    def keymap(self) -> dict[str, str]:
        """Shortcuts the user changed, by action id ('' means no shortcut)."""
        self._store.beginGroup("keymap")
        try:
            return {key: str(self._store.value(key) or "") for key in self._store.childKeys()}
        finally:
            self._store.endGroup()

    def set_keymap(self, keys: dict[str, str]) -> None:
        self._store.remove("keymap")
        self._store.beginGroup("keymap")
        for action_id, sequence in keys.items():
            self._store.setValue(action_id, sequence)
        self._store.endGroup()
        self._store.sync()
