"""An engine that dies at start is not restarted twenty times a second forever: it backs off, gives up
after a few tries with the reason in the Jobs panel, and starts again when the user asks."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt

from editor import engine_restarts
from editor.engine_client import EngineClient
from editor.engine_restarts import GIVE_UP_AFTER, RestartPolicy
from editor.jobs.dock import EngineProblem
from editor.jobs.panel import JobsPanel


def test_deaths_at_start_wait_longer_each_time_and_then_stop() -> None:
    policy = RestartPolicy()
    waits = []
    for n in range(GIVE_UP_AFTER):
        policy.started(n * 100.0)
        waits.append(policy.died(n * 100.0 + 1))
    assert waits == [0.5, 1.0, 2.0, 4.0, None]


def test_an_engine_that_worked_and_then_died_is_started_again_at_once() -> None:
    policy = RestartPolicy(failures=3)
    policy.started(0.0)
    policy.answered()
    assert policy.died(60.0) == 0.0 and policy.failures == 0
    policy.started(100.0)  # answered, but died at once: that is failing to start
    policy.answered()
    assert policy.died(101.0) == 0.5


def test_a_broken_engine_is_tried_a_few_times_then_the_jobs_panel_says_why(
    qtbot, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(engine_restarts, "FIRST_DELAY", 0.05)
    starts = tmp_path / "starts"
    broken = (
        f"open({str(starts)!r}, 'a').write('start\\n'); import sys; "
        "sys.stderr.write('ModuleNotFoundError: No module named torch\\n'); sys.exit(3)"
    )
    engine = EngineClient(command=[sys.executable, "-c", broken])
    panel = JobsPanel()
    qtbot.addWidget(panel)
    EngineProblem(panel, engine)
    with qtbot.waitSignal(engine.gaveUp, timeout=30000) as gave_up:
        engine.start()
    message = gave_up.args[0]
    assert f"failed to start {GIVE_UP_AFTER} times in a row" in message
    assert "No module named torch" in message and "Start engine" in message
    qtbot.wait(1500)  # the event loop runs: a restart would happen here
    assert Path(starts).read_text().count("start") == GIVE_UP_AFTER  # and no more
    assert panel.engine_problem.isVisibleTo(panel)
    assert "No module named torch" in panel.engine_problem_text.text()

    start = panel.findChild(type(panel.clear), "jobs-start-engine")
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: Path(starts).read_text().count("start") > GIVE_UP_AFTER, timeout=10000)
    assert not panel.engine_problem.isVisibleTo(panel)
    engine.stop()
