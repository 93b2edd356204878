"""The timeline canvas: draws the layout, turns mouse gestures into edits, accepts drops.

It never edits the OTIO tree itself: every gesture ends in one
`session.apply` (or one `session.group`), so it is one named undo step, and
the canvas repaints from a fresh layout when the session says the document
changed. Keyboard commands are registered in the action registry (see
`commands`), not handled here, so the keymap stays editable; only Escape
(cancelling a drag in progress) is the canvas's own key.
"""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolTip, QWidget

from editor.context import EditorContext
from editor.timeline import gestures, headers, hits, marker_tips, menus, nested_nav
from editor.timeline.drops import DropHandler
from editor.timeline.geometry import AUDIO_ROW, HEADER_WIDTH, RULER_HEIGHT, VIDEO_ROW, TimelineGeometry
from editor.timeline.layout import Row, TimelineLayout
from editor.timeline.painting import Overlay, Scene, duck_envelope, paint, paint_playhead
from editor.timeline.previews import PreviewCache
from editor.timeline.slide import Slide
from engine.project import edits, tracks
from engine.project.document import VIDEO
from engine.project.times import rt

EDGE_SCROLL_PIXELS = 24
EDGE_SCROLL_STEP = 24  # pixels per tick of the edge timer
SELECT, RAZOR, ROLL, SLIP, SLIDE = "select", "razor", "roll", "slip", "slide"
TOOL_CURSORS = {
    SELECT: Qt.CursorShape.ArrowCursor,
    RAZOR: Qt.CursorShape.CrossCursor,
    ROLL: Qt.CursorShape.SplitHCursor,
    SLIP: Qt.CursorShape.SizeHorCursor,
    SLIDE: Qt.CursorShape.OpenHandCursor,  # the clip itself is taken and moved between its neighbours
}


