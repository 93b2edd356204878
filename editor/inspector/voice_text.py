"""The words of a voice-over clip, in the inspector, to correct and speak again.

Shown only when one voice clip (a `voice.speak` take plays in it) is
selected. Editing the text and pressing "Speak again" asks for a new take of
the same clip with the same voice; the widget only reports the request
(`speakAgain`), the voice controller runs the job and adds the take.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.inspector.following import follow
from engine.errors import ShotlineError
from engine.generate.voice.timeline import spoken_text
from engine.project import document, provenance


class VoiceTextBox(QGroupBox):
    speakAgain = Signal(str, str)  # clip id, the new text

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__("Voice-over", parent)
        self.setObjectName("inspector-voice")
        self._context = context
        self._ident: str | None = None
        self._said = ""
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("inspector-voice-text")
        self.text.setFixedHeight(80)
        self.who = QLabel(self)
        self.who.setObjectName("inspector-voice-who")
        self.speak = QPushButton("Speak again", self)
        self.speak.setObjectName("inspector-speak-again")
        self.speak.setToolTip("Speak this text with the clip's voice, as a new take of the clip")
        row = QHBoxLayout()
        row.addWidget(self.who, 1)
        row.addWidget(self.speak)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(row)
        self.speak.clicked.connect(self._speak)
        self.text.textChanged.connect(self._edited)
        follow(context, self.refresh)
        self.refresh()

    @property
    def clip_id(self) -> str | None:
        return self._ident

    def refresh(self) -> None:
        ids = self._context.selection.ids
        said, who = None, ""
        if len(ids) == 1:
            try:
                _track, clip = document.find_clip(self._context.session.timeline, ids[0])
                said = spoken_text(clip)
                made = provenance.read(clip.media_reference)
                if made is not None:
                    speaker = made.extra.get("character") or "Voice"
                    who = f"{speaker} · {made.backend} {made.extra.get('voice', '')}"
            except ShotlineError:
                said = None
        self.setVisible(said is not None)
        if said is None:
            self._ident = None
            return
        typing = self.text.hasFocus() and self._ident == ids[0] and self.text.toPlainText() != self._said
        self._ident, self._said = ids[0], said
        self.who.setText(who.strip())
        if not typing:
            self.text.blockSignals(True)
            self.text.setPlainText(said)
            self.text.blockSignals(False)
        self._edited()

    def _edited(self) -> None:
        self.speak.setEnabled(bool(self.text.toPlainText().strip()))

    def _speak(self) -> None:
        if self._ident is not None and self.text.toPlainText().strip():
            self.speakAgain.emit(self._ident, " ".join(self.text.toPlainText().split()))
