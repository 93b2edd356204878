"""The File menu's project commands: New, Open, Open Recent, Save, Save As, and the close prompt.

Every way of leaving the document (New, Open, a recent project, closing the
window) first asks Save / Discard / Cancel when it has unsaved changes, and
Cancel always leaves everything as it was. Saving goes through the engine's
atomic save; a failure (read-only folder, full disk) says why and leaves the
document unsaved, so the marker in the title keeps telling the truth.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from editor.context import EditorContext
from editor.project import prompts, sequence_dialog, timeline_open
from editor.project.autosave import Autosaver
from editor.project.recent import RecentMenu
from engine.errors import ShotlineError
from engine.project import trackedit
from engine.project.document import new_project
from engine.project.times import timecode


class ProjectFiles(QObject):
    def __init__(self, window: QWidget, context: EditorContext) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self.autosaver = Autosaver(context.session, context.settings, self)
        self.autosaver.failed.connect(lambda text: context.status.show(text, 0))
        actions = context.actions
        keys = QKeySequence.StandardKey
        actions.add("file.new", "&New Project", self.new, "File", keys.New, "project")
        actions.add("file.open", "&Open…", self.ask_open, "File", keys.Open, "project")
        submenu = actions.add_submenu("file.recent", "Open &Recent", "File", "project")
        self.recent = RecentMenu(submenu, context.settings, self.open_recent)
        actions.add("file.save", "&Save", self.save, "File", "Ctrl+S", "save")
        actions.add("file.save_as", "Save &As…", self.save_as, "File", "Ctrl+Shift+S", "save")

    # showing a document -------------------------------------------------------------

    def show(self, timeline: otio.schema.Timeline, path: Path | None, dirty: bool = False) -> None:
        session = self._context.session
        session.replace(timeline, path, dirty=dirty)
        self._context.playhead.clear_marks()
        self._context.playhead.move_to(0)  # a project starts at its first frame
        settings = session.settings
        frames = trackedit.timeline_end(timeline, settings.rate)
        self._context.status.show(
            f"{settings.width}x{settings.height}, {settings.rate:.3f} fps, "
            f"{timecode(frames, settings.rate)} long",
            0,
        )

    def open_project(self, path: Path) -> bool:
        """Open a project, or another editor's timeline as a new unsaved project; a file that cannot
        be read gets a message, never a traceback."""
        path = Path(path).absolute()
        loaded = timeline_open.read_timeline(self._window, path, self._context.session.rate)
        if loaded is None:
            return False
        if timeline_open.is_foreign(path):  # Save asks where: never OTIO JSON over a Premiere XML
            self.show(loaded.timeline, None, dirty=True)
            self._context.settings.add_recent(path)
        else:  # a bundle opens as the project it unpacked next to itself
            self.show(loaded.timeline, loaded.path)
            self._context.settings.add_recent(loaded.path)
        timeline_open.report_offline(self._window, loaded.offline)
        return True

    # the commands ---------------------------------------------------------------------

    def new(self) -> None:
        """Ask the sequence's size, rate and sample rate (as the last project had them), then start it."""
        if not self.confirm_discard("starting a new project"):
            return
        chosen = sequence_dialog.ask(self._window, self._context.session.settings, new=True)
        if chosen is None:
            return
        size, rate, sample_rate = chosen
        try:
            timeline = new_project(rate=rate, size=size, sample_rate=sample_rate)
        except ShotlineError as error:
            QMessageBox.warning(self._window, "New Project", str(error))
            return
        self.show(timeline, None)

    def ask_open(self) -> None:
        if not self.confirm_discard("opening another project"):
            return
        path = prompts.ask_open_path(self._window, str(self._folder()))
        if path is not None:
            self.open_project(path)

    def open_recent(self, path: Path) -> None:
        if not path.is_file():
            self._context.settings.forget_recent(path)
            self.recent.rebuild()
            QMessageBox.warning(
                self._window,
                "Project not found",
                f"{path.name} is no longer at {path.parent} (moved or deleted). "
                "It has been removed from the recent projects.",
            )
            return
        if self.confirm_discard("opening another project"):
            self.open_project(path)

    def save(self) -> bool:
        path = self._context.session.path
        return self.save_as() if path is None else self.write(path)

    def save_as(self) -> bool:
        session = self._context.session
        name = session.path.name if session.path else f"{session.project.name or 'Untitled'}.otio"
        path = prompts.ask_save_path(self._window, str(self._folder() / name))
        if path is None:
            return False
        if path.suffix.lower() != ".otio":  # "My film" means My film.otio, as every editor does
            path = path.with_name(f"{path.name}.otio")
        return self.write(path)

    def write(self, path: Path) -> bool:
        from engine.project.persistence import save

        session = self._context.session
        try:
            save(session.project, path)
        except ShotlineError as error:
            QMessageBox.warning(self._window, "Cannot save project", str(error))
            return False
        session.mark_saved(Path(path).absolute())
        self._context.settings.add_recent(Path(path))
        self._context.status.show(f"Saved {Path(path).name}")
        return True

    # leaving the document ----------------------------------------------------------------

    def confirm_discard(self, before: str) -> bool:
        """True when the document may be replaced: it was clean, saved now, or the user discarded it."""
        session = self._context.session
        if not session.dirty:
            return True
        name = session.path.name if session.path else (session.timeline.name or "Untitled")
        answer = prompts.ask_save_changes(self._window, name, before)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def close_requested(self) -> bool:
        """The window may close: changes were dealt with, and the journal of this session goes."""
        if not self.confirm_discard("closing"):
            return False
        self.autosaver.close()
        return True

    def _folder(self) -> Path:
        """Where file dialogs start: beside the open project, else the last one, else home."""
        session = self._context.session
        if session.path is not None:
            return session.path.parent
        recent = self._context.settings.recent_projects()
        return recent[0].parent if recent else Path.home()
