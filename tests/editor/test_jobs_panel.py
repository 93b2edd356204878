"""The jobs panel: rows follow their jobs' reports, read whole in a narrow dock, open their details on a
double-click, and its buttons ask for the right job; the dock comes forward when a job starts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from editor.jobs.dock import JobsDockFollower
from editor.jobs.model import Column, JobsModel, State, eta_text
from editor.jobs.panel import Card, JobsPanel
from editor.jobs.runner import JobRunner
from editor.main_window import MainWindow
from tests.support.docks import front_tab
from tests.support.fake_engine import FakeEngine


@pytest.fixture
def panel(qtbot) -> JobsPanel:
    widget = JobsPanel()
    qtbot.addWidget(widget)
    widget.resize(700, 240)
    widget.show()
    return widget


def cell(model: JobsModel, row: int, column: int) -> str:
    return model.data(model.index(row, column))


def test_rows_follow_progress_done_failure_and_cancel(panel, qtbot) -> None:
    model = panel.model
    model.add("render-1", "Export cut.mp4", retryable=True)
    model.add("gen-7", "Generate shot 3")
    assert model.rowCount() == 2
    assert [cell(model, 0, c) for c in range(4)] == ["Export cut.mp4", "0%", "Queued", ""]
    model.progress("render-1", 0.25, "Frame 25 of 100", 75.4)
    assert [cell(model, 0, c) for c in range(4)] == ["Export cut.mp4", "25%", "Frame 25 of 100", "1:15"]
    assert model.job("render-1").state == State.RUNNING
    model.done("render-1", "/films/cut.mp4")
    assert [cell(model, 0, c) for c in range(4)] == ["Export cut.mp4", "100%", "Done", ""]
    assert "/films/cut.mp4" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    model.failed("gen-7", "The engine stopped: out of memory")
    assert cell(model, 1, Column.STAGE) == "Failed: The engine stopped: out of memory"
    model.add("gen-8", "Generate shot 4")
    model.cancelled("gen-8")
    model.progress("gen-8", 0.5, "late news")  # a report after the cancel changes nothing
    assert model.job("gen-8").state == State.CANCELLED and cell(model, 2, Column.STAGE) == "Cancelled"
    model.progress("nobody", 0.5)  # a job the panel never heard of is ignored
    assert model.rowCount() == 3


def test_the_row_buttons_ask_the_jobs_owner_by_id(panel, qtbot) -> None:
    model = panel.model
    model.add("a", "First", retryable=True)
    model.add("b", "Second")
    model.progress("a", 0.1, "Frame 1 of 10")
    cancels, retries = [], []
    model.cancelRequested.connect(cancels.append)
    model.retryRequested.connect(retries.append)
    first, second = panel.buttons("a"), panel.buttons("b")
    assert first.cancel.isEnabled() and not first.retry.isEnabled()
    assert second.retry.isHidden()  # this job cannot be run again
    qtbot.mouseClick(first.cancel, Qt.MouseButton.LeftButton)
    assert cancels == ["a"]
    model.cancelled("a")
    assert not first.cancel.isEnabled() and first.retry.isEnabled()
    qtbot.mouseClick(first.retry, Qt.MouseButton.LeftButton)
    assert retries == ["a"]
    model.add("a", "First", retryable=True)  # the owner requeues it
    assert model.job("a").state == State.QUEUED and panel.buttons("a").cancel.isEnabled()
    assert model.rowCount() == 2


def test_clear_finished_keeps_running_jobs(panel, qtbot) -> None:
    model = panel.model
    for name in ("done", "running", "failed"):
        model.add(name, name)
    model.done("done")
    model.progress("running", 0.5, "half")
    model.failed("failed", "no")
    qtbot.mouseClick(panel.clear, Qt.MouseButton.LeftButton)
    assert [j.job_id for j in model.jobs()] == ["running"]
    assert panel.table.indexWidget(model.index(0, Column.ACTIONS)) is panel.buttons("running")


def test_the_progress_column_draws_a_bar(panel, qtbot) -> None:
    panel.model.add("x", "Export")
    panel.model.progress("x", 0.5, "Frame 5 of 10", 3)
    qtbot.wait(20)
    rect = panel.table.visualRect(panel.model.index(0, Column.PROGRESS))
    image = panel.table.viewport().grab().toImage()
    left = image.pixelColor(rect.left() + 8, rect.center().y())
    right = image.pixelColor(rect.right() - 8, rect.center().y())
    assert left != right  # filled half and empty half


def test_eta_reads_as_minutes_and_seconds() -> None:
    assert [eta_text(s) for s in (None, 0, 59.6, 61, 3725)] == ["—", "0:00", "1:00", "1:01", "1:02:05"]


def test_the_jobs_panel_is_a_dock_in_the_window(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    dock = window.findChild(QDockWidget, "dock-jobs")
    assert dock is not None and dock.widget() is window.jobs_panel
    assert window.exporter.runner.jobs_model is window.jobs_panel.model


def test_in_a_narrow_dock_each_row_is_a_card_with_its_title_then_its_state_and_a_row_fits(
    panel, qtbot
) -> None:
    model = panel.model
    model.add("inp", "Inpaint Broadcast", retryable=True)
    model.progress("inp", 0.4, "inpainting", 12)
    model.add("trk", "Track mask of Broadcast")
    model.failed("trk", "no picture")
    assert not panel.compact and not panel.table.isColumnHidden(Column.STAGE)
    panel.resize(360, 240)  # as tabbed behind the inspector
    qtbot.waitUntil(lambda: panel.compact)
    for column in (Column.PROGRESS, Column.STAGE, Column.ETA):
        assert panel.table.isColumnHidden(column)
    assert panel.card("inp") == Card("Inpaint Broadcast", "40% · inpainting · 0:12 left", (), False)
    assert panel.card("trk") == Card("Track mask of Broadcast", "", ("Failed: no picture",), False)
    header = panel.table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(len(Column.TITLES)) if not header.isSectionHidden(c))
    assert used <= panel.table.viewport().width() + 1, "no sideways scrolling"
    assert header.sectionSize(Column.NAME) >= 200, "the card has room for the job's name and state"
    buttons = panel.buttons("inp")
    qtbot.wait(50)
    assert buttons.cancel.isVisible() and panel.table.viewport().rect().contains(buttons.geometry())
    model.done("inp", "take-2 (new)")
    assert panel.card("inp").status == "Done"
    panel.resize(700, 240)
    qtbot.waitUntil(lambda: not panel.compact)
    assert not panel.table.isColumnHidden(Column.STAGE) and panel.card("inp") is None
    assert cell(model, 0, Column.PROGRESS) == "100%" and cell(model, 0, Column.STAGE) == "Done"


REASON = "Not enough GPU memory: try CPU offload, VAE tiling or a smaller size"


def test_at_the_docks_default_width_a_running_a_failed_and_a_cached_job_read_whole(
    qtbot, tmp_path, monkeypatch
):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.findChild(QDockWidget, "dock-jobs").raise_()
    panel, model = window.jobs_panel, window.jobs_panel.model
    qtbot.waitUntil(lambda: panel.isVisible() and panel.width() > 0)
    assert panel.width() < 400 and panel.compact  # tabbed behind the inspector, as it starts
    model.add("run", "Regenerate Salt flat", retryable=True)
    model.progress("run", 0.4, "denoising 12/30", 47)
    model.add("fail", "Score 00:00:10–00:00:45", retryable=True)
    model.failed("fail", REASON)
    model.add("hit", "Regenerate Harbour at dusk", retryable=True)
    model.done("hit", "take-2 (from the cache)", cached=True)
    qtbot.wait(20)
    running, failed, cached = panel.card("run"), panel.card("fail"), panel.card("hit")
    assert running.status == "40% · denoising 12/30 · 0:47 left" and not running.elided
    assert failed.title == "Score 00:00:10–00:00:45" and not failed.elided
    assert " ".join(failed.reason) == f"Failed: {REASON}", "the reason is in the row, whole"
    assert cached.status == "Done (from the cache)" and not cached.elided
    # a failed row is as tall as its reason, so no line of it is cut off
    row = [j.job_id for j in model.jobs()].index("fail")
    metrics = panel.table.fontMetrics()
    assert panel.table.rowHeight(row) >= metrics.height() * (1 + len(failed.reason))
    assert panel.table.horizontalScrollBar().maximum() == 0


def test_a_double_click_on_a_row_shows_the_whole_message_and_the_engines_log(panel, qtbot) -> None:
    model = panel.model
    panel.resize(360, 300)
    qtbot.waitUntil(lambda: panel.compact)
    model.add("gen", "Regenerate Salt flat", retryable=True)
    model.log("gen", "Loading Wan-AI/Wan2.2-TI2V-5B-Diffusers")
    model.log(
        "gen", 'Traceback (most recent call last):\n  File "wan.py", line 3\nRuntimeError: CUDA out of memory'
    )
    long = REASON + ". " + "The model needs 24 GB and the card has 8 GB free. " * 3
    model.failed("gen", long)
    assert panel.card("gen").elided  # too long for three lines in the row
    rect = panel.table.visualRect(model.index(0, Column.NAME))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: panel.details is not None and panel.details.isVisible())
    details = panel.details
    assert details.windowTitle() == "Regenerate Salt flat"
    assert details.state.text() == "Failed" and details.message.text() == long
    assert details.log.toPlainText().splitlines() == [
        "Loading Wan-AI/Wan2.2-TI2V-5B-Diffusers",
        "Traceback (most recent call last):",
        '  File "wan.py", line 3',
        "RuntimeError: CUDA out of memory",
    ]
    # it follows the job: a retry starts a fresh log
    model.add("gen", "Regenerate Salt flat", retryable=True)
    model.progress("gen", 0.1, "loading")
    model.log("gen", "Loading again")
    assert details.state.text() == "loading" and details.log.toPlainText() == "Loading again"


def test_the_jobs_dock_comes_forward_for_a_job_started_from_a_menu_not_for_a_retry_or_speak_again(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    inspector, jobs_dock = QDockWidget("Inspector", window), QDockWidget("Jobs", window)
    inspector.setWidget(QWidget())
    panel = JobsPanel()
    jobs_dock.setWidget(panel)
    for dock in (inspector, jobs_dock):
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.tabifyDockWidget(inspector, jobs_dock)
    inspector.raise_()
    window.show()
    qtbot.waitExposed(window)
    runner = JobRunner(FakeEngine(), panel.model)
    JobsDockFollower(jobs_dock, runner)

    def in_front() -> str:
        return front_tab(window).lower()

    speak = runner.submit({"task": "voice.speak"}, "Speak again Narrator: Hello", lambda r: "", reveal=False)
    assert in_front() == "inspector"  # pressed in the inspector: the user stays there
    token = runner.submit({"task": "music.score"}, "Score 00:00:10–00:00:45", lambda r: "placed")
    qtbot.waitUntil(lambda: in_front() == "jobs", timeout=1000)
    runner.engine.failed.emit("2", "no")
    inspector.raise_()
    panel.model.request_retry(token)  # Retry is pressed in the Jobs dock itself
    assert in_front() == "inspector" and len(runner.engine.submitted) == 3
    jobs_dock.close()  # closed by the user: the next job shows it again
    runner.submit({"task": "music.score"}, "Score 00:00:45–00:01:00", lambda r: "placed")
    qtbot.waitUntil(lambda: jobs_dock.isVisible() and not jobs_dock.visibleRegion().isEmpty(), timeout=1000)
    assert speak != token
