"""Autosave: every edit reaches the crash journal within a few seconds, off the GUI thread.

The first edit after a write starts a single timer (5 s by default, from the
preferences); edits made while it runs ride along, so a burst of edits is one
write and a steady stream of edits still gets written every interval. On
the timer the document is serialized on the GUI thread (the model is not
thread-safe, and `to_json_string` is fast) and the text is written by one
worker thread, which also does the deletes: writes and deletes reach the disk
in the order they were asked for, so a late write can never bring back a
journal that a save has just removed.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from editor.preferences.values import autosave_seconds
from editor.session import ProjectSession
from editor.settings import EditorSettings
from engine.project.journal import Journal, JournalInfo


def recovery_folder(settings: EditorSettings) -> Path:
    """Journals live beside the settings, so a test or a portable install has its own."""
    return settings.path.parent / "recovery"


class Autosaver(QObject):
    written = Signal()  # a journal write finished (for the status bar and tests)
    failed = Signal(str)  # a write failed: the disk's words

    def __init__(
        self, session: ProjectSession, settings: EditorSettings, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self.journal = Journal(recovery_folder(settings))
        self._worker: ThreadPoolExecutor | None = None
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.write_now)
        session.changed.connect(self._edited)
        session.dirtyChanged.connect(self._dirty_changed)

    def _edited(self) -> None:
        if self._session.dirty and not self._timer.isActive() and not self._closed:
            self._timer.start(round(autosave_seconds(self._settings) * 1000))

    def _dirty_changed(self, dirty: bool) -> None:
        if not dirty:  # saved, opened another project, or undone back to the saved state
            self._timer.stop()
            self._submit(self.journal.discard)

    def write_now(self) -> None:
        session = self._session
        if not session.dirty or self._closed:
            return
        text = session.project.to_json_string()
        original = session.path
        name = original.name if original else (session.project.name or "Untitled")
        self._submit(lambda: self.journal.write(text, original, name), report=True)

    def adopt(self, orphan: JournalInfo) -> None:
        """A restored journal becomes this window's own (queued behind any write in flight)."""
        self._submit(lambda: self.journal.adopt(orphan))

    def close(self) -> None:
        """A clean end: the journal goes, and nothing is written after it."""
        self._timer.stop()
        self._submit(self.journal.discard)
        self._closed = True
        if self._worker is not None:
            self._worker.shutdown(wait=True)  # the delete is on disk before the process can exit
            self._worker = None

    def wait(self) -> None:
        """Block until queued journal work is on disk (tests, and before a deliberate exit)."""
        if self._worker is not None:
            self._worker.submit(lambda: None).result()

    def _submit(self, work: Callable[[], object], report: bool = False) -> None:
        if self._closed:
            return
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shotline-journal")
        future = self._worker.submit(work)
        future.add_done_callback(lambda done: self._finished(done, report))

    def _finished(self, done: Future[object], report: bool) -> None:
        # runs on the worker thread: only signals cross back, queued to the GUI thread
        error = done.exception()
        if error is not None:
            reason = getattr(error, "strerror", None) or str(error)
            self.failed.emit(f"Autosave could not write the recovery file: {reason}")
        elif report:
            self.written.emit()
