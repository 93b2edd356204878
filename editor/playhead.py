"""Where the user is in the timeline: the playhead and the in/out marks.

One object shared by the viewer, the timeline and the menus, so scrubbing
the ruler, stepping a frame in the viewer and typing a timecode all move the
same playhead and every view follows. Positions are whole project frames.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Playhead(QObject):
    moved = Signal(int)
    marksChanged = Signal()  # in or out point set or cleared

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frame = 0
        self.in_point: int | None = None
        self.out_point: int | None = None  # inclusive: the last frame of the marked range

    def move_to(self, frame: int) -> None:
        frame = max(0, int(frame))
        if frame != self.frame:
            self.frame = frame
            self.moved.emit(frame)

    def step(self, frames: int) -> None:
        self.move_to(self.frame + frames)

    def mark_in(self, frame: int | None = None) -> None:
        self.in_point = self.frame if frame is None else max(0, frame)
        if self.out_point is not None and self.out_point < self.in_point:
            self.out_point = None
        self.marksChanged.emit()

    def mark_out(self, frame: int | None = None) -> None:
        self.out_point = self.frame if frame is None else max(0, frame)
        if self.in_point is not None and self.in_point > self.out_point:
            self.in_point = None
        self.marksChanged.emit()

    def clear_marks(self) -> None:
        self.in_point = self.out_point = None
        self.marksChanged.emit()

    def marked_range(self) -> tuple[int, int] | None:
        """(first frame, frames) between the marks, or None unless both are set."""
        if self.in_point is None or self.out_point is None:
            return None
        return self.in_point, self.out_point - self.in_point + 1
