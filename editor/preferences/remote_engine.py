"""Settings > Engines, "Where generation runs": this machine, or a remote engine started by a command.

The command's stdin/stdout carry the engine's protocol, so any command that
reaches a Shotline engine works; the default is SSH to a GPU box, which does
the authentication and encryption (Shotline opens no port). Inputs are sent
once by content hash and results come back verified (engine.remote).
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QLabel, QLineEdit, QRadioButton, QVBoxLayout, QWidget

from editor.engine_remote import COMMAND_KEY, DEFAULT_COMMAND, WHERE_KEY
from editor.settings import EditorSettings

EXPLAINED = (
    "Generation jobs run on the engine this command starts; its stdin/stdout carry the protocol. "
    "Install the same Shotline on the GPU box; inputs are sent once (by SHA-256), results come back "
    "into this project's cache, checked. Jobs go on there if the connection drops. Exports run here."
)


class RemoteEngineBox(QGroupBox):
    def __init__(self, settings: EditorSettings, parent: QWidget | None = None) -> None:
        super().__init__("Where generation runs", parent)
        self.setObjectName("engines-where")
        self._settings = settings
        self.local = QRadioButton("Local: this machine", self)
        self.local.setObjectName("engines-local")
        self.remote = QRadioButton("Remote: an engine started by this command", self)
        self.remote.setObjectName("engines-remote")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.remote)
        self.command = QLineEdit(str(settings.value(COMMAND_KEY, DEFAULT_COMMAND) or DEFAULT_COMMAND), self)
        self.command.setObjectName("engines-remote-command")
        self.command.setPlaceholderText(DEFAULT_COMMAND)
        note = QLabel(EXPLAINED, self)
        note.setWordWrap(True)
        note.setEnabled(False)  # greyed: an explanation, not a setting
        layout = QVBoxLayout(self)
        layout.addWidget(self.local)
        layout.addWidget(self.remote)
        layout.addWidget(self.command)
        layout.addWidget(note)
        chosen = str(settings.value(WHERE_KEY, "local") or "local") == "remote"
        (self.remote if chosen else self.local).setChecked(True)
        self.command.setEnabled(chosen)
        self.remote.toggled.connect(self.command.setEnabled)

    def apply(self) -> bool:
        """Store the choice; True when it changed (the engine must start again to use it)."""
        where = "remote" if self.remote.isChecked() else "local"
        command = self.command.text().strip() or DEFAULT_COMMAND
        before = (
            str(self._settings.value(WHERE_KEY, "local") or "local"),
            str(self._settings.value(COMMAND_KEY, DEFAULT_COMMAND) or DEFAULT_COMMAND),
        )
        if (where, command) == before:
            return False
        self._settings.set_value(WHERE_KEY, where)
        self._settings.set_value(COMMAND_KEY, command)
        return before[0] == "remote" or where == "remote"
