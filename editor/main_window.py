"""The main window: it assembles the docks and the menus, and owns nothing else.

Each panel lives in its own package and is handed the shared `EditorContext`;
panels register their commands in the action registry, and the menus are
laid out from it once every panel is built. The document, its undo and its
rendering live elsewhere, so this file stays a table of contents.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from editor import keyguard, window_menus
from editor.actions import MENUS
from editor.bin.panel import BinPanel
from editor.bin.views import paths_of
from editor.cast.panel import CastPanel
from editor.context import EditorContext
from editor.engine_client import EngineClient
from editor.export.controller import ExportController
from editor.generate.cache_cleaner import CacheCleaner
from editor.generate.controller import GenerationController
from editor.generate.extend_controller import ExtendController
from editor.generate.new_shot import NewShotController
from editor.generate.score import ScoreController
from editor.generate.voice_controller import VoiceController
from editor.graphics import actions as graphics_actions
from editor.inspector.panel import Inspector
from editor.jobs.dock import EngineProblem, JobsDockFollower
from editor.jobs.panel import JobsPanel
from editor.jobs.runner import JobRunner
from editor.masks.inpaint import InpaintController
from editor.masks.mode import MaskMode
from editor.preferences.dialog import register_preferences
from editor.project import sequence_actions
from editor.project.file_actions import ProjectFiles
from editor.project.interchange_actions import TimelineInterchange
from editor.proxies.controller import ProxiesController
from editor.screenplay.importer import ScreenplayImport
from editor.settings import EditorSettings
from editor.stills.animate_controller import AnimateStillController
from editor.stills.kenburns_controller import KenBurnsController
from editor.storyboard.generate_all import GenerateAllController
from editor.storyboard.job_states import ClipJobStates
from editor.storyboard.panel import StoryboardPanel
from editor.timeline.markers_panel import MarkersPanel
from editor.timeline.panel import TimelinePanel
from editor.viewer import ViewerPanel
from editor.viewer.transform_handles import TransformHandles


class MainWindow(QMainWindow):
    def __init__(self, parent: QWidget | None = None, settings: EditorSettings | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.resize(1400, 860)
        self.context = EditorContext.create(self, settings)
        self.project_files = ProjectFiles(self, self.context)  # first: New/Open/Save head the File menu
        keyguard.install(self)
        self.setDockNestingEnabled(True)
        self.timeline_panel = TimelinePanel(self.context, self)
        self.timeline_view = self.timeline_panel.view
        self._dock("timeline", "Timeline", self.timeline_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        top = Qt.DockWidgetArea.TopDockWidgetArea
        self.bin = BinPanel(self.context, self)
        self.viewer = ViewerPanel(self.context)
        self.inspector, self.jobs_panel = Inspector(self.context, self), JobsPanel(parent=self)
        bin_dock = self._dock("bin", "Media", self.bin, top)
        viewer_dock = self._dock("viewer", "Viewer", self.viewer, top)
        inspector_dock = self._dock("inspector", "Inspector", self.inspector, top)
        # Premiere's default: media | viewer | inspector across the top, the timeline across the bottom
        self.splitDockWidget(bin_dock, viewer_dock, Qt.Orientation.Horizontal)
        self.splitDockWidget(viewer_dock, inspector_dock, Qt.Orientation.Horizontal)
        jobs_dock = self._dock("jobs", "Jobs", self.jobs_panel, top)
        self.tabifyDockWidget(inspector_dock, jobs_dock)
        inspector_dock.raise_()  # jobs sit in a tab behind the inspector, as Premiere's Progress panel
        self.resizeDocks([bin_dock, viewer_dock, inspector_dock], [320, 760, 320], Qt.Orientation.Horizontal)
        self.statusBar().addPermanentWidget(self.viewer.audio_status)
        self.engine = EngineClient(self)  # started by the application, or by the first job
        self.jobs = JobRunner(self.engine, self.jobs_panel.model, self, self.context.settings)
        self.jobs.clipProgress.connect(self.timeline_view.set_job_progress)
        JobsDockFollower(jobs_dock, self.jobs)
        EngineProblem(self.jobs_panel, self.engine)
        self.generation = GenerationController(self.context, self.jobs, self)
        self.new_shot = NewShotController(self.context, self.jobs, self, self.timeline_view.targeted_tracks)
        self.cache_cleaner = CacheCleaner(self.context, self)
        self.proxies = ProxiesController(self.context, self, lambda: paths_of(self.bin.view))
        self.masks = MaskMode(self.context, self.viewer, self.jobs_panel.model, self)
        self.transform_handles = TransformHandles(self.context, self.viewer)  # move/scale over the viewer
        self.inpaint = InpaintController(self.context, self.jobs, self.masks, self)
        self.voice = VoiceController(self.context, self.jobs, self)
        self.inspector.voice_text.speakAgain.connect(self.voice.speak_again)
        self.scoring = ScoreController(self.context, self.jobs, self)
        self.extending = ExtendController(self.context, self.jobs, self)
        self.ken_burns = KenBurnsController(self.context, self)
        self.animate_still = AnimateStillController(self.context, self.generation, self.jobs, self)
        # screenplay to cut: the Storyboard (a tab beside the timeline once shown), the Cast by the inspector
        self.generate_all = GenerateAllController(self.context, self.jobs, self)
        self.generation.keyframe_first = self.generate_all.generate_shot  # Regenerate's "keyframe first"
        states = ClipJobStates(self.jobs, self)
        self.storyboard = StoryboardPanel(self.context, states, self.generate_all, self)
        self.cast_panel = CastPanel(self.context, self.jobs, self)
        self.screenplay = ScreenplayImport(self.context, self.jobs, self)
        self._dock("storyboard", "Storyboard", self.storyboard, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(jobs_dock, self._dock("cast", "Cast", self.cast_panel, top))
        self.markers_panel = MarkersPanel(self.context, self)  # every marker: jump, edit, delete
        self.tabifyDockWidget(jobs_dock, self._dock("markers", "Markers", self.markers_panel, top))
        inspector_dock.raise_()
        self._connect()
        self._register_actions()
        self._build_menus()
        window_menus.start_hidden(self, self.context, "storyboard")  # it comes forward with a script
        self._restore_layout()

    # assembly -------------------------------------------------------------------

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")  # saveState() finds docks by name
        dock.setWidget(widget)
        feature = QDockWidget.DockWidgetFeature
        dock.setFeatures(feature.DockWidgetMovable | feature.DockWidgetFloatable | feature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        context = self.context
        context.status.message.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        context.session.pathChanged.connect(lambda _path: self._update_title())
        context.session.dirtyChanged.connect(lambda _dirty: self._update_title())

    def _register_actions(self) -> None:
        actions, session = self.context.actions, self.context.session
        self.exporter = ExportController(self.context, self.jobs, self)
        self.interchange = TimelineInterchange(self.context, self)  # timelines to and from other editors
        actions.add("file.quit", "&Quit", self.close, "File", "Ctrl+Q", "quit")
        undo, redo = session.undo_stack.undo, session.undo_stack.redo
        actions.add("edit.undo", "&Undo", undo, "Edit", "Ctrl+Z", "history")
        actions.add("edit.redo", "&Redo", redo, "Edit", "Ctrl+Shift+Z", "history")
        session.undo_stack.undoTextChanged.connect(self._name_history)
        session.undo_stack.redoTextChanged.connect(self._name_history)
        session.undo_stack.canUndoChanged.connect(actions.action("edit.undo").setEnabled)
        session.undo_stack.canRedoChanged.connect(actions.action("edit.redo").setEnabled)
        self._name_history()
        graphics_actions.register(self.context)  # Graphics > Title, Clip > Fill/Fit Frame
        register_preferences(self, self.context, self.engine)
        sequence_actions.register(self, self.context)
        window_menus.register(self, self.context)
        actions.apply_keymap(self.context.settings.keymap())

    def _name_history(self) -> None:
        """Edit > Undo names the step it undoes, as every editor does."""
        stack, actions = self.context.session.undo_stack, self.context.actions
        undo_text, redo_text = stack.undoText(), stack.redoText()
        actions.action("edit.undo").setText(f"&Undo {undo_text}" if undo_text else "&Undo")
        actions.action("edit.redo").setText(f"&Redo {redo_text}" if redo_text else "&Redo")
        actions.action("edit.undo").setEnabled(stack.canUndo())
        actions.action("edit.redo").setEnabled(stack.canRedo())

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for name in MENUS:
            menu = bar.addMenu(f"&{name}")
            section = None
            for entry in self.context.actions.entries(name):
                if section is not None and entry.section != section:
                    menu.addSeparator()
                section = entry.section
                menu.addAction(entry.action)
                self.addAction(entry.action)  # shortcuts work even with the menu bar hidden

    def _restore_layout(self) -> None:
        geometry, state = self.context.settings.window_layout()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.project_files.close_requested():  # unsaved changes, and the user chose Cancel
            event.ignore()
            return
        self.context.settings.save_window_layout(self.saveGeometry(), self.saveState())
        self.engine.stop()
        self.masks.shutdown()
        if self.context.proxies is not None:
            self.context.proxies.close()  # a proxy being made is abandoned, never half-kept
        super().closeEvent(event)

    # the project ----------------------------------------------------------------

    @property
    def timeline(self) -> otio.schema.Timeline:
        return self.context.session.timeline

    @property
    def project_path(self) -> Path | None:
        return self.context.session.path

    def show_timeline(self, timeline: otio.schema.Timeline, path: Path | None) -> None:
        self.project_files.show(timeline, path)

    def _update_title(self) -> None:
        session = self.context.session
        name = session.path.name if session.path else (session.timeline.name or "Untitled")
        # [*] is where Qt shows the unsaved-changes marker
        self.setWindowTitle(f"{name}[*] — Shotline")
        self.setWindowModified(session.dirty)

    def open_project(self, path: Path) -> bool:
        return self.project_files.open_project(path)
