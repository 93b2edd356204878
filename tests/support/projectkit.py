"""Helpers for the project, recovery and preferences tests: a small cut, a window, messages."""

from __future__ import annotations

from dataclasses import dataclass, field

import opentimelineio as otio
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from editor.main_window import MainWindow
from engine.project import edits
from engine.project.document import new_project
from engine.project.times import rt
from tests.support.editing import layout, shot

RATE = 30.0


def small_cut(name: str = "cut") -> otio.schema.Timeline:
    timeline = new_project(name, rate=RATE)
    edits.append(timeline, {"V1": shot("A", 30)})
    edits.append(timeline, {"V1": shot("B", 45)})
    return timeline


def blade(window: MainWindow, frame: int) -> None:
    """One user edit: a cut on V1 at `frame`, through the session like every gesture."""
    assert window.context.session.apply(edits.slice, rt(frame, RATE), ["V1"]) is not None


def v1(window: MainWindow) -> list[tuple[str, int, int]]:
    return layout(window.timeline, "V1")


NO_MODIFIER = Qt.KeyboardModifier.NoModifier


def press(window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
    """A key pressed in the window as a user would (shortcuts need the window active)."""
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    QTest.keyClick(window, key, modifiers)


@dataclass
class Messages:
    """Message boxes the editor showed, recorded instead of waiting for a click."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, text)

    def install(self, monkeypatch) -> Messages:
        for kind in ("warning", "information", "critical"):
            monkeypatch.setattr(
                QMessageBox, kind, lambda _parent, title, text, *_rest, k=kind: self._record(k, title, text)
            )
        return self

    def _record(self, kind: str, title: str, text: str) -> QMessageBox.StandardButton:
        self.shown.append((kind, title, text))
        return QMessageBox.StandardButton.Ok

    def titles(self) -> list[str]:
        return [title for _, title, _ in self.shown]
