"""File > Export offers the preset of the project's own frame: a vertical film exports vertical."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from editor.context import EditorContext
from editor.export.dialog import ExportDialog
from editor.export.runner import ExportRunner
from editor.jobs.model import JobsModel
from editor.jobs.runner import JobRunner
from editor.settings import EditorSettings
from engine.project.document import new_project
from tests.support.fake_engine import FakeEngine


def test_the_dialog_offers_the_projects_own_frame_and_keeps_the_users_pick(qtbot, tmp_path: Path) -> None:
    owner = QObject()
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    dialog = ExportDialog(context, ExportRunner(JobRunner(FakeEngine(), JobsModel())))
    qtbot.addWidget(dialog)

    def offered(size: tuple[int, int], path: Path | None = None) -> tuple[str, int, int]:
        context.session.replace(new_project(size=size), path)
        dialog.open_for_project()
        return dialog.preset.currentText(), dialog.width_.value(), dialog.height_.value()

    assert offered((1080, 1920)) == ("vertical", 1080, 1920)  # File > New, Vertical: not 1080p with bars
    assert offered((1920, 1080), tmp_path / "a.otio") == ("1080p", 1920, 1080)
    dialog.preset.setCurrentText("720p")  # the user's own pick stays for the same project
    dialog.hide()
    dialog.open_for_project()
    assert dialog.preset.currentText() == "720p"
    square = offered((1080, 1080), tmp_path / "a.otio")  # Sequence > Settings made it square
    assert square == ("project", 1080, 1080)
    assert offered((1280, 720), tmp_path / "b.otio") == ("720p", 1280, 720)
