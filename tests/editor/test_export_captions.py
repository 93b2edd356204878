"""The export dialog's Captions choice reaches the engine's export job with any preset."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from editor.context import EditorContext
from editor.export.dialog import ExportDialog
from editor.export.runner import ExportRunner
from editor.jobs.model import JobsModel
from editor.jobs.runner import JobRunner
from editor.settings import EditorSettings
from engine.export.job import settings_from_json
from engine.project.document import new_project
from tests.support.fake_engine import FakeEngine


def test_captions_chosen_in_the_export_dialog_go_with_the_export(qtbot, tmp_path: Path) -> None:
    owner = QObject()
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    context.session.replace(new_project(size=(320, 180)), None)
    engine = FakeEngine()
    dialog = ExportDialog(context, ExportRunner(JobRunner(engine, JobsModel())))
    qtbot.addWidget(dialog)
    choices = [dialog.captions.itemData(i) for i in range(dialog.captions.count())]
    assert choices == ["srt", "embed", "burn"] and dialog.captions.currentData() == "srt"
    dialog.preset.setCurrentText("720p")
    dialog.captions.setCurrentIndex(dialog.captions.findData("burn"))
    chosen = dialog.settings()
    assert (chosen.width, chosen.captions) == (1280, "burn")
    dialog.preset.setCurrentText("Custom")
    dialog.captions.setCurrentIndex(dialog.captions.findData("embed"))
    assert dialog.settings().captions == "embed"
    dialog._runner.submit(context.session.timeline, tmp_path / "film.mp4", dialog.settings())
    method, params = engine.requests[-1]
    assert method == "export"
    sent = params["settings"]
    assert settings_from_json(sent).captions == "embed"
