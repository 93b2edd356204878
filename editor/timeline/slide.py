"""The slide tool's drag: a clip moves between its neighbours, keeping its own in and out points.

The clip before it gives or takes frames at its tail and the clip after at its
head, as Premiere's slide does; linked partners slide with it. The engine's
`trims.slide_room` is asked once, on press, how far the clip may go and what
stops it, so the ghost never promises more than the release will do and the
note says why it stops. The viewer shows Premiere's two-up while dragging: the
clip before's new last frame beside the clip after's new first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt

from editor.timeline.gestures import Gesture, describe, point, show_edit_frame
from editor.timeline.layout import ClipBox
from editor.timeline.painting import Ghost
from engine.errors import ShotlineError
from engine.project import trims
from engine.project.document import VIDEO
from engine.project.times import rt

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView


class Slide(Gesture):
    """Drag a clip with the slide tool: one undo step on release, nothing when it cannot move."""

    def __init__(self, view: TimelineView, pos: QPointF, box: ClipBox) -> None:
        super().__init__(view, pos)
        self.box = box
        self.group = [box, *view.layout.partners(box)]
        self.beside = {m.ident: self._neighbours(m) for m in self.group}
        taken = {m.ident for m in self.group}
        taken.update(n.ident for pair in self.beside.values() for n in pair if n is not None)
        self._snap = self.snapper(taken)  # the edges that move with the clip are no targets
        # the picture is what the viewer shows: its member of the group gives the edit frames
        self.picture = next((m for m in self.group if m.kind == VIDEO), None)
        self.delta = 0
        self.stop = ""  # why the drag goes no further, while it asks for more than there is
        self._shown: tuple | None = None
        try:
            self.room: trims.EditRoom | None = trims.slide_room(view.context.session.timeline, box.ident)
        except ShotlineError as error:
            self.room, self.stop = None, str(error)

    def _neighbours(self, member: ClipBox) -> tuple[ClipBox | None, ClipBox | None]:
        """The clips right before and right after `member` on its track (None: a gap or nothing)."""
        row = self.view.layout.row(member.track)
        boxes = row.boxes if row is not None else []
        before = next((b for b in boxes if b.end == member.start and b.ident != member.ident), None)
        after = next((b for b in boxes if b.start == member.end and b.ident != member.ident), None)
        return before, after

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        box, rate = self.box, self.view.rate
        wanted = self.frames_moved(pos)
        if self._snap is not None:
            wanted += self._snap.offset([box.start + wanted, box.end + wanted]) or 0
        room = self.room
        if room is None:
            self.delta = 0
        else:
            self.delta, self.stop = room.clamp(wanted)
        self.overlay.ghosts = [ghost for member in self.group for ghost in self._ghosts(member)]
        self.overlay.note = f"Slide: {describe(self.delta, rate)}"
        if self.stop:
            self.overlay.note += f"  ·  stops: {self.stop}"
        self.overlay.note_at = pos
        self._show_edit_frames()

    def _ghosts(self, member: ClipBox) -> list[Ghost]:
        d = self.delta
        before, after = self.beside[member.ident]
        ghosts = [Ghost(member.track, member.start + d, member.end + d, member.name)]
        if before is not None:
            ghosts.append(Ghost(before.track, before.start, before.end + d))
        if after is not None:
            ghosts.append(Ghost(after.track, after.start + d, after.end))
        return ghosts

    def _show_edit_frames(self) -> None:
        """Premiere's slide two-up: the clip before's new out (left), the clip after's new in (right);
        one of them where there is only one neighbour, the clip's own new first frame where none."""
        picture = self.picture
        if picture is None or self.room is None:
            return
        before, after = self.beside[picture.ident]
        start, end = picture.start + self.delta, picture.end + self.delta
        rate = self.view.rate
        sides = [
            *([("Out", start - 1)] if before is not None else []),
            *([("In", end)] if after is not None else []),
        ] or [("In", start)]
        named = tuple(point(word, at, rate) for word, at in sides)
        frames = tuple(at for _, at in sides)
        frame: int | tuple[int, int] = frames if len(frames) == 2 else frames[0]  # type: ignore[assignment]
        edit = (trims.slide, self.box.ident, self.delta)
        self._shown = show_edit_frame(
            self.view, self._shown, edit, picture.track, frame, lambda _copy, _applied: named
        )

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        status = self.view.context.status
        if not self.delta:
            if self.stop:
                status.show(f"Cannot slide {self.box.name}: {self.stop}")
            return
        self.view.context.session.apply(trims.slide, self.box.ident, rt(self.delta, self.view.rate))
        if self.stop:
            status.show(f"Slide stopped at {describe(self.delta, self.view.rate)}: {self.stop}")
