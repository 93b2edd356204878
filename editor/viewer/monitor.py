"""One monitor of the viewer: the picture of one thing at its playhead, with its own transport.

The viewer panel (editor.viewer.panel) holds two of these, as Premiere,
Resolve and Kdenlive do: the source monitor shows one file from the bin at
its own playhead with its own In/Out, the timeline's (program) monitor the
cut at the shared playhead. Both are this class, so they look and behave
alike. Frames are rendered by the monitor's own `FrameWorker` thread; a
monitor that is not on screen (the other tab) is not `live` and asks its
worker for nothing. Playback takes its time from an engine `Player` (the
sound card's clock, or wall time when there is none) shared by both
monitors, because one sound card plays one thing: a monitor uses it while
its own timer runs, and says so first (`playStarting`) so the panel can stop
the other.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.elided_label import ElidedLabel
from editor.playhead import Playhead
from editor.preferences import values
from editor.viewer.frames import FrameWorker
from editor.viewer.meters import AudioMeters
from editor.viewer.monitor_parts import (
    SOURCE,
    TIMELINE,
    TITLES,
    marks_text,
    mode_tabs,
    resolution_menu,
    transport_buttons,
    two_up,
)
from editor.viewer.picture import PictureView
from engine.errors import EditError
from engine.playback import cuts, shuttle
from engine.playback.player import Player
from engine.playback.timecode import parse_timecode
from engine.project import document, trackedit
from engine.project.times import timecode

PictureFilter = Callable[[otio.schema.Timeline], otio.schema.Timeline]
TICK_MS = 5
STILL_AHEAD = 2  # frames rendered after a paused playhead (a step forward shows at once)
ACTIVE_EDGE = QColor("#6f9be0")  # the outline of the monitor the keys act on, side by side


class Monitor(QWidget):
    #: A click or focus here: the transport keys act on this monitor now.
    activated = Signal()
    #: This monitor's tab (Source or Timeline) was clicked while the other was shown.
    modeRequested = Signal(str)
    #: Play is about to start here: the other monitor must let go of the shared player.
    playStarting = Signal()
    #: The user chose a preview resolution in this monitor's menu (its key in `values`).
    resolutionChosen = Signal(str)

    def __init__(
        self, context: EditorContext, role: str, player: Player, audio_status: QLabel, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"viewer-{role}")
        self.context, self.role, self.player, self.audio_status = context, role, player, audio_status
        proxy_settings = context.proxies
        self.worker = FrameWorker(proxy_settings.open_video if proxy_settings is not None else None)
        #: the source monitor's file (None until one is opened); the timeline monitor shows the cut
        self.source: otio.schema.Timeline | None = None
        self.source_path: Path | None = None
        self.source_playhead = Playhead(self)
        #: on screen: only a live monitor renders (the hidden tab asks its worker for nothing)
        self.live = True
        self.active = False  # the keys act here (outlined when both monitors are shown)
        self.outlined = False
        # what the timeline picture is made from (Mask mode shows its clip alone); None: the whole cut
        self.picture_filter: PictureFilter | None = None
        self._shown_generation = -1  # the worker's generation the picture shown was rendered in
        #: during a trim or roll: the edit frame (or a roll's two) shown instead of the playhead's
        self._edit_frames: tuple[int, ...] | None = None
        self._edit_labels: tuple[str, ...] = ()  # what each of those frames is ("Out 00:00:02:11")
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._connect()
        worker = self.worker
        self.destroyed.connect(lambda: worker.close())

    # assembly -------------------------------------------------------------------

    def _build(self) -> None:
        # side by side each monitor is named; in tabs, the tabs name the one shown
        self.tabs = mode_tabs(self.role, self)
        self.title = QLabel(TITLES[self.role], self)
        self.title.setObjectName("viewer-title")
        self.title.hide()
        # elided, asking for no width: a long file name or marks must not widen the dock (and so
        # squeeze the bin and the inspector) while the user marks In and Out
        self.source_label = ElidedLabel(self)
        self.resolution = resolution_menu(self.context.settings, self)
        top = QHBoxLayout()
        top.addWidget(self.tabs)
        top.addWidget(self.title)
        top.addWidget(self.source_label, 1)
        #: Frames playback skipped since Play was pressed, as Resolve's viewer counts them.
        self.dropped = 0
        self.dropped_label = QLabel("", self)
        self.dropped_label.setObjectName("viewer-dropped")
        widest = self.dropped_label.fontMetrics().horizontalAdvance("Dropped 99999")
        self.dropped_label.setMinimumWidth(widest)  # a growing count never widens the dock
        self.dropped_label.setToolTip("Frames skipped since playback started: the preview could not keep up")
        top.addWidget(self.dropped_label)
        top.addWidget(self.resolution)
        self._top = top

        self.picture = PictureView(self)
        self.picture.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        self.timecode = QLineEdit(self)
        self.timecode.setObjectName("viewer-timecode")
        self.timecode.setToolTip("Type a timecode, then Enter (1:00 is one second, +10 is ten frames on)")
        self.timecode.setFixedWidth(self.timecode.fontMetrics().horizontalAdvance("00:00:00:00") + 20)
        self.marks_label = ElidedLabel(self, Qt.TextElideMode.ElideLeft)
        self.marks_label.setObjectName("viewer-marks")
        # as Premiere's monitors: the timecode and the marks over the buttons, so a monitor half
        # the viewer's width still shows every button (see SIDE_BY_SIDE_WIDTH in editor.viewer.panel)
        times = QHBoxLayout()
        times.addWidget(self.timecode)
        times.addWidget(self.marks_label, 1)
        bottom, self.buttons = transport_buttons(self.role, self, self._trigger)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        self.meters = AudioMeters(self)  # peak/RMS dBFS and LUFS of what plays, beside the picture
        middle = QHBoxLayout()
        middle.addWidget(self.picture, 1)
        middle.addWidget(self.meters)
        layout.addLayout(middle, 1)
        layout.addLayout(times)
        layout.addLayout(bottom)

    def _connect(self) -> None:
        context = self.context
        if self.role == TIMELINE:
            context.session.changed.connect(self._document_changed)
            context.media.editFrame.connect(self.show_edit_frame)
        self.playhead.moved.connect(lambda _frame: self._moved())
        self.playhead.marksChanged.connect(self._show_marks)
        self.worker.relay.rendered.connect(self._rendered)
        self.tabs.currentChanged.connect(self._tab_clicked)
        self.resolution.currentIndexChanged.connect(self._resolution_changed)
        self.timecode.returnPressed.connect(self._timecode_entered)
        if context.proxies is not None:
            context.proxies.changed.connect(self._proxies_changed)

    def _tab_clicked(self, index: int) -> None:
        """The other tab asks for the other monitor; this bar goes on naming this one."""
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(0 if self.role == SOURCE else 1)
        self.tabs.blockSignals(False)
        requested = SOURCE if index == 0 else TIMELINE
        if requested != self.role:
            self.modeRequested.emit(requested)

    def add_tool(self, button: QWidget, bar: QWidget) -> None:
        """A tool's toggle in the top row and its bar (hidden until the tool is on) under it."""
        self._top.insertWidget(self._top.indexOf(self.source_label) + 1, button)
        layout = self.layout()
        layout.insertWidget(1, bar)
        bar.hide()

    def set_side_by_side(self, side_by_side: bool) -> None:
        """Named by a title beside the other monitor, or by the Source/Timeline tabs alone."""
        self.tabs.setVisible(not side_by_side)
        self.title.setVisible(side_by_side)
        self.outlined = side_by_side
        self.update()

    def minimum_width(self, side_by_side: bool) -> int:
        """The width this monitor needs at the least, named by its title (side by side) or by its
        tabs, whichever names it now: so the panel decides its arrangement the same way from both."""
        layout = self.layout()
        shown = self.title if self.title.isVisibleTo(self) else self.tabs
        naming = self.title if side_by_side else self.tabs
        widths = [layout.itemAt(i).minimumSize().width() for i in range(1, layout.count())]
        top = self._top.minimumSize().width() - shown.sizeHint().width() + naming.sizeHint().width()
        margins = layout.contentsMargins()
        return max(top, *widths) + margins.left() + margins.right()

    def set_active(self, active: bool) -> None:
        self.active = active
        self.title.setStyleSheet("font-weight: bold; color: #f0f0f0;" if active else "color: #9aa0a6;")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Side by side, the monitor the keys act on is outlined, as Premiere outlines the focused panel."""
        super().paintEvent(event)
        if self.outlined and self.active:
            painter = QPainter(self)
            painter.setPen(QPen(ACTIVE_EDGE, 2))
            painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click anywhere on the monitor (its picture takes the focus) makes the keys act here."""
        self.activated.emit()
        self.picture.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mousePressEvent(event)

    def _trigger(self, name: str) -> None:
        self.activated.emit()  # a button of this monitor acts on this monitor
        self.context.actions.action(f"viewer.{name}").trigger()

    def shutdown(self) -> None:
        self.stop_playing()
        self.worker.close()

    # what is shown ---------------------------------------------------------------

    @property
    def playhead(self) -> Playhead:
        return self.context.playhead if self.role == TIMELINE else self.source_playhead

    @property
    def timeline(self) -> otio.schema.Timeline | None:
        return self.context.session.timeline if self.role == TIMELINE else self.source

    @property
    def playing(self) -> bool:
        """Whether this monitor is the one playing (the player is shared with the other)."""
        return self._timer.isActive()

    def _speed(self) -> int:
        return self.player.speed if self.playing else 0

    def end(self) -> int:
        """The frame after the last one of what is shown."""
        timeline = self.timeline
        return trackedit.timeline_end(timeline, document.settings(timeline).rate) if timeline else 0

    def preview_size(self) -> tuple[int, int]:
        settings = document.settings(self.timeline or self.context.session.timeline)
        key = self.resolution.currentData() or values.DEFAULT_PREVIEW
        divisor = values.PREVIEW_RESOLUTIONS[key] or self._auto_divisor(settings.width, settings.height)
        return (
            max(2, settings.width // divisor // 2 * 2),
            max(2, settings.height // divisor // 2 * 2),
        )

    def _auto_divisor(self, width: int, height: int) -> int:
        """The largest reduction that still gives the picture on screen a pixel per pixel."""
        ratio = self.picture.devicePixelRatioF()
        shown_w, shown_h = self.picture.width() * ratio, self.picture.height() * ratio
        scale = min(shown_w / width, shown_h / height) if width and height else 1.0
        divisors = values.PREVIEW_RESOLUTIONS.values()
        fitting = [d for d in divisors if d and width / d >= width * scale - 1]
        return max(fitting, default=1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        auto = values.PREVIEW_RESOLUTIONS.get(self.resolution.currentData()) == 0
        if auto and self.live and self.timeline is not None and self.preview_size() != self.worker.size:
            self._reload()

    def set_live(self, live: bool) -> None:
        """On screen or not: a monitor off screen stops, forgets its wanted frames and renders nothing."""
        if live == self.live:
            return
        self.live = live
        if live:
            self._reload()
            self._show_marks()
        else:
            self.stop_playing()
            self.worker.want([])

    def set_source(self, timeline: otio.schema.Timeline, path: Path) -> None:
        """The source monitor shows this file from its first frame, with no marks."""
        self.stop()
        self.source, self.source_path = timeline, path
        self.source_playhead.clear_marks()
        self.source_playhead.move_to(0)
        self._reload()

    def set_resolution(self, key: str) -> None:
        """Show at this preview resolution (chosen in the other monitor): one setting for both."""
        index = self.resolution.findData(key)
        if index >= 0 and index != self.resolution.currentIndex():
            self.resolution.blockSignals(True)
            self.resolution.setCurrentIndex(index)
            self.resolution.blockSignals(False)
            self._reload()

    def set_picture_filter(self, picture: PictureFilter | None) -> None:
        """Make the timeline picture from `picture(copy of the timeline)` from now on (None: the cut)."""
        self.picture_filter = picture
        self._reload()

    def refresh_picture(self) -> None:
        """Render what is shown again (a view option such as Show Captions changed)."""
        self._reload()

    def _reload(self) -> None:
        """Hand the worker a fresh copy of what is shown, then ask for the playhead's frame."""
        timeline = self.timeline
        self.source_label.setText(self.source_path.name if self.source_path else "")
        if not self.live:
            return
        if timeline is None:
            self.picture.show_hint("No source clip: open one from the bin")
            self._show_timecode()
            return
        copy = timeline.clone()
        if self.picture_filter is not None:
            copy = self.picture_filter(copy)
        self.worker.set_timeline(copy, self.preview_size())
        self._request()
        self._show_timecode()

    def _document_changed(self) -> None:
        self._reload()
        if self.playing:
            self.player.set_timeline(self.context.session.timeline.clone())

    def _resolution_changed(self) -> None:
        key = self.resolution.currentData()
        values.set_preview_resolution(self.context.settings, key)
        self._reload()
        self.resolutionChosen.emit(key)

    def show_edit_frame(
        self,
        timeline: otio.schema.Timeline | None,
        frame: int | tuple[int, int],
        labels: tuple[str, ...] = (),
    ) -> None:
        """During a trim, roll, slip or slide: show `frame` of `timeline` (the edit as the drag would
        leave it), or two frames side by side (Premiere's two-up: a roll's or slide's outgoing and
        incoming frames, a slip's first and last); None: the drag ended, back to the playhead's frame."""
        if timeline is None:
            if self._edit_frames is not None:
                self._edit_frames = None
                self._reload()
            return
        if not self.live or self.playing:
            return
        self._edit_frames = tuple(max(0, f) for f in (frame if isinstance(frame, tuple) else (frame,)))
        self._edit_labels = tuple(labels)
        self.worker.set_timeline(timeline, self.preview_size())
        self.worker.want(list(self._edit_frames))
        self._show_edit()

    def _show_edit(self) -> None:
        frames = self._edit_frames or ()
        pictures = [self.worker.cached(f) for f in frames]
        if not pictures or any(p is None for p in pictures):
            return
        shown = pictures[0] if len(pictures) == 1 else two_up(*pictures)
        self._show(frames[-1], shown, self._edit_labels if not isinstance(shown, str) else ())

    def _proxies_changed(self) -> None:
        """Proxies on or off, or one was finished: open the files again and show the frame anew."""
        self.worker.reopen()
        if self.live and self.timeline is not None:
            self._request()

    def _request(self) -> None:
        if not self.live or self.timeline is None:
            return
        frame = self.playhead.frame
        speed = self._speed()
        count = self.worker.ahead(self.worker.size) if speed else STILL_AHEAD
        ahead = [frame + i * (speed or 1) for i in range(1, count + 1)]
        shown = self.worker.want([frame, *ahead])
        if shown is not None:
            self._show(frame, shown)

    def _show(self, frame: int, shown, labels: tuple[str, ...] = ()) -> None:
        """Show a frame; during playback, count the frames jumped over (the dropped-frame counter)."""
        last, speed = self.picture.frame, self._speed()
        if self._shown_generation != self.worker.generation:
            last = None  # shown from what was there before: nothing to count from
        self._shown_generation = self.worker.generation
        if speed and last is not None and frame != last:
            # at 2x, 4x, 8x every second, fourth, eighth frame is the next one to show
            skipped = abs(frame - last) // abs(speed) - 1 if (frame - last) * speed > 0 else 0
            if skipped > 0:
                self.dropped += skipped
                self.dropped_label.setText(f"Dropped {self.dropped}")
                self.dropped_label.setStyleSheet("color: #e0a040;")
        self.picture.show_frame(frame, shown, labels)

    def _moved(self) -> None:
        self._show_timecode()
        self._request()

    def _rendered(self, generation: int, frame: int) -> None:
        if generation != self.worker.generation or not self.live:
            return
        if self._edit_frames is not None:
            if frame in self._edit_frames:
                self._show_edit()
            return
        target, shown_frame, speed = self.playhead.frame, self.picture.frame, self._speed()
        if self._shown_generation != generation:
            shown_frame = None  # a frame of what was shown before (another timeline, or before an edit)
        if speed > 0:
            fresher = frame <= target and (shown_frame is None or shown_frame < frame)
        else:
            fresher = speed < 0 and frame >= target and (shown_frame is None or frame < shown_frame)
        if frame == target or fresher:
            shown = self.worker.cached(frame)
            if shown is not None:
                self._show(frame, shown)

    def _show_timecode(self) -> None:
        if not self.timecode.hasFocus():
            self.timecode.setText(timecode(self.playhead.frame, self._rate()))

    def _show_marks(self) -> None:
        self.marks_label.setText(*marks_text(self.playhead, self._rate()))

    def _rate(self) -> float:
        return document.settings(self.timeline or self.context.session.timeline).rate

    def _timecode_entered(self) -> None:
        try:
            frame = parse_timecode(self.timecode.text(), self._rate(), self.playhead.frame)
        except EditError as error:
            self.context.status.show(str(error))
        else:
            self.stop()
            self.playhead.move_to(min(frame, self.end()))
        self.picture.setFocus()  # hand the keys back to the transport
        self._show_timecode()

    # playback ------------------------------------------------------------------------

    def _set_speed(self, speed: int) -> None:
        if speed == 0 or self.timeline is None:
            self.stop()
            return
        frame, end = self.playhead.frame, self.end()
        if not self.playing:
            self.playStarting.emit()  # the other monitor lets go of the player
            if speed > 0 and frame >= end - 1:
                frame = 0  # play at the end starts again from the top
                self.playhead.move_to(0)
            self.dropped = 0
            self.dropped_label.setText("Dropped 0")
            self.dropped_label.setStyleSheet("color: #80c080;")
        self.player.start(self.timeline.clone(), frame, speed)
        if self.player.audio_off:
            self.audio_status.setText(f"Audio is off: {self.player.audio_off}")
            self.context.status.show(f"Audio is off: {self.player.audio_off}", 0)
        elif speed == 1:
            self.audio_status.setText("")
        self.buttons["play"].setText("❚❚")
        self._timer.start()

    def _tick(self) -> None:
        if not self.player.playing:
            return
        self.meters.show_reading(self.player.meter.reading())
        frame, end, speed = self.player.frame(), self.end(), self.player.speed
        if speed > 0 and frame >= end:  # the last frame is seen and heard to its end, then it stops
            self.stop()
            self.playhead.move_to(max(0, end - 1))
        elif speed < 0 and frame <= 0:
            self.stop()
            self.playhead.move_to(0)
        else:
            self.playhead.move_to(frame)

    def play(self) -> None:
        self._set_speed(shuttle.toggle(self._speed()))

    def shuttle_forward(self) -> None:
        self._set_speed(shuttle.forward(self._speed()))

    def shuttle_back(self) -> None:
        self._set_speed(shuttle.backward(self._speed()))

    def stop_playing(self) -> None:
        """Let go of the player if this monitor has it (the other may be playing: leave it be)."""
        if self.playing:
            self.player.stop()
            self._timer.stop()
        self.meters.clear()
        self.buttons["play"].setText("▶")

    def stop(self) -> None:
        self.stop_playing()
        self._request()

    # navigation and marks ----------------------------------------------------------------

    def _go(self, frame: int) -> None:
        self.stop()
        self.playhead.move_to(max(0, min(frame, self.end())))

    def step_back(self) -> None:
        self._go(self.playhead.frame - 1)

    def step_forward(self) -> None:
        self._go(self.playhead.frame + 1)

    def step_back_10(self) -> None:
        self._go(self.playhead.frame - 10)

    def step_forward_10(self) -> None:
        self._go(self.playhead.frame + 10)

    def go_start(self) -> None:
        self._go(0)

    def go_end(self) -> None:
        self._go(self.end())

    def previous_cut(self) -> None:
        if self.timeline is not None:
            self._go(cuts.previous_cut(self.timeline, self.playhead.frame))

    def next_cut(self) -> None:
        if self.timeline is not None:
            self._go(cuts.next_cut(self.timeline, self.playhead.frame))

    def mark_in(self) -> None:
        self.playhead.mark_in()

    def mark_out(self) -> None:
        self.playhead.mark_out()

    def clear_marks(self) -> None:
        self.playhead.clear_marks()
