"""Sequence > Add Voice-over: what to say, who says it, and with which voice.

The text box takes one line or a pasted script (each non-empty line becomes
a clip). A character's voice (backend, voice, speed) is remembered in the
project, so picking "Narrator" again brings back the narrator's voice; a
new name typed in the character box starts a new part.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from editor.generate.dialog_backends import fit_backend_box, show_items_whole
from engine.generate.voice.local import ESPEAK_DEFAULT_VOICE, PIPER_DEFAULT_VOICE, PIPER_VOICE_PACKAGES
from engine.generate.voice.timeline import split_lines
from engine.project.voices import DEFAULT_CHARACTER, CharacterVoice

#: Voices offered per backend (any other name can be typed).
VOICES = {
    "piper": [PIPER_DEFAULT_VOICE, *(v for v in PIPER_VOICE_PACKAGES if v != PIPER_DEFAULT_VOICE)],
    "espeak": [ESPEAK_DEFAULT_VOICE, "en-gb", "en-gb-scotland", "fr", "de", "es", "it"],
    "transformers": ["mms-tts-eng", "mms-tts-fra", "mms-tts-deu", "mms-tts-spa"],
}


class VoiceDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voice-dialog")
        self.setWindowTitle("Add Voice-over")
        self.setMinimumWidth(520)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("voice-text")
        self.text.setPlaceholderText("What is said. Paste a script to make one clip per line.")
        self.text.setFixedHeight(120)
        self.lines = QLabel(self)
        self.lines.setObjectName("voice-lines")
        self.character = QComboBox(self)
        self.character.setObjectName("voice-character")
        self.character.setEditable(True)
        self.backend = QComboBox(self)
        self.backend.setObjectName("voice-backend")
        fit_backend_box(self.backend)
        self.voice = QComboBox(self)
        self.voice.setObjectName("voice-voice")
        self.voice.setEditable(True)
        self.speed = QDoubleSpinBox(self)
        self.speed.setObjectName("voice-speed")
        self.speed.setRange(0.5, 2.0)
        self.speed.setSingleStep(0.1)
        self.speed.setValue(1.0)
        self.speed.setSuffix("×")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Speak")
        form = QFormLayout(self)
        form.addRow("Text", self.text)
        form.addRow("", self.lines)
        form.addRow("Character", self.character)
        form.addRow("Backend", self.backend)
        form.addRow("Voice", self.voice)
        form.addRow("Speed", self.speed)
        form.addRow(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(self._count_lines)
        self.character.currentTextChanged.connect(self._character_chosen)
        self.backend.currentIndexChanged.connect(lambda _i: self._fill_voices())
        self._cast: dict[str, CharacterVoice] = {}
        self._count_lines()

    # filling ------------------------------------------------------------------------------

    def set_backends(self, backends: list[dict[str, Any]]) -> None:
        """The engine's voice.speak backends; ones that are not ready are listed but greyed out."""
        self.backend.blockSignals(True)
        self.backend.clear()
        default = 0
        for row, info in enumerate(backends):
            ready = bool(info.get("ready", True))
            label = str(info.get("label") or info["name"])
            self.backend.addItem(label if ready else f"{label} (not ready)", info["name"])
            item = self.backend.model().item(row)
            if item is not None and not ready:
                item.setEnabled(False)
                item.setToolTip(str(info.get("reason", "")))
            if info.get("default"):
                default = row
        self.backend.setCurrentIndex(default)
        self.backend.blockSignals(False)
        show_items_whole(self.backend)
        self._fill_voices()

    def set_cast(self, cast: dict[str, CharacterVoice], character: str | None = None) -> None:
        self._cast = dict(cast)
        names = list(cast) or [DEFAULT_CHARACTER]
        self.character.blockSignals(True)
        self.character.clear()
        self.character.addItems(names)
        self.character.setCurrentText(character or names[0])
        self.character.blockSignals(False)
        self._character_chosen(self.character.currentText())

    def _character_chosen(self, name: str) -> None:
        known = self._cast.get(name.strip())
        if known is None:
            return
        if known.backend:
            index = self.backend.findData(known.backend)
            if index >= 0:
                self.backend.setCurrentIndex(index)
        if known.voice:
            self.voice.setCurrentText(known.voice)
        self.speed.setValue(known.speed)

    def _fill_voices(self) -> None:
        typed = self.voice.currentText()
        names = VOICES.get(self.chosen_backend or "", [])
        self.voice.clear()
        self.voice.addItems(names)
        if typed and typed in names:
            self.voice.setCurrentText(typed)

    def _count_lines(self) -> None:
        count = len(self.script)
        self.lines.setText(f"{count} clip{'s' if count != 1 else ''}, one after another from the playhead")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(count > 0)

    # reading ------------------------------------------------------------------------------

    @property
    def script(self) -> list[str]:
        return split_lines(self.text.toPlainText())

    @property
    def chosen_backend(self) -> str | None:
        return self.backend.currentData()

    @property
    def chosen_character(self) -> str:
        return " ".join(self.character.currentText().split()) or DEFAULT_CHARACTER

    def chosen_voice(self) -> CharacterVoice:
        """The voice as set here, with the character's recording from the Cast (set there, kept here)."""
        known = self._cast.get(self.chosen_character)
        return CharacterVoice(
            self.chosen_backend,
            self.voice.currentText().strip() or None,
            self.speed.value(),
            known.sample if known is not None else None,
        )
