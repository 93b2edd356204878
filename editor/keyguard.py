"""Keys typed into a field belong to the field, not to the editor's single-key shortcuts.

Editors bind bare keys (Up/Down to the previous/next cut, I/O, J/K/L, the
arrows). Qt gives a focused field the keys it declares it uses, but a spin
box does not declare Up/Down and a line edit not every key, so pressing Up
in the inspector's gain would jump the playhead instead of raising the
gain. This filter lets any text or number field keep every key typed
without Ctrl or Alt; shortcuts with those modifiers (Ctrl+S, Ctrl+Z) still
work everywhere, except the text keys Copy, Cut, Paste and Select All: in a
field they copy and paste text (even a read-only field, which Qt would let
Ctrl+V fall through to the timeline's Paste of clips).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QKeySequenceEdit,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

TYPING_WIDGETS = (QLineEdit, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QKeySequenceEdit)
COMMAND_MODIFIERS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
TEXT_KEYS = (
    QKeySequence.StandardKey.Copy,
    QKeySequence.StandardKey.Cut,
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.SelectAll,
)


class TypingKeyGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(watched, TYPING_WIDGETS):
            key_event: QKeyEvent = event  # type: ignore[assignment]
            typed = not key_event.modifiers() & COMMAND_MODIFIERS and key_event.key() != Qt.Key.Key_Escape
            typed = typed or any(key_event.matches(key) for key in TEXT_KEYS)
            if typed and watched.isEnabled():
                event.accept()  # the field gets it as a key press
        return False


def install(owner: QObject) -> TypingKeyGuard:
    """Guard every field of the application for as long as `owner` lives."""
    guard = TypingKeyGuard(owner)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(guard)
    return guard
