"""The editor with Settings > Engines on Remote: its engine sends generation jobs to the GPU box, the
Jobs panel says where each runs, and an engine that cannot be reached is said above the jobs."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from editor.engine_client import EngineClient
from editor.engine_remote import COMMAND_KEY, WHERE_KEY
from editor.jobs.dock import EngineProblem
from editor.jobs.model import Column, JobsModel
from editor.jobs.panel import JobsPanel
from editor.jobs.runner import JobRunner
from editor.preferences.engines_tab import EnginesTab
from editor.settings import EditorSettings
from tests.support.mediagen import write_image


def remote_settings(command: str) -> EditorSettings:
    settings = EditorSettings()  # the laptop's data folder (the gpu_box fixture set it)
    settings.set_value(WHERE_KEY, "remote")
    settings.set_value(COMMAND_KEY, command)
    return settings


@pytest.mark.slow
def test_the_editors_jobs_run_on_the_remote_engine_and_land_here(qtbot, gpu_box, tmp_path) -> None:
    settings = remote_settings(gpu_box.command_line)
    engine = EngineClient()
    with qtbot.waitSignal(engine.started, timeout=120000) as started:
        engine.start()
    try:
        info = started.args[0]
        remote = info["remote"]
        assert remote["engine"] == "remote (python)" and remote["protocol"] == 2
        assert remote["devices"] and "video.generate" in info["tasks"]  # the GPU box's backends
        model = JobsModel()
        runner = JobRunner(engine, model, None, settings)
        picture = write_image(tmp_path / "keyframe.png", (96, 54))
        params = {"prompt": "A lighthouse", "frames": 6, "rate": "24", "size": "96x54", "image": str(picture)}
        spec = {"task": "video.generate", "params": {**params, "cache_dir": str(tmp_path / "cache")}}
        results: list[dict] = []
        with qtbot.waitSignal(engine.done, timeout=120000) as done:
            runner.submit(spec, "Shot 1", lambda result: results.append(result) or "made")
        files = [Path(f) for f in done.args[1]["files"]]
        assert files[0].parent.parent == tmp_path / "cache" and files[0].is_file()
        there = next((gpu_box.data / "cache").rglob(files[0].name))
        assert hashlib.sha256(there.read_bytes()).digest() == hashlib.sha256(files[0].read_bytes()).digest()
        assert done.args[1]["provenance"]["engine"] == "remote (python)"
        name = model.data(model.index(0, Column.NAME), Qt.ItemDataRole.DisplayRole)
        assert name == "[remote (python)] Shot 1"  # the Jobs panel says where it ran
    finally:
        engine.stop()


def test_a_remote_engine_that_cannot_be_reached_is_said_above_the_jobs(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "laptop"))
    remote_settings(f"{sys.executable} -c 'import sys; sys.exit(3)'")
    engine = EngineClient()
    panel = JobsPanel()
    qtbot.addWidget(panel)
    EngineProblem(panel, engine)
    with qtbot.waitSignal(engine.started, timeout=120000):
        engine.start()
    try:
        panel.show()
        assert panel.engine_problem.isVisible()
        text = panel.engine_problem_text.text()
        assert text.startswith("The remote engine (remote (python)) did not answer")
        assert "Trying it again; a generation job waits up to 120 s for it" in text
        before = engine.pid
        with qtbot.waitSignal(engine.started, timeout=120000):  # Start engine: tries the remote again
            panel.startEngineRequested.emit()
        assert engine.pid != before and panel.engine_problem.isVisible()  # still not there: said again
    finally:
        engine.stop()


@pytest.mark.slow
def test_a_remote_engine_reached_only_later_still_runs_the_job_submitted_meanwhile(
    qtbot, gpu_box, tmp_path
) -> None:
    # the GPU box is not up when the editor starts (ssh fails); it comes up once the flag file exists
    flag = tmp_path / "box-is-up"
    script = tmp_path / "engine-over-ssh.sh"
    script.write_text(
        f'[ -f "{flag}" ] || {{ echo "ssh: connect to host gpu-box: refused" >&2; exit 255; }}\n'
        f"exec {gpu_box.command_line}\n"
    )
    remote_settings(f"sh {script}")
    engine = EngineClient()
    panel = JobsPanel()
    qtbot.addWidget(panel)
    EngineProblem(panel, engine)
    with qtbot.waitSignal(engine.started, timeout=120000) as started:
        engine.start()
    try:
        assert started.args[0]["remote"]["retrying"] is True
        assert "ssh: connect to host gpu-box: refused" in panel.engine_problem_text.text()
        model = JobsModel()
        runner = JobRunner(engine, model, None, EditorSettings())
        params = {"prompt": "A lighthouse", "frames": 2, "rate": "24", "size": "64x36"}
        spec = {"task": "video.generate", "params": {**params, "cache_dir": str(tmp_path / "cache")}}
        stages: list[str] = []
        engine.progress.connect(lambda _job, report: stages.append(report.get("stage", "")))
        with qtbot.waitSignal(engine.done, timeout=120000) as done:
            runner.submit(spec, "Shot 1", lambda result: "made")
            qtbot.waitUntil(lambda: "waiting for (sh)…" in stages, timeout=30000)
            flag.touch()  # the box is up: the next try (backing off) reaches it
        assert done.args[1]["provenance"]["engine"] == "remote (sh)"  # ran there, not here
        panel.show()
        assert not panel.engine_problem.isVisible()  # reached: the note above the jobs went
        assert list((gpu_box.data / "cache").rglob("result.json"))
    finally:
        engine.stop()


def test_settings_engines_chooses_remote_and_restarts_the_engine(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "laptop"))

    class Engine:
        restarts = 0

        def restart(self) -> None:
            self.restarts += 1

    settings, engine = EditorSettings(), Engine()
    tab = EnginesTab(settings, engine)  # type: ignore[arg-type]
    qtbot.addWidget(tab)
    assert tab.where.local.isChecked() and not tab.where.command.isEnabled()
    assert tab.where.command.text() == "ssh HOST shotline engine"
    tab.where.remote.setChecked(True)
    assert tab.where.command.isEnabled()
    tab.where.command.setText("ssh -p 2222 me@gpu-box shotline engine")
    tab.apply()
    assert settings.value(WHERE_KEY) == "remote"
    assert settings.value(COMMAND_KEY) == "ssh -p 2222 me@gpu-box shotline engine"
    assert engine.restarts == 1
    tab.apply()  # nothing changed: the engine keeps running
    assert engine.restarts == 1
    tab.where.local.setChecked(True)
    tab.apply()
    assert settings.value(WHERE_KEY) == "local" and engine.restarts == 2
