"""File > Import Screenplay… with the engine's part played by the test: errors, failed lines, one undo."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from editor.context import EditorContext
from editor.jobs.model import JobsModel, State
from editor.jobs.runner import JobRunner
from editor.screenplay import importer
from editor.screenplay.importer import ScreenplayImport
from editor.settings import EditorSettings
from engine.project import cast, document
from engine.project.document import AUDIO, VIDEO, new_project
from tests.editor.test_storyboard import made
from tests.support.fake_engine import FakeEngine
from tests.support.screenplays import BROKEN, THE_KEEPER


class Importing:
    def __init__(self, qtbot, folder: Path) -> None:
        self.window = QWidget()
        qtbot.addWidget(self.window)
        self.owner = QObject()
        self.context = EditorContext.create(self.owner, EditorSettings(folder / "settings.ini"))
        timeline = new_project("film", rate=24, size=(320, 180), video_tracks=1, audio_tracks=0)
        self.context.session.replace(timeline, folder / "film.otio")
        self.engine, self.jobs = FakeEngine(), JobsModel()
        self.runner = JobRunner(self.engine, self.jobs)
        self.importer = ScreenplayImport(self.context, self.runner, self.window)
        self.status: list[str] = []
        self.context.status.message.connect(lambda text, _ms: self.status.append(text))

    def write(self, name: str, text: str, folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def importing(qtbot, tmp_path: Path, monkeypatch) -> Importing:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return Importing(qtbot, tmp_path)


def test_a_malformed_screenplay_is_shown_in_one_dialog_with_its_line_numbers_and_nothing_changes(
    importing: Importing, qtbot, tmp_path: Path
) -> None:
    before = importing.context.session.timeline.clone()
    importing.importer.import_file(importing.write("broken.fountain", BROKEN, tmp_path))
    qtbot.waitUntil(lambda: importing.importer.message is not None and importing.importer.message.isVisible())
    box = importing.importer.message
    assert box.text() == "broken.fountain cannot be imported"
    assert box.informativeText().splitlines() == [
        "line 6: Note opened with '[[' but never closed",
        "line 9: Boneyard comment opened with '/*' but never closed",
    ]
    assert importing.engine.submitted == [] and importing.context.session.undo_stack.count() == 0
    assert importing.context.session.timeline.to_json_string() == before.to_json_string()
    assert importing.status[-1] == "broken.fountain was not imported: nothing changed"


def test_a_missing_file_says_so(importing: Importing, qtbot, tmp_path: Path) -> None:
    importing.importer.import_file(tmp_path / "nowhere.fountain")
    qtbot.waitUntil(lambda: importing.importer.message is not None)
    assert importing.importer.message.informativeText().endswith("nowhere.fountain does not exist")


def test_the_file_is_read_off_the_gui_thread_and_each_line_is_a_voice_job(
    importing: Importing, qtbot, tmp_path: Path, monkeypatch
) -> None:
    readers: list[int] = []
    real = importer.read
    monkeypatch.setattr(importer, "read", lambda path: (readers.append(threading.get_ident()), real(path))[1])
    importing.importer.import_file(importing.write("keeper.fountain", THE_KEEPER, tmp_path))
    assert importing.engine.submitted == []  # nothing asked yet: the file is being read elsewhere
    qtbot.waitUntil(lambda: len(importing.engine.submitted) == 5)
    assert readers and readers[0] != threading.get_ident()
    assert [job.title for job in importing.jobs.jobs()] == [
        "Voice-over Mara: The lamp went out again.",
        "Voice-over Tom: I told you the wiring was old.",
        "Voice-over Mara: Hurry.",
        "Voice-over Tom: I am hurrying.",
        "Voice-over Mara: It holds.",
    ]
    assert importing.context.session.undo_stack.count() == 0  # the cut waits for its lines


def test_the_cut_lands_as_one_undo_step_once_every_line_is_spoken_and_a_failed_line_is_retried(
    importing: Importing, qtbot, tmp_path: Path
) -> None:
    session = importing.context.session
    importing.importer.import_file(importing.write("keeper.fountain", THE_KEEPER, tmp_path))
    qtbot.waitUntil(lambda: len(importing.engine.submitted) == 5)
    for job in ("1", "2", "4", "5"):
        importing.engine.done.emit(job, made(importing.engine.submitted[int(job) - 1]))
    importing.engine.failed.emit("3", "espeak crashed")
    box = importing.importer.message
    assert box is not None and box.isVisible() and box.icon() == QMessageBox.Icon.Warning
    assert box.text() == "1 line(s) of keeper.fountain could not be spoken"
    assert box.informativeText().startswith("line 25: espeak crashed")
    assert session.undo_stack.count() == 0 and cast.members(session.timeline) == []

    importing.jobs.request_retry("job-3")
    importing.engine.done.emit("6", made(importing.engine.submitted[5]))
    assert importing.jobs.job("job-3").state == State.DONE
    assert session.undo_stack.count() == 1
    assert session.undo_stack.undoText() == "Import Screenplay keeper.fountain"
    timeline = session.timeline
    assert len([c for t, c in document.iter_clips(timeline) if t.kind == VIDEO]) == 3
    assert len([c for t, c in document.iter_clips(timeline) if t.kind == AUDIO]) == 5
    assert [m.name for m in cast.members(timeline)] == ["Mara", "Tom", "Lighthouse", "Lamp Room", "Harbour"]
    assert importing.status[-1] == "keeper.fountain: 3 scenes, 3 shots, 5 lines of dialogue"

    session.undo_stack.undo()
    assert list(document.iter_clips(session.timeline)) == [] and cast.members(session.timeline) == []
