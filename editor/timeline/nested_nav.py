"""Going into nested sequences and back: double-click, Clip > Open Nested Sequence, a breadcrumb bar.

A double-click on a compound clip (or Clip > Open Nested Sequence with the
playhead over one) makes its contents the timeline being edited; the bar
above the timeline shows where we are ("Premiere cut › Nested Sequence 01")
with a Back button. The nested timeline shares the parent's tracks, so
edits inside are the parent's edits, in the same undo history, saved with
it. Clip > Flatten Nested Sequence puts its clips in its place instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from editor.context import EditorContext
from editor.timeline.gestures import Gesture, describe
from editor.timeline.layout import CompoundBox, Row
from editor.timeline.painting import Ghost
from engine.project import nested
from engine.project.times import rt

if TYPE_CHECKING:
    from PySide6.QtCore import QPointF, Qt

    from editor.timeline.hits import Hit
    from editor.timeline.view import TimelineView


class NestedBar(QWidget):
    """Where the timeline being edited sits: shown only inside a nested sequence."""

    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nested-bar")
        self._context = context
        self.back = QPushButton("◀ Back", self)
        self.back.setObjectName("nested-back")
        self.back.setToolTip("Back to the sequence that holds this one")
        self.path = QLabel(self)
        self.path.setObjectName("nested-path")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.back)
        row.addWidget(self.path, 1)
        self.back.clicked.connect(lambda: context.session.leave())
        context.session.replaced.connect(self.refresh)
        context.session.changed.connect(self._check_attached)
        self.refresh()

    def refresh(self) -> None:
        session = self._context.session
        self.setVisible(bool(session.trail))
        names = [t.name or "Sequence" for t in [*session.trail, session.timeline]]
        self.path.setText("  ›  ".join(names))

    def _check_attached(self) -> None:
        """An undo that replaced the open nested sequence in its parent takes us back out of it."""
        session = self._context.session
        if session.trail and not nested.is_attached(session.timeline):
            session.leave(len(session.trail))
            self._context.status.show(
                "The nested sequence was changed from outside; back to the sequence", 4000
            )


def register(view: TimelineView) -> None:
    add = view.context.actions.add
    add("clip.open_nested", "&Open Nested Sequence", lambda: open_at_playhead(view), "Clip", "", "nested")
    add("clip.flatten", "Flatte&n Nested Sequence", lambda: flatten_at_playhead(view), "Clip", "", "nested")


def compound_under_playhead(view: TimelineView) -> tuple[str, int] | None:
    """(track, frame) of the topmost nested sequence under the playhead, if any."""
    frame = view.context.playhead.frame
    for row in view.layout.rows:
        if any(c.start <= frame < c.end for c in row.compounds):
            return row.track, frame
    return None


def open_compound(view: TimelineView, track: str, frame: int) -> None:
    session = view.context.session
    view.context.selection.set([])
    session.enter(nested.nested_view(session.timeline, track, rt(frame, view.rate)))


def open_at_playhead(view: TimelineView) -> None:
    found = compound_under_playhead(view)
    if found is None:
        view.context.status.show("No nested sequence under the playhead", 3000)
        return
    open_compound(view, *found)


def flatten_at_playhead(view: TimelineView) -> None:
    found = compound_under_playhead(view)
    if found is None:
        view.context.status.show("No nested sequence under the playhead", 3000)
        return
    view.context.session.apply(nested.flatten, found[0], rt(found[1], view.rate))


def delete_selected(view: TimelineView, ripple: bool) -> bool:
    """Delete (or ripple delete) the selected nested sequence; False when none is selected."""
    if view.selected_compound is None:
        return False
    track, start = view.selected_compound
    view.selected_compound = None
    view.context.session.apply(nested.lift, track, rt(start, view.rate), ripple)
    return True


def compound_hit(hit: Hit) -> CompoundBox | None:
    """The nested sequence under a press, if that is what was hit."""
    if hit.row is None or hit.box is not None:
        return None
    return next((c for c in hit.row.compounds if c.start <= hit.frame < c.end), None)


def double_clicked(view: TimelineView, hit: Hit) -> bool:
    """Open the nested sequence double-clicked, if that is what was hit."""
    if compound_hit(hit) is None:
        return False
    assert hit.row is not None
    open_compound(view, hit.row.track, hit.frame)
    return True


class MoveCompound(Gesture):
    """Drag a nested sequence in time or to another track of its kind, as a clip is dragged."""

    def __init__(self, view: TimelineView, pos: QPointF, row: Row, compound: CompoundBox) -> None:
        super().__init__(view, pos)
        self.row, self.compound = row, compound
        self.delta = 0
        self.track = row.track
        self._snap = self.snapper()

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        view, box = self.view, self.compound
        delta = self.frames_moved(pos)
        if self._snap is not None:
            shift = self._snap.offset([box.start + delta, box.end + delta])
            if shift is not None:
                delta += shift
        self.delta = max(delta, -box.start)
        row = view.layout.row_at(pos.y() - view.canvas_top())
        self.track = row.track if row is not None and row.kind == self.row.kind else self.row.track
        self.overlay.ghosts = [Ghost(self.track, box.start + self.delta, box.end + self.delta, box.name)]
        self.overlay.note = describe(self.delta, view.rate)
        self.overlay.note_at = pos

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        if self.delta == 0 and self.track == self.row.track:
            return
        rate, start = self.view.rate, self.compound.start
        moved = self.view.context.session.apply(
            nested.move,
            self.row.track,
            rt(start, rate),
            rt(start + self.delta, rate),
            self.track if self.track != self.row.track else None,
        )
        if moved is not None:
            self.view.selected_compound = moved.result  # it stays selected where it landed
            self.view.update()