class TimelineView(QWidget):
    viewChanged = Signal()  # zoom, scroll or content size changed: scroll bars follow

    def __init__(
        self, context: EditorContext, parent: QWidget | None = None, previews: PreviewCache | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(RULER_HEIGHT + VIDEO_ROW + AUDIO_ROW)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAcceptDrops(True)
        self.geometry_ = TimelineGeometry()
        self.layout_ = TimelineLayout.empty()
        self.previews = previews if previews is not None else PreviewCache(self)
        self.jobs: dict[str, float] = {}  # clip id -> progress of a generation job running for it
        self.tool = SELECT
        self.snapping = True
        self.targeted: set[str] | None = None  # None: every track (until the user picks)
        self.gesture: gestures.Gesture | None = None
        self.selected_compound: tuple[str, int] | None = None  # (track, start) of a nested sequence
        self.drops = DropHandler(self)
        self.overlay: Overlay | None = None
        self._exists: dict[str, bool] = {}
        self._fit_pending = False
        # dragging against the left or right edge scrolls the timeline, as NLEs do
        self._edge_timer = QTimer(self)
        self._edge_timer.setInterval(40)
        self._edge_timer.timeout.connect(self._scroll_at_edge)
        self._last_move: tuple[QPointF, Qt.KeyboardModifier] | None = None
        session = context.session
        session.changed.connect(self.rebuild)
        session.replaced.connect(self._replaced)
        self._backdrop: QPixmap | None = None  # the timeline painted without the playhead
        self._backdrop_scene: Scene | None = None
        self._playhead_only = False
        context.playhead.moved.connect(lambda _frame: self._playhead_moved())
        context.selection.changed.connect(self._clip_selection_changed)
        context.patch.changed.connect(self.update)
        context.playhead.marksChanged.connect(self.update)
        self.previews.ready.connect(self.update)
        self.rebuild()

    # the model ---------------------------------------------------------------------------

    @property
    def layout(self) -> TimelineLayout:
        return self.layout_

    @property
    def rate(self) -> float:
        return self.context.session.rate

    def _clip_selection_changed(self) -> None:
        if self.context.selection.ids:
            self.selected_compound = None  # clips and a nested sequence are not selected together
        self.update()

    def rebuild(self) -> None:
        """Lay the document out again: only after a change, never per paint."""
        self.layout_ = TimelineLayout.build(self.context.session.timeline, self._file_exists)
        alive = [b.ident for row in self.layout_.rows for b in row.boxes]
        self.context.selection.keep_only(alive)
        if self.selected_compound is not None:
            row = self.layout_.row(self.selected_compound[0])
            if row is None or not any(c.start == self.selected_compound[1] for c in row.compounds):
                self.selected_compound = None
        self.geometry_.scroll_y = max(0, min(self.geometry_.scroll_y, self.max_scroll_y()))
        self.viewChanged.emit()
        self.update()

    def _file_exists(self, path: str) -> bool:
        # looked up once per file, on a change, never while painting
        if path not in self._exists:
            self._exists[path] = os.path.isfile(path)
        return self._exists[path]

    def _replaced(self) -> None:
        self._exists.clear()
        self.targeted = None
        self.context.patch.reset()
        self.rebuild()
        self.zoom_to_fit()

    def rows(self) -> list[tuple[Row, float, float]]:
        """(row, top y on screen, height) of each drawn row, top to bottom."""
        return [(row, hits.row_top(row, self.geometry_), float(row.height)) for row in self.layout_.rows]

    def targeted_tracks(self) -> list[str]:
        return [r.track for r in self.layout_.rows if self.targeted is None or r.track in self.targeted]

    def toggle_target(self, track: str) -> None:
        chosen = set(self.targeted_tracks())
        chosen.symmetric_difference_update({track})
        self.targeted = chosen
        self.update()

    def canvas_top(self) -> float:
        """Where content y = 0 is on screen (under the ruler, scrolled)."""
        return RULER_HEIGHT - self.geometry_.scroll_y

    def max_scroll_y(self) -> int:
        return max(0, self.layout_.height - (self.height() - RULER_HEIGHT))

    # zoom and scroll ------------------------------------------------------------------------

    def total_frames(self) -> int:
        return self.layout_.end

    def zoom_to_fit(self) -> None:
        if self.width() <= HEADER_WIDTH + 16:  # not laid out yet: fit once it has its real width
            self._fit_pending = True
            return
        self._fit_pending = False
        self.geometry_.fit(max(self.total_frames(), round(self.rate * 10)), self.width())
        self.viewChanged.emit()
        self.update()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom around `anchor_x` (the mouse), or around the playhead when it is on screen."""
        g = self.geometry_
        if anchor_x is None:
            anchor_x = g.x_of(self.context.playhead.frame)
            if not HEADER_WIDTH <= anchor_x <= self.width():
                anchor_x = HEADER_WIDTH
        anchor = (anchor_x - HEADER_WIDTH) / g.pixels_per_frame + g.first_frame
        g.zoom(factor, anchor, anchor_x)
        self.viewChanged.emit()
        self.update()

    def scroll_to(self, first_frame: float | None = None, scroll_y: int | None = None) -> None:
        if first_frame is not None:
            self.geometry_.first_frame = max(0.0, first_frame)
        if scroll_y is not None:
            self.geometry_.scroll_y = max(0, min(scroll_y, self.max_scroll_y()))
        self.viewChanged.emit()
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.25**steps, event.position().x())
        elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier or event.position().x() < HEADER_WIDTH:
            self.scroll_to(scroll_y=self.geometry_.scroll_y - round(steps * 40))
        else:
            self.scroll_to(first_frame=self.geometry_.first_frame - steps * self.geometry_.frames_in(80))
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_pending:
            self.zoom_to_fit()
        self.geometry_.scroll_y = min(self.geometry_.scroll_y, self.max_scroll_y())
        self.viewChanged.emit()

    # painting ----------------------------------------------------------------------------------

    def scene(self) -> Scene:
        overlay = self.overlay or (self.gesture.overlay if self.gesture is not None else None)
        return Scene(
            layout=self.layout_,
            geometry=self.geometry_,
            rate=self.rate,
            width=self.width(),
            height=self.height(),
            playhead=self.context.playhead.frame,
            selected=set(self.context.selection.ids),
            selected_compound=self.selected_compound,
            targeted=set(self.targeted_tracks()),
            previews=self.previews,
            overlay=overlay,
            jobs=dict(self.jobs),
            duck=duck_envelope(self.context.session.timeline),
            patched={t for t in self.context.patch.destinations(self.context.session.timeline).values() if t},
            marks=(self.context.playhead.in_point, self.context.playhead.out_point),
        )

    def set_job_progress(self, ident: str, fraction: float) -> None:
        """Show a generation job on its clip; 1.0 (the job ended, whichever way) clears it."""
        if fraction >= 1.0:
            self.jobs.pop(ident, None)
        else:
            self.jobs[ident] = fraction
        self.update()

    def update(self, *args) -> None:
        """Anything but the playhead changed: the kept picture of the timeline is out of date."""
        self._backdrop = None
        super().update(*args)

    def _playhead_moved(self) -> None:
        """During playback the playhead moves thirty times a second and nothing else changes:
        the next paint draws the kept picture and the playhead over it, not every clip again."""
        self._playhead_only = self._backdrop is not None
        super().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        ratio = self.devicePixelRatioF()
        backdrop, only_playhead = self._backdrop, self._playhead_only
        self._playhead_only = False
        size = self.size() * ratio
        if only_playhead and backdrop is not None and backdrop.size() == size and self.gesture is None:
            painter.drawPixmap(0, 0, backdrop)
            playhead = replace(self._backdrop_scene, playhead=self.context.playhead.frame)
            paint_playhead(painter, playhead, self.font())
            painter.end()
            return
        scene = self.scene()
        if scene.overlay is not None:  # a drag's ghosts and note change with every move: not kept
            self._backdrop = None
            paint(painter, scene, self.font())
            painter.end()
            return
        backdrop = QPixmap(size)
        backdrop.setDevicePixelRatio(ratio)
        kept = QPainter(backdrop)
        paint(kept, scene, self.font(), playhead=False)
        kept.end()
        self._backdrop, self._backdrop_scene = backdrop, scene
        painter.drawPixmap(0, 0, backdrop)
        paint_playhead(painter, scene, self.font())
        painter.end()

    # tools ----------------------------------------------------------------------------------------

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self.overlay = None
        self.setCursor(TOOL_CURSORS[tool])
        self.context.status.show(f"{tool.capitalize()} tool", 2000)

    def set_snapping(self, on: bool) -> None:
        self.snapping = on
        self.context.status.show(f"Snapping {'on' if on else 'off'}", 2000)

    # mouse -------------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        hit = hits.hit_test(self.layout_, self.geometry_, pos.x(), pos.y())
        modifiers = event.modifiers()
        if hit.area == hits.RULER:
            self.gesture = gestures.Scrub(self, pos)
        elif hit.area == hits.HEADER:
            self._header_click(hit)
        elif hit.row is not None and self.tool == RAZOR and hit.box is not None:
            self._blade(hit.row, pos.x())
        elif hit.row is not None and self.tool == ROLL:
            cut = hits.nearest_cut(hit.row, self.geometry_, pos.x())
            if cut is not None:
                self.gesture = gestures.Roll(self, pos, hit.row, cut)
        elif hit.box is not None and self.tool == SLIP:
            self.select_clicked(hit.box.ident, modifiers)
            self.gesture = gestures.Slip(self, pos, hit.box)
        elif hit.box is not None and self.tool == SLIDE:
            self.select_clicked(hit.box.ident, modifiers)
            self.gesture = Slide(self, pos, hit.box)
        elif hit.box is not None and hit.area in (hits.HEAD, hits.TAIL):
            self.select_clicked(hit.box.ident, modifiers)
            self.gesture = gestures.Trim(self, pos, hit.box, hit.area)
        elif hit.box is not None:
            toggling = self.select_clicked(hit.box.ident, modifiers)
            if not toggling:
                self.gesture = gestures.MoveClips(self, pos, hit.box)
        elif self.tool == SELECT and (compound := nested_nav.compound_hit(hit)) is not None:
            self.context.selection.clear()  # a nested sequence is selected and dragged alone
            self.selected_compound = (hit.row.track, compound.start)
            self.gesture = nested_nav.MoveCompound(self, pos, hit.row, compound)
        elif hit.area == hits.EMPTY or hit.area == hits.NOTHING:
            additive = bool(
                modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
            )
            if not additive:
                self.context.selection.clear()
            self.gesture = gestures.RubberBand(self, pos, additive)
        self._moved = False
        self.update()

    def select_clicked(self, ident: str, modifiers: Qt.KeyboardModifier, only: bool = False) -> bool:
        """Select a clicked clip with its linked partners; Shift/Ctrl toggles. True when it toggled.

        A press on a clip already selected keeps the selection (it may be the
        start of dragging them all); `only` (a click let go without moving)
        narrows it to the clip and its partners.
        """
        found = self.layout_.find(ident)
        group = [ident, *(b.ident for b in self.layout_.partners(found[1]))] if found else [ident]
        selection = self.context.selection
        if modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier):
            if ident in selection:
                selection.set([i for i in selection.ids if i not in group])
            else:
                selection.add(group)
            return True
        if only or ident not in selection:
            selection.set(group)
        return False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Double-click a track's name to rename it, as in the header of every NLE."""
        pos = event.position()
        hit = hits.hit_test(self.layout_, self.geometry_, pos.x(), pos.y())
        if hit.area == hits.HEADER and hit.row is not None and hit.button == headers.TARGET:
            menus.ask_rename(self, hit.row.track)
            return
        if hit.area != hits.HEADER and nested_nav.double_clicked(self, hit):
            return  # a nested sequence opens for editing
        super().mouseDoubleClickEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # a marker's name, timecode and note on the ruler
            tip = marker_tips.tip_at(self, event.pos().x(), event.pos().y())
            if tip is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), tip, self)
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self.gesture is not None:
            self._moved = True
            self._last_move = (pos, event.modifiers())
            self.gesture.move(pos, event.modifiers())
            if self._edge_direction(pos.x()) and not self._edge_timer.isActive():
                self._edge_timer.start()
            self.update()
            return
        self._hover(pos)

    def _edge_direction(self, x: float) -> int:
        if x > self.width() - EDGE_SCROLL_PIXELS:
            return 1
        if HEADER_WIDTH <= x < HEADER_WIDTH + EDGE_SCROLL_PIXELS and self.geometry_.first_frame > 0:
            return -1
        return 0

    def _scroll_at_edge(self) -> None:
        direction = self._edge_direction(self._last_move[0].x()) if self._last_move else 0
        if self.gesture is None or not direction:
            self._edge_timer.stop()
            return
        g = self.geometry_
        before = g.first_frame
        self.scroll_to(first_frame=g.first_frame + direction * g.frames_in(EDGE_SCROLL_STEP))
        shifted = (g.first_frame - before) * g.pixels_per_frame
        # the press point moves with the content, so the drag's delta keeps counting in frames
        self.gesture.origin = self.gesture.origin - QPointF(shifted, 0)
        pos, modifiers = self._last_move
        self.gesture.move(pos, modifiers)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.gesture is None:
            return
        gesture, self.gesture = self.gesture, None
        self._edge_timer.stop()
        if self._moved or isinstance(gesture, gestures.Scrub):
            gesture.move(event.position(), event.modifiers())
            gesture.finish(event.modifiers())
        elif isinstance(gesture, gestures.MoveClips):
            # a click (no drag) on a clip of a multi-selection selects just it, as in every NLE
            self.select_clicked(gesture.grabbed.ident, Qt.KeyboardModifier.NoModifier, only=True)
        self.context.media.editFrame.emit(None, -1, ())  # a trim's edit frame gives way to the playhead's
        self.update()

    def leaveEvent(self, event: QEvent) -> None:
        if self.tool == RAZOR and self.gesture is None:
            self.overlay = None
            self.update()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.gesture is not None:
            self.gesture = None
            self.context.media.editFrame.emit(None, -1, ())
            self.context.status.show("Drag cancelled", 2000)
            self.update()
            return
        super().keyPressEvent(event)

    def _hover(self, pos: QPointF) -> None:
        if self.tool == RAZOR:  # the blade line shows where a click cuts
            self.overlay = Overlay(line=self.geometry_.frame_at(pos.x())) if pos.x() >= HEADER_WIDTH else None
            self.update()
            return
        if self.tool != SELECT:
            return
        hit = hits.hit_test(self.layout_, self.geometry_, pos.x(), pos.y())
        if hit.area in (hits.HEAD, hits.TAIL):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.setCursor(Qt.CursorShape.ArrowCursor)

    def _header_click(self, hit: hits.Hit) -> None:
        if hit.row is None or hit.button is None:
            return
        if hit.button == headers.TARGET:
            self.toggle_target(hit.row.track)
            return
        if hit.button == headers.SOURCE:
            names = [r.track for r in self.layout_.rows if r.kind == hit.row.kind]
            if hit.row.kind == VIDEO:
                names.reverse()  # V1 first, as the patch counts them
            self.context.patch.toggle(hit.row.kind, hit.row.track, names)
            return
        value = not getattr(hit.row.flags, hit.button)
        self.context.session.apply(tracks.set_track_flags, hit.row.track, **{hit.button: value})

    def _blade(self, row: Row, x: float) -> None:
        frame = self.geometry_.frame_at(x)
        if self.snapping:
            snap = gestures.Gesture(self, QPointF(x, 0)).snapper()
            if snap is not None:
                frame = snap.nearest(frame) if snap.nearest(frame) is not None else frame
        self.context.session.apply(edits.slice, rt(frame, self.rate), [row.track])

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = QPointF(event.pos())
        hit = hits.hit_test(self.layout_, self.geometry_, pos.x(), pos.y())
        menu = menus.menu_for(self, hit)
        if menu is not None:
            self.run_menu(menu, event.globalPos())

    def run_menu(self, menu: QMenu, at: QPoint) -> None:
        """Show a context menu and run what the user picks (tests stand in for the user here)."""
        menu.exec(at)

    # drops ----------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drops.enter(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.drops.move(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drops.leave()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drops.drop(event)
