"""A timeline panel in a window of its own, and a user's hands to work it: for the timeline tests.

Positions are computed from the view's own geometry, so a test presses the
mouse exactly where a clip's edge or a header button is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMainWindow

from editor.context import EditorContext
from editor.settings import EditorSettings
from editor.timeline import headers
from editor.timeline.hits import row_top
from editor.timeline.panel import TimelinePanel
from editor.timeline.view import TimelineView
from tests.support.editing import layout, serialized

PIXELS_PER_FRAME = 4.0
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@dataclass
class Harness:
    window: QMainWindow
    context: EditorContext
    panel: TimelinePanel
    qtbot: object

    @property
    def view(self) -> TimelineView:
        return self.panel.view

    @property
    def timeline(self) -> otio.schema.Timeline:
        return self.context.session.timeline

    def open(self, timeline: otio.schema.Timeline) -> None:
        self.context.session.replace(timeline, None)
        self.view.geometry_.pixels_per_frame = PIXELS_PER_FRAME
        self.view.scroll_to(first_frame=0, scroll_y=0)

    def layout(self, track: str) -> list[tuple[str, int, int]]:
        return layout(self.timeline, track)

    def serialized(self) -> str:
        return serialized(self.timeline)

    # where things are ----------------------------------------------------------------

    def x(self, frame: float) -> int:
        return round(self.view.geometry_.x_of(frame))

    def y(self, track: str, where: float = 0.6) -> int:
        """A y inside the track's row (0.6 of the way down: in a clip's body, below its label)."""
        row = self.view.layout.row(track)
        assert row is not None, f"no row {track}"
        return round(row_top(row, self.view.geometry_) + row.height * where)

    def at(self, frame: float, track: str) -> QPoint:
        return QPoint(self.x(frame), self.y(track))

    def button(self, track: str, name: str) -> QPoint:
        row = self.view.layout.row(track)
        assert row is not None
        for found, rect, _, _ in headers.buttons(row, row_top(row, self.view.geometry_)):
            if found == name:
                return rect.center().toPoint()
        raise AssertionError(f"{track} has no {name} button")

    # hands ----------------------------------------------------------------------------------

    def click(self, pos: QPoint, modifiers: Qt.KeyboardModifier = NONE) -> None:
        self.qtbot.mouseClick(self.view, LEFT, modifiers, pos)

    def drag(
        self,
        start: QPoint,
        end: QPoint,
        modifiers: Qt.KeyboardModifier = NONE,
        release: bool = True,
    ) -> None:
        """Press, move in a few steps, release: as a hand does, so previews see every step."""
        qtbot = self.qtbot
        qtbot.mousePress(self.view, LEFT, modifiers, start)
        for i in range(1, 5):
            point = start + (end - start) * (i / 4)
            qtbot.mouseMove(self.view, point)
        if release:
            qtbot.mouseRelease(self.view, LEFT, modifiers, end)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
        self.qtbot.keyClick(self.view, key, modifiers)

    def undo_redo_restores(self, before: str, after: str) -> None:
        """Ctrl+Z gives back `before` exactly, Ctrl+Shift+Z gives `after` again."""
        stack = self.context.session.undo_stack
        stack.undo()
        assert self.serialized() == before, "undo did not restore the document"
        stack.redo()
        assert self.serialized() == after, "redo did not give the edit back"


def make_harness(qtbot, tmp_path: Path) -> Harness:
    window = QMainWindow()
    context = EditorContext.create(window, EditorSettings(tmp_path / "settings.ini"))
    panel = TimelinePanel(context, window)
    window.setCentralWidget(panel)
    for entry in context.actions.entries():
        window.addAction(entry.action)
    undo = context.session.undo_stack
    context.actions.add("edit.undo", "Undo", undo.undo, "Edit", "Ctrl+Z")
    context.actions.add("edit.redo", "Redo", undo.redo, "Edit", "Ctrl+Shift+Z")
    window.addAction(context.actions.action("edit.undo"))
    window.addAction(context.actions.action("edit.redo"))
    window.resize(1300, 420)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # window shortcuts only reach an active window
    panel.view.setFocus()
    return Harness(window, context, panel, qtbot)
