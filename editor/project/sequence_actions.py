"""Sequence > Settings…: change the size, rate and sample rate of the open project, as one undo step.

A rate change conforms the cuts (engine.project.sequence); the cuts and
markers that could not stay exactly in place are listed in a message, so a
conform never moves anything silently.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from editor.context import EditorContext
from editor.project import sequence_dialog
from engine.project.sequence import change_settings

#: at most this many moved cuts are listed by name; the rest are counted
LISTED = 12


def register(window: QWidget, context: EditorContext) -> None:
    context.actions.add(
        "sequence.settings",
        "Sequence &Settings…",
        lambda: change_sequence_settings(window, context),
        "Sequence",
        "",
        "settings",
    )


def change_sequence_settings(window: QWidget, context: EditorContext) -> str | None:
    """Ask, apply, and say what moved; returns the message shown (None when nothing was changed)."""
    session = context.session
    chosen = sequence_dialog.ask(window, session.settings, new=False)
    if chosen is None:
        return None
    size, rate, sample_rate = chosen
    change = session.apply(change_settings, size=size, rate=rate, sample_rate=sample_rate)
    if change is None:
        return None
    moved = change.result or []
    settings = session.settings
    summary = f"Sequence: {settings.width}x{settings.height}, {rate} fps, {settings.sample_rate} Hz."
    if not moved:
        context.status.show(summary + " Every cut stayed in place.", 5000)
        return summary
    lines = [m.describe(settings.rate) for m in moved[:LISTED]]
    if len(moved) > LISTED:
        lines.append(f"… and {len(moved) - LISTED} more")
    text = f"{summary}\n{len(moved)} cut(s) moved to the nearest whole frame:\n" + "\n".join(lines)
    QMessageBox.information(window, "Frame rate conformed", text)
    return text
