"""The viewer panel: the picture at the playhead, the transport, and source/timeline modes.

Two things can be shown: the timeline at the shared playhead, or one file
from the bin (the source viewer) at its own playhead with its own in/out
marks, from which `,` inserts and `.` overwrites into the timeline. Frames
are rendered by a `FrameWorker` thread; playback takes its time from an
engine `Player` (the sound card's clock, or wall time when there is none)
which a fast timer reads to move the playhead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.background import run_in_background
from editor.context import EditorContext
from editor.elided_label import ElidedLabel
from editor.playhead import Playhead
from editor.viewer import captions_toggle, transport
from editor.viewer.frames import FrameWorker
from editor.viewer.meters import AudioMeters
from editor.viewer.picture import PictureView
from engine.errors import EditError
from engine.playback import cuts, shuttle, threepoint
from engine.playback.audio_output import StreamOpener, open_sounddevice, warm_up_sounddevice
from engine.playback.player import Player
from engine.playback.source import placements, source_length, source_timeline
from engine.playback.timecode import parse_timecode
from engine.project import document, trackedit, tracks
from engine.project.document import AUDIO, VIDEO
from engine.project.edits import insert as insert_edit
from engine.project.edits import overwrite as overwrite_edit
from engine.project.times import rt, timecode

SOURCE, TIMELINE = "source", "timeline"
PictureFilter = Callable[[otio.schema.Timeline], otio.schema.Timeline]
#: Preview sizes: the label in the combo and how much smaller than the project's frame (0: Auto,
#: the smallest that still has a pixel for every pixel of the picture on screen).
RESOLUTIONS = (("Auto", 0), ("Full", 1), ("1/2", 2), ("1/4", 4))
TICK_MS = 5
WARM_UP_AFTER_MS = 500  # PortAudio's load waits this long after the viewer is made
STILL_AHEAD = 2  # frames rendered after a paused playhead (a step forward shows at once)

#: Buttons under the picture: (action name, label, tooltip).
BUTTONS = (
    ("mark_in", "{", "Mark In"),
    ("mark_out", "}", "Mark Out"),
    ("go_start", "|◀", "Go to Start"),
    ("previous_cut", "▲", "Previous Edit Point"),
    ("step_back", "◀|", "Step Back"),
    ("shuttle_back", "◀◀", "Play Backwards (J)"),
    ("play", "▶", "Play/Pause"),
    ("shuttle_forward", "▶▶", "Play Faster (L)"),
    ("step_forward", "|▶", "Step Forward"),
    ("next_cut", "▼", "Next Edit Point"),
    ("go_end", "▶|", "Go to End"),
    ("insert", "Insert", "Insert from Source"),
    ("overwrite", "Overwrite", "Overwrite from Source"),
)


def two_up(left: QImage | str, right: QImage | str) -> QImage | str:
    """Two frames side by side with a thin gap, as a trim monitor shows both sides of a cut."""
    if isinstance(left, str) or isinstance(right, str):
        return right if isinstance(left, str) else left
    gap = max(2, left.width() // 40)
    both = QImage(
        left.width() + gap + right.width(), max(left.height(), right.height()), QImage.Format.Format_RGB888
    )
    both.fill(QColor("#000000"))
    painter = QPainter(both)
    painter.drawImage(0, 0, left)
    painter.drawImage(left.width() + gap, 0, right)
    painter.end()
    return both


class ViewerPanel(QWidget):
    def __init__(self, context: EditorContext, open_stream: StreamOpener = open_sounddevice) -> None:
        super().__init__()
        self.setObjectName("viewer")
        self.context = context
        self.player = Player(open_stream)
        if open_stream is open_sounddevice:
            # PortAudio loads off the GUI thread, so the first Space does not stall; once the
            # window is up, so its import does not hold the interpreter lock while the window is built
            QTimer.singleShot(WARM_UP_AFTER_MS, warm_up_sounddevice)
        proxy_settings = context.proxies
        self.worker = FrameWorker(proxy_settings.open_video if proxy_settings is not None else None)
        self.mode = TIMELINE
        self.source: otio.schema.Timeline | None = None
        self.source_path: Path | None = None
        self.source_playhead = Playhead(self)
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
        transport.register(self, context.actions)
        self.captions_action = captions_toggle.register(self, context)
        worker, player = self.worker, self.player
        self.destroyed.connect(lambda: (player.stop(), worker.close()))
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._reload()

    # assembly -------------------------------------------------------------------

    def _build(self) -> None:
        self.tabs = QTabBar(self)
        self.tabs.setObjectName("viewer-mode")
        self.tabs.addTab("Source")
        self.tabs.addTab("Timeline")
        self.tabs.setCurrentIndex(1)
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # the theme has no tab style; make the mode shown unmistakable. The tabs bring their own dark
        # background: light text on the base style's light selected tab (no theme) read as blank
        self.tabs.setStyleSheet(
            "QTabBar::tab { padding: 3px 12px; color: #9aa0a6; background: #1e1f22;"
            " border-bottom: 2px solid transparent; }"
            "QTabBar::tab:selected { color: #f0f0f0; font-weight: bold; background: #26282b;"
            " border-bottom: 2px solid #6f9be0; }"
        )
        # elided, asking for no width: a long file name or marks must not widen the dock (and so
        # squeeze the bin and the inspector) while the user marks In and Out
        self.source_label = ElidedLabel(self)
        self.resolution = QComboBox(self)
        self.resolution.setObjectName("viewer-resolution")
        self.resolution.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for label, divisor in RESOLUTIONS:
            self.resolution.addItem(label, divisor)
        stored = str(self.context.settings.value("viewer/resolution", "1/2"))
        self.resolution.setCurrentIndex(max(0, self.resolution.findText(stored)))
        top = QHBoxLayout()
        top.addWidget(self.tabs)
        top.addWidget(self.source_label, 1)
        #: Frames playback skipped since Play was pressed, as Resolve's viewer counts them.
        self.dropped = 0
        self.dropped_label = QLabel("", self)
        self.dropped_label.setObjectName("viewer-dropped")
        widest = self.dropped_label.fontMetrics().horizontalAdvance("Dropped 99999")
        self.dropped_label.setMinimumWidth(widest)  # a growing count never widens the dock
        self.dropped_label.setToolTip("Frames skipped since playback started: the preview could not keep up")
        top.addWidget(self.dropped_label)
        top.addWidget(QLabel("Resolution", self))
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
        self.buttons: dict[str, QToolButton] = {}
        bottom = QHBoxLayout()
        bottom.addWidget(self.timecode)
        bottom.addStretch(1)
        for name, label, tip in BUTTONS:
            button = QToolButton(self)
            button.setText(label)
            button.setToolTip(tip)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setObjectName(f"viewer-{name}")
            button.clicked.connect(lambda _checked=False, name=name: self._trigger(name))
            self.buttons[name] = button
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(self.marks_label, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        self.meters = AudioMeters(self)  # peak/RMS dBFS and LUFS of what plays, beside the picture
        middle = QHBoxLayout()
        middle.addWidget(self.picture, 1)
        middle.addWidget(self.meters)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)
        #: For the status bar: stays there while sound is off (messages come and go).
        self.audio_status = QLabel("", self)
        self.audio_status.setObjectName("viewer-audio-status")

    def _connect(self) -> None:
        context = self.context
        context.session.changed.connect(self._document_changed)
        context.playhead.moved.connect(lambda _frame: self._moved(TIMELINE))
        self.source_playhead.moved.connect(lambda _frame: self._moved(SOURCE))
        context.playhead.marksChanged.connect(self._show_marks)
        self.source_playhead.marksChanged.connect(self._show_marks)
        context.media.sourceRequested.connect(self.open_source)
        context.media.editFrame.connect(self.show_edit_frame)
        self.worker.relay.rendered.connect(self._rendered)
        self.tabs.currentChanged.connect(lambda index: self.set_mode(SOURCE if index == 0 else TIMELINE))
        self.resolution.currentIndexChanged.connect(self._resolution_changed)
        self.timecode.returnPressed.connect(self._timecode_entered)
        if context.proxies is not None:
            context.proxies.changed.connect(self._proxies_changed)

    def add_tool(self, button: QWidget, bar: QWidget) -> None:
        """A tool's toggle in the top row and its bar (hidden until the tool is on) under it."""
        self._top.insertWidget(self._top.indexOf(self.source_label) + 1, button)
        layout = self.layout()
        layout.insertWidget(1, bar)
        bar.hide()

    def _trigger(self, name: str) -> None:
        self.context.actions.action(f"viewer.{name}").trigger()

    def shutdown(self) -> None:
        self.player.stop()
        self._timer.stop()
        self.worker.close()

    # what is shown ---------------------------------------------------------------

    @property
    def playhead(self) -> Playhead:
        return self.context.playhead if self.mode == TIMELINE else self.source_playhead

    @property
    def timeline(self) -> otio.schema.Timeline | None:
        return self.context.session.timeline if self.mode == TIMELINE else self.source

    def end(self) -> int:
        """The frame after the last one of what is shown."""
        timeline = self.timeline
        return trackedit.timeline_end(timeline, document.settings(timeline).rate) if timeline else 0

    def preview_size(self) -> tuple[int, int]:
        settings = document.settings(self.timeline or self.context.session.timeline)
        divisor = int(self.resolution.currentData() or 0) or self._auto_divisor(
            settings.width, settings.height
        )
        return (
            max(2, settings.width // divisor // 2 * 2),
            max(2, settings.height // divisor // 2 * 2),
        )

    def _auto_divisor(self, width: int, height: int) -> int:
        """The largest reduction that still gives the picture on screen a pixel per pixel."""
        ratio = self.picture.devicePixelRatioF()
        shown_w, shown_h = self.picture.width() * ratio, self.picture.height() * ratio
        scale = min(shown_w / width, shown_h / height) if width and height else 1.0
        fitting = [d for _label, d in RESOLUTIONS if d and width / d >= width * scale - 1]
        return max(fitting, default=1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        auto = self.resolution.currentData() == 0
        if auto and self.timeline is not None and self.preview_size() != self.worker.size:
            self._reload()

    def set_mode(self, mode: str) -> None:
        if mode == self.mode:
            return
        self.stop()
        self.mode = mode
        self.tabs.blockSignals(True)
        self.tabs.setCurrentIndex(0 if mode == SOURCE else 1)
        self.tabs.blockSignals(False)
        self._reload()
        self._show_marks()

    def set_picture_filter(self, picture: PictureFilter | None) -> None:
        """Make the timeline picture from `picture(copy of the timeline)` from now on (None: the cut)."""
        self.picture_filter = picture
        if self.mode == TIMELINE:
            self._reload()

    def toggle_mode(self) -> None:
        self.set_mode(TIMELINE if self.mode == SOURCE else SOURCE)

    def refresh_picture(self) -> None:
        """Render what is shown again (a view option such as Show Captions changed)."""
        self._reload()

    def _reload(self) -> None:
        """Hand the worker a fresh copy of what is shown, then ask for the playhead's frame."""
        timeline = self.timeline
        self.source_label.setText(self.source_path.name if self.mode == SOURCE and self.source_path else "")
        if timeline is None:
            self.picture.show_frame(0, "No source clip: open one from the bin")
            self._show_timecode()
            return
        copy = timeline.clone()
        if self.mode == TIMELINE and self.picture_filter is not None:
            copy = self.picture_filter(copy)
        self.worker.set_timeline(copy, self.preview_size())
        self._request()
        self._show_timecode()

    def _document_changed(self) -> None:
        if self.mode == TIMELINE:
            self._reload()
            if self.player.playing:
                self.player.set_timeline(self.context.session.timeline.clone())

    def _resolution_changed(self) -> None:
        self.context.settings.set_value("viewer/resolution", self.resolution.currentText())
        self._reload()

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
        if self.mode != TIMELINE or self.player.playing:
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
        if self.timeline is not None:
            self._request()

    def _request(self) -> None:
        frame = self.playhead.frame
        speed = self.player.speed
        count = self.worker.ahead(self.worker.size) if speed else STILL_AHEAD
        ahead = [frame + i * (speed or 1) for i in range(1, count + 1)]
        shown = self.worker.want([frame, *ahead])
        if shown is not None:
            self._show(frame, shown)

    def _show(self, frame: int, shown, labels: tuple[str, ...] = ()) -> None:
        """Show a frame; during playback, count the frames jumped over (the dropped-frame counter)."""
        last, speed = self.picture.frame, self.player.speed
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

    def _moved(self, mode: str) -> None:
        if mode == self.mode:
            self._show_timecode()
            if self.timeline is not None:
                self._request()

    def _rendered(self, generation: int, frame: int) -> None:
        if generation != self.worker.generation:
            return
        if self._edit_frames is not None and self.mode == TIMELINE:
            if frame in self._edit_frames:
                self._show_edit()
            return
        target, shown_frame, speed = self.playhead.frame, self.picture.frame, self.player.speed
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
        head, rate = self.playhead, self._rate()
        parts = []
        if head.in_point is not None:
            parts.append(f"In {timecode(head.in_point, rate)}")
        if head.out_point is not None:
            parts.append(f"Out {timecode(head.out_point, rate)}")
        marked = head.marked_range()
        if marked is not None:
            parts.append(f"Duration {timecode(marked[1], rate)}")
        self.marks_label.setText("   ".join(parts))

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
        if not self.player.playing and speed > 0 and frame >= end - 1:
            frame = 0  # play at the end starts again from the top
            self.playhead.move_to(0)
        if not self.player.playing:
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
        if speed > 0 and frame >= end - 1:
            self.stop()
            self.playhead.move_to(max(0, end - 1))
        elif speed < 0 and frame <= 0:
            self.stop()
            self.playhead.move_to(0)
        else:
            self.playhead.move_to(frame)

    def play(self) -> None:
        self._set_speed(shuttle.toggle(self.player.speed))

    def shuttle_forward(self) -> None:
        self._set_speed(shuttle.forward(self.player.speed))

    def shuttle_back(self) -> None:
        self._set_speed(shuttle.backward(self.player.speed))

    def stop(self) -> None:
        self.player.stop()
        self._timer.stop()
        self.meters.clear()
        self.buttons["play"].setText("▶")
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

    # the source viewer ----------------------------------------------------------------------

    def open_source(self, path: Path) -> None:
        """Show a file in the source viewer; it is probed off the GUI thread."""
        path = Path(path)
        settings = self.context.session.settings
        rate, size = settings.rate, (settings.width, settings.height)
        self.context.status.show(f"Opening {path.name} in the source viewer…")

        def opened(timeline: otio.schema.Timeline) -> None:
            self.stop()
            self.source, self.source_path = timeline, path
            self.source_playhead.clear_marks()
            self.source_playhead.move_to(0)
            if self.mode == SOURCE:
                self._reload()
            else:
                self.set_mode(SOURCE)
            self.context.status.show(f"Source: {path.name}")

        def failed(error: Exception) -> None:
            self.context.status.show(f"Cannot open {path.name} in the source viewer: {error}")

        self._source_job = run_in_background(lambda: source_timeline(path, rate, size), opened, failed, self)

    def insert(self) -> None:
        self._edit_from_source(overwrite=False)

    def overwrite(self) -> None:
        self._edit_from_source(overwrite=True)

    def _edit_from_source(self, overwrite: bool) -> None:
        """Three-point edit from the source's marks and the timeline's marks onto the patched tracks.

        Marks on the timeline that decided the edit are cleared afterwards (as
        Avid and Premiere's "clear in/out after edit" do), so the next `,`
        goes at the playhead, which moves to the end of what was edited in.
        """
        if self.source is None:
            self.context.status.show("Open a clip in the source viewer first (double-click it in the bin)")
            return
        session, head, status = self.context.session, self.context.playhead, self.context.status
        rate = session.rate
        if document.settings(self.source).rate != rate:
            status.show("The project's frame rate changed: open the source clip again")
            return
        source_marks = threepoint.Marks(self.source_playhead.in_point, self.source_playhead.out_point)
        timeline_marks = threepoint.Marks(head.in_point, head.out_point)
        try:
            edit = threepoint.resolve(
                source_marks, source_length(self.source), timeline_marks, head.frame, rate
            )
        except EditError as error:
            status.show(f"Cannot {'overwrite' if overwrite else 'insert'}: {error}")
            return
        destinations = self.context.patch.destinations(session.timeline)
        placed = {}
        for name, clip in placements(self.source, edit.source_first, edit.frames).items():
            track = destinations[VIDEO if name.startswith("V") else AUDIO]
            if track is not None:
                placed[track] = clip
        if not placed:
            status.show("No track is patched for this source: click V or A at the left of a track header")
            return
        locked = [t for t in placed if tracks.track_flags(document.track(session.timeline, t)).locked]
        if locked:
            status.show(f"Cannot edit into {', '.join(locked)}: the track is locked")
            return
        if session.apply(overwrite_edit if overwrite else insert_edit, rt(edit.at, rate), placed) is None:
            return
        if head.in_point is not None or head.out_point is not None:
            head.clear_marks()
        head.move_to(edit.at + edit.frames)  # as in Premiere: ready for the next edit
        verb = "Overwrote" if overwrite else "Inserted"
        name = self.source_path.name if self.source_path else "the source"
        where = ", ".join(placed)
        status.show(f"{verb} {name} ({timecode(edit.frames, rate)}) at {timecode(edit.at, rate)} on {where}")
