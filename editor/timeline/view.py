"""A widget that draws an OTIO timeline: ruler, track headers, clips, cuts and playhead.

It reads the model and paints; it never edits. Rows are laid out as in every
NLE: video tracks stacked with the top track (which wins in the picture) at
the top, then the audio tracks A1 downwards.
"""

from __future__ import annotations

import opentimelineio as otio
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from editor.timeline.geometry import AUDIO_ROW, HEADER_WIDTH, RULER_HEIGHT, VIDEO_ROW, TimelineGeometry
from engine.project import document, trackedit
from engine.project.document import AUDIO, VIDEO
from engine.project.times import timecode

VIDEO_CLIP = QColor("#4a6fa5")
AUDIO_CLIP = QColor("#3f8f6b")
GENERATED_BADGE = QColor("#c28b2c")
PLAYHEAD = QColor("#e0524c")


class TimelineView(QWidget):
    """Draws the timeline; emits `playheadMoved` when the user scrubs the ruler."""

    playheadMoved = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(RULER_HEIGHT + VIDEO_ROW + AUDIO_ROW)
        self.setMouseTracking(False)
        self.geometry_ = TimelineGeometry()
        self._timeline: otio.schema.Timeline | None = None
        self._rate = 30.0
        self.playhead = 0

    def set_timeline(self, timeline: otio.schema.Timeline) -> None:
        self._timeline = timeline
        self._rate = document.settings(timeline).rate
        self.zoom_to_fit()

    def rows(self) -> list[tuple[otio.schema.Track, float, float]]:
        """(track, top y, height) for each drawn row, top to bottom."""
        if self._timeline is None:
            return []
        ordered = list(reversed(document.tracks(self._timeline, VIDEO))) + document.tracks(
            self._timeline, AUDIO
        )
        y = float(RULER_HEIGHT)
        out = []
        for track in ordered:
            height = VIDEO_ROW if track.kind == VIDEO else AUDIO_ROW
            out.append((track, y, float(height)))
            y += height
        return out

    def total_frames(self) -> int:
        if self._timeline is None:
            return 0
        return max((trackedit.track_end(t, self._rate) for t in document.tracks(self._timeline)), default=0)

    def zoom_to_fit(self) -> None:
        self.geometry_.fit(max(self.total_frames(), round(self._rate * 10)), self.width())
        self.update()

    def set_playhead(self, frame: int) -> None:
        self.playhead = max(0, frame)
        self.update()

    # painting -----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1b1c1f"))
        self._paint_ruler(painter)
        for track, top, height in self.rows():
            self._paint_track(painter, track, top, height)
        x = self.geometry_.x_of(self.playhead)
        painter.setPen(QPen(PLAYHEAD, 1.5))
        painter.drawLine(int(x), 0, int(x), self.height())
        painter.end()

    def _paint_ruler(self, painter: QPainter) -> None:
        painter.fillRect(QRectF(0, 0, self.width(), RULER_HEIGHT), QColor("#26282b"))
        g = self.geometry_
        seconds_per_label = 1
        while seconds_per_label * self._rate * g.pixels_per_frame < 90:
            seconds_per_label *= 2 if seconds_per_label < 8 else 5
        step = round(seconds_per_label * self._rate)
        first = g.first_frame - g.first_frame % step
        painter.setFont(QFont(self.font().family(), 8))
        frame = first
        while g.x_of(frame) < self.width():
            x = g.x_of(frame)
            if x >= HEADER_WIDTH:
                painter.setPen(QColor("#6c6f75"))
                painter.drawLine(int(x), RULER_HEIGHT - 8, int(x), RULER_HEIGHT)
                painter.setPen(QColor("#b8bbc0"))
                painter.drawText(int(x) + 3, RULER_HEIGHT - 11, timecode(frame, self._rate))
            frame += step

    def _paint_track(self, painter: QPainter, track: otio.schema.Track, top: float, height: float) -> None:
        g = self.geometry_
        painter.fillRect(QRectF(0, top, self.width(), height - 1), QColor("#222326"))
        for slot in trackedit.layout(track, self._rate):
            if not isinstance(slot.item, otio.schema.Clip):
                continue
            left = max(g.x_of(slot.start), HEADER_WIDTH)
            right = g.x_of(slot.end)
            if right <= HEADER_WIDTH or left >= self.width():
                continue
            rect = QRectF(left, top + 3, max(1.0, right - left - 1), height - 7)
            painter.setPen(QPen(QColor("#0f1012"), 1))
            painter.setBrush(VIDEO_CLIP if track.kind == VIDEO else AUDIO_CLIP)
            painter.drawRoundedRect(rect, 3, 3)
            self._paint_clip_label(painter, slot.item, rect)
        for item in track:
            if isinstance(item, otio.schema.Transition):
                self._paint_transition(painter, track, item, top, height)
        header = QRectF(0, top, HEADER_WIDTH - 2, height - 1)
        painter.fillRect(header, QColor("#2a2c30"))
        painter.setPen(QColor("#d6d6d6"))
        flags = track.metadata.get("shotline", {})
        marks = "".join(
            mark
            for key, mark in (("locked", " 🔒"), ("muted", " M"), ("solo", " S"), ("hidden", " H"))
            if flags.get(key)
        )
        painter.drawText(header.adjusted(8, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, f"{track.name}{marks}")

    def _paint_clip_label(self, painter: QPainter, clip: otio.schema.Clip, rect: QRectF) -> None:
        refs = clip.media_references()
        generated = bool(clip.media_reference.metadata.get("shotline", {}).get("generated"))
        label = clip.name or "clip"
        if len(refs) > 1:
            keys = list(refs)
            label += f"  [take {keys.index(clip.active_media_reference_key) + 1}/{len(keys)}]"
        painter.setPen(QColor("#f0f0f0"))
        painter.drawText(rect.adjusted(6, 2, -4, 0), Qt.AlignmentFlag.AlignTop, label)
        if generated:
            badge = QRectF(rect.right() - 22, rect.top() + 3, 18, 12)
            painter.fillRect(badge, GENERATED_BADGE)
            painter.setPen(QColor("#1b1c1f"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "AI")

    def _paint_transition(
        self,
        painter: QPainter,
        track: otio.schema.Track,
        transition: otio.schema.Transition,
        top: float,
        height: float,
    ) -> None:
        index = list(track).index(transition)
        after = track[index + 1] if index + 1 < len(track) else None
        if after is None:
            return
        cut = trackedit.slot_of(track, after, self._rate).start
        before = round(transition.in_offset.value_rescaled_to(self._rate))
        following = round(transition.out_offset.value_rescaled_to(self._rate))
        x0, x1 = self.geometry_.x_of(cut - before), self.geometry_.x_of(cut + following)
        rect = QRectF(x0, top + 3, max(2.0, x1 - x0), height - 7)
        painter.setPen(QPen(QColor("#e8e8e8"), 1))
        painter.setBrush(QColor(255, 255, 255, 50))
        painter.drawRect(rect)
        painter.drawLine(rect.bottomLeft(), rect.topRight())

    # interaction --------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.position().y() < RULER_HEIGHT and event.position().x() >= HEADER_WIDTH:
            self._scrub(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and event.position().y() < RULER_HEIGHT:
            self._scrub(event.position().x())

    def _scrub(self, x: float) -> None:
        self.set_playhead(self.geometry_.frame_at(x))
        self.playheadMoved.emit(self.playhead)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.25 if event.angleDelta().y() > 0 else 0.8
            x = event.position().x()
            self.geometry_.zoom(factor, self.geometry_.frame_at(x), x)
        else:
            step = round(-event.angleDelta().y() / 120 * 80 / self.geometry_.pixels_per_frame)
            self.geometry_.first_frame = max(0, self.geometry_.first_frame + step)
        self.update()
