"""The jobs panel: rows follow their jobs' reports, and its buttons ask for the right job."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from editor.jobs.model import Column, JobsModel, State, eta_text
from editor.jobs.panel import JobsPanel
from editor.main_window import MainWindow


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


def test_in_a_narrow_dock_status_and_time_fold_into_the_bar_and_a_row_fits(panel, qtbot) -> None:
    model = panel.model
    model.add("inp", "Inpaint Broadcast", retryable=True)
    model.progress("inp", 0.4, "inpainting", 12)
    model.add("trk", "Track mask of Broadcast")
    model.failed("trk", "no picture")
    assert not panel.compact and not panel.table.isColumnHidden(Column.STAGE)
    panel.resize(360, 240)  # as tabbed behind the inspector
    qtbot.waitUntil(lambda: panel.compact)
    assert panel.table.isColumnHidden(Column.STAGE) and panel.table.isColumnHidden(Column.ETA)
    assert panel.progress.text(model.index(0, Column.PROGRESS)) == "40% · inpainting · 0:12"
    assert panel.progress.text(model.index(1, Column.PROGRESS)) == "Failed: no picture"
    header = panel.table.horizontalHeader()
    used = sum(header.sectionSize(c) for c in range(len(Column.TITLES)) if not header.isSectionHidden(c))
    assert used <= panel.table.viewport().width() + 1, "no sideways scrolling"
    assert header.sectionSize(Column.NAME) >= 100, "the job's name has room"
    buttons = panel.buttons("inp")
    qtbot.wait(50)
    assert buttons.cancel.isVisible() and panel.table.viewport().rect().contains(buttons.geometry())
    model.done("inp", "take-2 (new)")
    assert panel.progress.text(model.index(0, Column.PROGRESS)) == "Done"
    panel.resize(700, 240)
    qtbot.waitUntil(lambda: not panel.compact)
    assert not panel.table.isColumnHidden(Column.STAGE)
    assert panel.progress.text(model.index(0, Column.PROGRESS)) == "100%"
