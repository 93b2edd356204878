"""The main window: it assembles the parts and owns nothing else.

Menus call small handlers that delegate to the engine; the document, its undo
and its rendering live elsewhere, so this file stays a table of contents.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from editor.timeline.view import TimelineView
from engine.errors import ShotlineError
from engine.project import document, trackedit
from engine.project.times import timecode


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.resize(1400, 820)
        self.timeline_view = TimelineView(self)
        self.setCentralWidget(self.timeline_view)
        self.project_path: Path | None = None
        self.timeline: otio.schema.Timeline | None = None
        self._build_menus()
        self.timeline_view.playheadMoved.connect(self._show_playhead)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open…", self, shortcut=QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._ask_open)
        file_menu.addAction(open_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu("&View")
        fit = QAction("Zoom to &Fit", self, shortcut=QKeySequence("Shift+Z"))
        fit.triggered.connect(self.timeline_view.zoom_to_fit)
        view_menu.addAction(fit)

    def show_timeline(self, timeline: otio.schema.Timeline, path: Path | None) -> None:
        self.timeline = timeline
        self.project_path = path
        self.timeline_view.set_timeline(timeline)
        name = path.name if path else (timeline.name or "Untitled")
        self.setWindowTitle(f"{name} — Shotline")
        settings = document.settings(timeline)
        frames = max((trackedit.track_end(t, settings.rate) for t in document.tracks(timeline)), default=0)
        self.statusBar().showMessage(
            f"{settings.width}x{settings.height}, {settings.rate:.3f} fps, "
            f"{timecode(frames, settings.rate)} long"
        )

    def open_project(self, path: Path) -> bool:
        """Open a project file; a broken one gets a message, never a traceback."""
        from engine.project.persistence import load

        try:
            loaded = load(path)
        except ShotlineError as error:
            QMessageBox.warning(self, "Cannot open project", str(error))
            return False
        self.show_timeline(loaded.timeline, Path(path))
        if loaded.offline:
            names = "\n".join(f"• {name}: {media}" for name, media in loaded.offline[:12])
            QMessageBox.information(
                self, "Offline media", f"These media files are missing and show as offline:\n{names}"
            )
        return True

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", "OpenTimelineIO (*.otio)")
        if path:
            self.open_project(Path(path))

    def _show_playhead(self, frame: int) -> None:
        if self.timeline is not None:
            rate = document.settings(self.timeline).rate
            self.statusBar().showMessage(f"Playhead {timecode(frame, rate)}")
