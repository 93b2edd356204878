"""File > Export in the window: the action, the dialog, and the notice when a file is ready.

The export itself runs in the engine process, as a job of the editor's one JobRunner (see runner.py).

The notice is a small non-modal message so finishing an export never
interrupts a cut in progress; a failure the user cannot see in the dialog
(closed meanwhile) gets a warning with the engine's own words.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from editor.context import EditorContext
from editor.export.dialog import ExportDialog
from editor.export.runner import ExportRunner
from editor.jobs.runner import JobRunner
from engine.export.mp4 import ExportResult
from engine.render.loudness import describe


def show_in_folder(path: Path) -> None:
    """Open the file manager at the folder holding `path`."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class ExportController(QObject):
    def __init__(self, context: EditorContext, jobs: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._window = context, window
        self.runner = ExportRunner(jobs, self)
        self.dialog = ExportDialog(context, self.runner, window)
        self.notice: QMessageBox | None = None
        open_dialog = self.dialog.open_for_project
        context.actions.add("file.export", "&Export…", open_dialog, "File", "Ctrl+M", "export")
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(lambda _job: context.status.show("Export cancelled"))

    def _finished(self, _job_id: str, result: ExportResult) -> None:
        took = f"{result.frames} frames, {result.seconds:.1f} s"
        self._context.status.show(f"Exported {result.path.name} ({took})")
        notice = QMessageBox(QMessageBox.Icon.Information, "Export finished", "", parent=self._window)
        notice.setObjectName("export-notice")
        notice.setText(f"{result.path.name} is ready.")
        notice.setInformativeText(
            f"{result.path.parent}\nLoudness: {describe(result.loudness)} integrated (EBU R128)"
        )
        folder = notice.addButton("Show in folder", QMessageBox.ButtonRole.ActionRole)
        folder.setObjectName("export-show-in-folder")
        notice.addButton(QMessageBox.StandardButton.Ok)
        folder.clicked.connect(lambda: show_in_folder(result.path))
        notice.setModal(False)
        self._replace_notice(notice)

    def _failed(self, _job_id: str, message: str) -> None:
        self._context.status.show(message, 0)
        if self.dialog.isVisible():
            return  # the dialog says it in red
        notice = QMessageBox(QMessageBox.Icon.Warning, "Export failed", message, parent=self._window)
        notice.setObjectName("export-notice")
        notice.setModal(False)
        self._replace_notice(notice)

    def _replace_notice(self, notice: QMessageBox) -> None:
        if self.notice is not None:
            self.notice.close()
            self.notice.deleteLater()
        self.notice = notice
        notice.show()
