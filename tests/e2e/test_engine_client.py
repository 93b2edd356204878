"""The editor's engine client against the real engine process: jobs, and the engine dying."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from editor.engine_client import EngineClient


@pytest.fixture
def client(qtbot, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    engine = EngineClient()
    with qtbot.waitSignal(engine.started, timeout=60000):
        engine.start()
    yield engine
    engine.stop()


def spec(tmp_path: Path, frames: int = 6, size: str = "64x36", prompt: str = "A shot") -> dict:
    params = {
        "prompt": prompt,
        "frames": frames,
        "rate": "24",
        "size": size,
        "cache_dir": str(tmp_path / "c"),
    }
    return {"task": "video.generate", "params": params}


def submit(qtbot, client: EngineClient, job_spec: dict) -> str:
    ids: list[str] = []
    client.submit(job_spec, lambda result, error: ids.append(result["job"] if result else error))
    qtbot.waitUntil(lambda: bool(ids), timeout=30000)
    return ids[0]


def test_a_job_reports_progress_and_done_as_signals(qtbot, client, tmp_path) -> None:
    assert client.info["tasks"]["video.generate"][0]["name"] == "animatic"
    progress: list[dict] = []
    client.progress.connect(lambda job, params: progress.append(params))
    with qtbot.waitSignal(client.done, timeout=60000) as done:
        job = submit(qtbot, client, spec(tmp_path))
    assert done.args[0] == job
    assert Path(done.args[1]["files"][0]).is_file()
    assert progress and progress[-1]["stage"] in ("rendering", "encoding")


def test_a_refused_spec_comes_back_as_an_error_message(qtbot, client, tmp_path) -> None:
    replies: list = []
    client.submit({"task": "video.generate", "params": {"frames": 3}}, lambda r, e: replies.append((r, e)))
    qtbot.waitUntil(lambda: bool(replies), timeout=30000)
    assert replies[0][0] is None and "Size" in replies[0][1]


def test_the_engine_killed_mid_job_fails_the_job_restarts_and_a_retry_succeeds(
    qtbot, client, tmp_path
) -> None:
    long_job = spec(tmp_path, frames=3000, size="320x180", prompt="Long")
    job = submit(qtbot, client, long_job)
    qtbot.waitSignal(client.progress, timeout=60000).wait() if False else None
    qtbot.waitUntil(lambda: client.pid is not None, timeout=10000)
    first_pid = client.pid
    with (
        qtbot.waitSignal(client.failed, timeout=30000) as failed,
        qtbot.waitSignal(client.started, timeout=60000),
    ):
        os.kill(first_pid, signal.SIGKILL)
    assert failed.args[0] == job and "stopped unexpectedly" in failed.args[1]
    assert client.running and client.pid != first_pid
    with qtbot.waitSignal(client.done, timeout=60000):
        submit(qtbot, client, spec(tmp_path, prompt="Retry"))


def test_a_malformed_line_from_the_engine_is_logged_not_fatal(qtbot, client) -> None:
    logged: list[str] = []
    client.log.connect(lambda job, text: logged.append(text))
    client._dispatch(b"{not json")
    client._dispatch(b'{"jsonrpc": "2.0", "method": "progress", "params": 5}')
    assert logged and "not JSON" in logged[0]
    assert client.running
