"""File > Export as a user drives it: real MP4s written by the real engine process, progress, cancel,
failures, an engine killed mid-export, and a GUI that keeps up."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QElapsedTimer, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QPushButton

from editor.export.dialog import ExportDialog
from editor.jobs.model import State
from editor.main_window import MainWindow
from engine.media.reference import clips_for
from engine.project import edits
from engine.project.document import new_project
from tests.support.mediagen import write_video

RATE = 30.0
SIZE = (64, 36)


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export-dialog-media")
    write_video(folder / "a.mp4", frames=30, size=SIZE, tone_hz=440)
    write_video(folder / "b.mp4", frames=30, size=SIZE, color=(200, 60, 30), tone_hz=880)
    return folder


def a_cut(media: Path, repeats: int = 1):
    """a (30 frames) then 20 frames of b, `repeats` times: 50 frames each."""
    timeline = new_project("film", rate=RATE, size=SIZE)
    for _ in range(repeats):
        edits.append(timeline, dict(zip(("V1", "A1"), clips_for(media / "a.mp4", RATE, 30, 0), strict=True)))
        edits.append(timeline, dict(zip(("V1", "A1"), clips_for(media / "b.mp4", RATE, 20, 5), strict=True)))
    return timeline


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, media) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    win = MainWindow()
    win.opened_urls = opened
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    project = tmp_path / "projects" / "film.otio"
    project.parent.mkdir()
    win.show_timeline(a_cut(media), project)
    yield win
    win.exporter.runner.shutdown()
    win.engine.stop()


def open_dialog(window: MainWindow, qtbot) -> ExportDialog:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = window.exporter.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    return dialog


def choose(dialog: ExportDialog, qtbot, preset: str, destination: Path) -> None:
    dialog.preset.setCurrentText(preset)
    dialog.destination.clear()
    qtbot.keyClicks(dialog.destination, str(destination))


def frame_count(path: Path) -> tuple[int, tuple[int, int], int]:
    """(decoded pictures, size, audio samples) of a file."""
    with av.open(str(path)) as container:
        pictures = list(container.decode(video=0))
        size = (pictures[0].width, pictures[0].height)
    with av.open(str(path)) as container:
        samples = sum(frame.samples for frame in container.decode(audio=0))
    return len(pictures), size, samples


def test_ctrl_m_opens_the_dialog_with_presets_and_a_destination_next_to_the_project(window, qtbot) -> None:
    assert window.context.actions.action("file.export").text() == "&Export…"
    assert window.context.actions.shortcut("file.export") == "Ctrl+M"
    dialog = open_dialog(window, qtbot)
    presets = [dialog.preset.itemText(i) for i in range(dialog.preset.count())]
    assert presets == ["1080p", "720p", "vertical", "vertical-crop", "project", "Custom"]
    assert dialog.destination.text() == str(window.project_path.with_suffix(".mp4"))
    dialog.preset.setCurrentText("720p")
    assert (dialog.width_.value(), dialog.height_.value(), dialog.crf.value()) == (1280, 720, 21)
    assert not dialog.width_.isEnabled()
    dialog.preset.setCurrentText("project")
    assert (dialog.width_.value(), dialog.height_.value()) == SIZE
    dialog.preset.setCurrentText("Custom")
    assert dialog.width_.isEnabled() and dialog.x264.isEnabled()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_export_writes_the_cut_as_it_was_while_the_user_keeps_editing(window, qtbot, media, tmp_path) -> None:
    dialog = open_dialog(window, qtbot)
    out = tmp_path / "out" / "film.mp4"
    out.parent.mkdir()
    choose(dialog, qtbot, "project", out)
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    job_id = dialog.job_id
    assert job_id is not None and not dialog.export.isEnabled() and dialog.cancel.isEnabled()
    # the user goes on cutting: the export keeps the cut as it was when Export was pressed
    more = dict(zip(("V1", "A1"), clips_for(media / "a.mp4", RATE, 30, 0), strict=True))
    assert window.context.session.apply(edits.append, more) is not None
    qtbot.waitUntil(
        lambda: window.exporter.notice is not None and window.exporter.notice.isVisible(), timeout=30000
    )
    pictures, size, samples = frame_count(out)
    assert (pictures, size) == (50, SIZE)
    assert 80000 <= samples < 80000 + 1024  # 50 frames of sound at 48 kHz, in whole AAC frames
    assert dialog.progress.maximum() == 50 and values[-1] == 50 and dialog.progress.value() == 50
    assert not dialog.isVisible()  # the notice takes over
    assert window.statusBar().currentMessage().startswith("Exported film.mp4 (50 frames")
    job = window.jobs_panel.model.job(job_id)
    assert job.state == State.DONE and job.fraction == 1.0 and job.message == str(out)
    assert job.title == "Export film.mp4"
    notice = window.exporter.notice
    assert notice.text() == "film.mp4 is ready."
    folder = next(b for b in notice.findChildren(QPushButton) if b.text() == "Show in folder")
    qtbot.mouseClick(folder, Qt.MouseButton.LeftButton)
    assert window.opened_urls == [QUrl.fromLocalFile(str(out.parent))]
    assert not list(out.parent.glob("*.part.mp4"))


def test_custom_settings_size_and_rate(window, qtbot, tmp_path) -> None:
    dialog = open_dialog(window, qtbot)
    out = tmp_path / "small"  # no suffix: .mp4 is added
    choose(dialog, qtbot, "Custom", out)
    dialog.width_.setValue(32)
    dialog.height_.setValue(18)
    dialog.rate.setCurrentText("25")
    dialog.x264.setCurrentText("ultrafast")
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job_id is None, timeout=30000)
    written = tmp_path / "small.mp4"
    pictures, size, _ = frame_count(written)
    assert size == (32, 18) and pictures == 42  # 50 frames at 30 fps last 42 frames at 25 (rounded up)


def test_an_odd_custom_size_is_refused_before_anything_runs(window, qtbot, tmp_path) -> None:
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "Custom", tmp_path / "odd.mp4")
    dialog.width_.setValue(33)
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    assert dialog.job_id is None and window.jobs_panel.model.rowCount() == 0
    assert dialog.status.text() == "The width must be an even number from 16 to 8192, not 33"


def test_cancel_stops_within_a_second_and_leaves_no_file(window, qtbot, media, tmp_path) -> None:
    window.show_timeline(a_cut(media, repeats=40), window.project_path)  # 2000 frames
    dialog = open_dialog(window, qtbot)
    out = tmp_path / "long.mp4"
    choose(dialog, qtbot, "project", out)
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    job_id = dialog.job_id
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=60000)  # the engine starts first
    assert dialog.progress.maximum() == 2000
    assert "left" in dialog.status.text()
    row = window.jobs_panel.model.job(job_id)
    assert row.state == State.RUNNING and row.stage.startswith("Frame ")
    clicked = time.monotonic()
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.state == State.CANCELLED, timeout=1000)
    assert time.monotonic() - clicked < 1.0
    assert dialog.status.text() == "Export cancelled; nothing was written"
    assert dialog.export.isEnabled() and not dialog.cancel.isEnabled()
    assert not out.exists() and not list(tmp_path.glob(".long*"))


def test_a_failing_export_shows_the_engines_message_and_can_be_retried(window, qtbot, tmp_path) -> None:
    dialog = open_dialog(window, qtbot)
    folder = tmp_path / "not-yet"
    choose(dialog, qtbot, "project", folder / "film.mp4")
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    job_id = dialog.job_id
    qtbot.waitUntil(lambda: dialog.job_id is None, timeout=60000)
    expected = f"Cannot export to {folder / 'film.mp4'}: the folder {folder} does not exist"
    assert dialog.status.text() == expected and "color" in dialog.status.styleSheet()
    assert window.statusBar().currentMessage() == expected
    assert "Traceback" not in dialog.status.text()
    panel = window.jobs_panel
    assert panel.model.job(job_id).state == State.FAILED
    assert panel.model.data(panel.model.index(0, 2)) == f"Failed: {expected}"
    # the user makes the folder and presses Retry on the job's row
    folder.mkdir()
    buttons = panel.buttons(job_id)
    assert buttons.retry.isEnabled() and not buttons.cancel.isEnabled()
    qtbot.mouseClick(buttons.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.job(job_id).state == State.DONE, timeout=30000)
    assert frame_count(folder / "film.mp4")[0] == 50


def test_a_failure_with_the_dialog_closed_gets_a_warning(window, qtbot, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "project", blocker / "film.mp4")
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.exporter.notice is not None and window.exporter.notice.isVisible(), timeout=60000
    )
    notice = window.exporter.notice
    assert notice.windowTitle() == "Export failed"
    assert notice.text() == f"Cannot export to {blocker / 'film.mp4'}: the folder {blocker} does not exist"


def test_the_gui_thread_keeps_beating_during_an_export(window, qtbot, media, tmp_path) -> None:
    window.show_timeline(a_cut(media, repeats=6), window.project_path)  # 300 frames
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "project", tmp_path / "beat.mp4")
    clock, gaps = QElapsedTimer(), []
    clock.start()

    def beat() -> None:
        gaps.append(clock.restart())

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(beat)
    timer.start()
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job_id is None, timeout=60000)
    timer.stop()
    assert (tmp_path / "beat.mp4").exists()
    worst = max(gaps[1:])
    print(f"worst GUI-thread gap during a 300-frame export: {worst} ms over {len(gaps)} beats")
    assert len(gaps) > 10 and worst < 200


def test_the_export_runs_in_the_engine_process(window, qtbot, tmp_path) -> None:
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "project", tmp_path / "engine.mp4")
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)
    assert window.engine.running  # started by the export
    job = window.exporter.runner.job(dialog.job_id)
    qtbot.waitUntil(lambda: job.engine_job is not None, timeout=30000)
    qtbot.waitUntil(lambda: dialog.job_id is None, timeout=30000)
    assert frame_count(tmp_path / "engine.mp4")[0] == 50


def test_an_engine_killed_mid_export_is_reported_keeps_the_earlier_file_and_restarts(
    window, qtbot, media, tmp_path, monkeypatch
) -> None:
    window.show_timeline(a_cut(media, repeats=40), window.project_path)  # 2000 frames
    out = tmp_path / "film.mp4"
    out.write_bytes(b"last week's export")
    dialog = open_dialog(window, qtbot)
    choose(dialog, qtbot, "project", out)
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.export, Qt.MouseButton.LeftButton)  # "Replace it?" Yes
    job_id = dialog.job_id
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30000)
    first = window.engine.pid
    os.kill(first, signal.SIGKILL)
    row = window.jobs_panel.model.job(job_id)
    qtbot.waitUntil(lambda: row.state == State.FAILED, timeout=10000)
    assert dialog.status.text().startswith("The engine stopped unexpectedly")
    assert "an earlier file there is kept" in dialog.status.text() and "Retry" in dialog.status.text()
    assert "color" in dialog.status.styleSheet() and dialog.export.isEnabled()
    assert out.read_bytes() == b"last week's export"
    assert not list(tmp_path.glob("*.part.mp4"))
    qtbot.waitUntil(lambda: window.engine.running and window.engine.pid != first, timeout=10000)
    # Retry on the job's row exports the same snapshot with the restarted engine; cancel it there
    buttons = window.jobs_panel.buttons(job_id)
    qtbot.mouseClick(buttons.retry, Qt.MouseButton.LeftButton)
    model = window.jobs_panel.model
    qtbot.waitUntil(
        lambda: model.job(job_id).state == State.RUNNING and model.job(job_id).fraction > 0, timeout=30000
    )
    qtbot.mouseClick(window.jobs_panel.buttons(job_id).cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.job(job_id).state == State.CANCELLED, timeout=5000)
    assert out.read_bytes() == b"last week's export"
