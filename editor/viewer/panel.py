"""The viewer panel: the source and timeline monitors, side by side when there is room, else tabs.

Three-point editing needs both pictures at once: the source's In/Out beside
the cut at the playhead, as Premiere, Resolve and Kdenlive show them. When
the panel is too narrow for two usable pictures it falls back to one
monitor at a time under Source/Timeline tabs. Either way the keys (J/K/L,
I/O, Space, the arrows) act on one monitor, `mode`: the one last clicked or
focused, or the tab shown; opening a file from the bin makes it the source
monitor. `,` and `.` edit from the source into the timeline whichever is
active. Each monitor renders with its own worker thread; a monitor off
screen (the other tab) renders nothing. A tool bar wider than half the
panel (the mask painter's) shows the timeline's monitor alone while it is on.

The attributes a single viewer had (`picture`, `timecode`, `resolution`,
`marks_label`...) are the active monitor's, so a tool or a test that drives
"the viewer" drives what the user sees and types at; tools that draw on the
cut (masks, transform handles) use `program` itself.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QCoreApplication, QEvent, QSize, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QLayout, QWidget

from editor.background import run_in_background
from editor.context import EditorContext
from editor.playhead import Playhead
from editor.viewer import captions_toggle, transport
from editor.viewer.frames import FrameWorker
from editor.viewer.monitor import Monitor, PictureFilter
from editor.viewer.monitor_parts import SOURCE, TIMELINE
from editor.viewer.source_edit import edit_from_source
from engine.playback.audio_output import StreamOpener, open_sounddevice, warm_up_sounddevice
from engine.playback.player import Player
from engine.playback.source import source_timeline

WARM_UP_AFTER_MS = 500  # PortAudio's load waits this long after the viewer is made
#: The panel's width from which the two monitors are shown side by side. Each half then has
#: some 420 pixels: its two transport rows whole (every button, the timecode, the marks) and a
#: 16:9 picture of about 350x200 beside the meters, near what Premiere's dual monitors give on
#: a 1600-pixel screen (where the default layout leaves the viewer about 860). Narrower, two
#: pictures would be thumbnails and the buttons would be cut off, so one monitor is shown at a
#: time. Never below what the two monitors need at the least (`side_by_side_width`), so that
#: changing the arrangement never resizes the dock.
SIDE_BY_SIDE_WIDTH = 840
GAP = 4  # between the two monitors


class ViewerPanel(QWidget):
    def __init__(self, context: EditorContext, open_stream: StreamOpener = open_sounddevice) -> None:
        super().__init__()
        self.setObjectName("viewer")
        self.context = context
        self.player = Player(open_stream)  # one sound card plays one monitor at a time
        if open_stream is open_sounddevice:
            # PortAudio loads off the GUI thread, so the first Space does not stall; once the
            # window is up, so its import does not hold the interpreter lock while the window is built
            QTimer.singleShot(WARM_UP_AFTER_MS, warm_up_sounddevice)
        #: For the status bar: stays there while sound is off (messages come and go).
        self.audio_status = QLabel("", self)
        self.audio_status.setObjectName("viewer-audio-status")
        self.source_monitor = Monitor(context, SOURCE, self.player, self.audio_status, self)
        self.program = Monitor(context, TIMELINE, self.player, self.audio_status, self)
        self.monitors = (self.source_monitor, self.program)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(GAP)
        # the panel asks for one monitor's width (minimumSizeHint); side by side only comes above that
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        for monitor in self.monitors:
            layout.addWidget(monitor, 1)
        self.mode = TIMELINE
        self.side_by_side = False
        self._arrange(False)
        self.source_monitor.set_active(False)
        self.program.set_active(True)
        self._connect()
        transport.register(self, context.actions)
        self.captions_action = captions_toggle.register(self, context)
        player = self.player
        self.destroyed.connect(lambda: player.stop())
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _connect(self) -> None:
        for monitor in self.monitors:
            other = self._other(monitor)
            monitor.activated.connect(lambda role=monitor.role: self.set_mode(role))
            monitor.modeRequested.connect(self.set_mode)
            monitor.playStarting.connect(other.stop)
            monitor.resolutionChosen.connect(other.set_resolution)
        self.context.media.sourceRequested.connect(self.open_source)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)  # let go by Qt when the panel is deleted

    def shutdown(self) -> None:
        self.player.stop()
        for monitor in self.monitors:
            monitor.shutdown()

    # the arrangement ---------------------------------------------------------------

    def _other(self, monitor: Monitor) -> Monitor:
        return self.program if monitor is self.source_monitor else self.source_monitor

    def monitor(self, role: str) -> Monitor:
        return self.source_monitor if role == SOURCE else self.program

    @property
    def current(self) -> Monitor:
        """The monitor the keys act on."""
        return self.monitor(self.mode)

    def side_by_side_width(self) -> int:
        """The width from which both monitors are shown: the chosen one, or what both need at least."""
        least = sum(m.minimum_width(side_by_side=True) for m in self.monitors) + GAP
        return max(SIDE_BY_SIDE_WIDTH, least)

    def minimumSizeHint(self) -> QSize:
        """As wide as the wider monitor needs, whichever is shown and however they are arranged:
        switching tabs (opening a source) or arrangement must not widen the dock and squeeze the
        bin and the inspector, and a window made narrower can narrow the viewer to tabs."""
        hint = super().minimumSizeHint()
        hint.setWidth(max(m.minimum_width(side_by_side=False) for m in self.monitors))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a monitor needs more room (the mask bar shown)
            self._fit()
        return super().event(event)

    def _fit(self) -> None:
        wanted = self.width() >= self.side_by_side_width()
        if wanted != self.side_by_side:
            self._arrange(wanted)

    def _arrange(self, side_by_side: bool) -> None:
        """Both monitors, or the current one alone; the one hidden renders nothing."""
        self.side_by_side = side_by_side
        current, other = self.current, self._other(self.current)
        for monitor in self.monitors:
            monitor.set_side_by_side(side_by_side)
        current.set_live(True)
        current.show()
        if side_by_side:
            other.set_live(True)
            other.show()
        else:
            self._hide(other, current)

    def _hide(self, hidden: Monitor, shown: Monitor) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and hidden.isAncestorOf(focus):
            shown.picture.setFocus()  # the keys stay with the viewer, not the next field in the window
        hidden.hide()
        hidden.set_live(False)

    def set_mode(self, mode: str) -> None:
        """Make `mode`'s monitor the one the keys act on; in tabs, the one shown."""
        if mode == self.mode:
            return
        current, previous = self.monitor(mode), self.current
        self.mode = mode
        if not self.side_by_side:
            current.set_live(True)
            current.show()
            self._hide(previous, current)
        previous.set_active(False)
        current.set_active(True)

    def toggle_mode(self) -> None:
        self.set_mode(TIMELINE if self.mode == SOURCE else SOURCE)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Focus in a monitor (its picture clicked, its timecode typed into) makes the keys act there."""
        if new is None:
            return
        for monitor in self.monitors:
            if monitor.isAncestorOf(new):
                self.set_mode(monitor.role)

    # the active monitor, as the single viewer it replaces ---------------------------

    @property
    def picture(self):
        return self.current.picture

    @property
    def worker(self) -> FrameWorker:
        return self.current.worker

    @property
    def timecode(self):
        return self.current.timecode

    @property
    def marks_label(self):
        return self.current.marks_label

    @property
    def source_label(self):
        return self.current.source_label

    @property
    def resolution(self):
        return self.current.resolution

    @property
    def tabs(self):
        return self.current.tabs

    @property
    def meters(self):
        return self.current.meters

    @property
    def dropped(self) -> int:
        return self.current.dropped

    @property
    def dropped_label(self) -> QLabel:
        return self.current.dropped_label

    @property
    def playhead(self) -> Playhead:
        return self.current.playhead

    @property
    def timeline(self) -> otio.schema.Timeline | None:
        return self.current.timeline

    def preview_size(self) -> tuple[int, int]:
        return self.current.preview_size()

    def end(self) -> int:
        return self.current.end()

    # the commands: on the active monitor ------------------------------------------

    def play(self) -> None:
        self.current.play()

    def shuttle_forward(self) -> None:
        self.current.shuttle_forward()

    def shuttle_back(self) -> None:
        self.current.shuttle_back()

    def stop(self) -> None:
        self.current.stop()

    def step_back(self) -> None:
        self.current.step_back()

    def step_forward(self) -> None:
        self.current.step_forward()

    def step_back_10(self) -> None:
        self.current.step_back_10()

    def step_forward_10(self) -> None:
        self.current.step_forward_10()

    def go_start(self) -> None:
        self.current.go_start()

    def go_end(self) -> None:
        self.current.go_end()

    def previous_cut(self) -> None:
        self.current.previous_cut()

    def next_cut(self) -> None:
        self.current.next_cut()

    def mark_in(self) -> None:
        self.current.mark_in()

    def mark_out(self) -> None:
        self.current.mark_out()

    def clear_marks(self) -> None:
        self.current.clear_marks()

    # the cut's monitor: what tools draw on ------------------------------------------

    def add_tool(self, button: QWidget, bar: QWidget) -> None:
        """A tool on the timeline's picture (masks, crop): its toggle and its bar on that monitor."""
        self.program.add_tool(button, bar)

    def set_picture_filter(self, picture: PictureFilter | None) -> None:
        self.program.set_picture_filter(picture)

    def show_edit_frame(
        self,
        timeline: otio.schema.Timeline | None,
        frame: int | tuple[int, int],
        labels: tuple[str, ...] = (),
    ) -> None:
        self.program.show_edit_frame(timeline, frame, labels)

    def refresh_picture(self) -> None:
        """Render both pictures again (a view option such as Show Captions changed)."""
        for monitor in self.monitors:
            monitor.refresh_picture()

    # the source ----------------------------------------------------------------------

    @property
    def source(self) -> otio.schema.Timeline | None:
        return self.source_monitor.source

    @property
    def source_path(self) -> Path | None:
        return self.source_monitor.source_path

    @property
    def source_playhead(self) -> Playhead:
        return self.source_monitor.source_playhead

    def open_source(self, path: Path) -> None:
        """Show a file in the source monitor (probed off the GUI thread); the keys act on it then."""
        path = Path(path)
        settings = self.context.session.settings
        rate, size = settings.rate, (settings.width, settings.height)
        self.context.status.show(f"Opening {path.name} in the source viewer…")

        def opened(timeline: otio.schema.Timeline) -> None:
            self.source_monitor.set_source(timeline, path)
            self.set_mode(SOURCE)
            self.context.status.show(f"Source: {path.name}")

        def failed(error: Exception) -> None:
            self.context.status.show(f"Cannot open {path.name} in the source viewer: {error}")

        self._source_job = run_in_background(lambda: source_timeline(path, rate, size), opened, failed, self)

    def insert(self) -> None:
        edit_from_source(self.context, self.source_monitor, overwrite=False)

    def overwrite(self) -> None:
        edit_from_source(self.context, self.source_monitor, overwrite=True)
