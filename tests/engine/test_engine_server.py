"""The engine process driven over stdin/stdout, as the editor or any script drives it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from engine.server.server import PROTOCOL_VERSION
from tests.support.engine_process import ROOT, EngineProcess


@pytest.fixture
def engine(tmp_path: Path):
    process = EngineProcess({"SHOTLINE_DATA_DIR": str(tmp_path / "data")})
    yield process
    process.close()


def shot(tmp_path: Path, prompt: str, frames: int = 12, size: str = "96x54") -> dict:
    params = {
        "prompt": prompt,
        "frames": frames,
        "rate": "24",
        "size": size,
        "cache_dir": str(tmp_path / "cache"),
    }
    return {"spec": {"task": "video.generate", "params": params}}


def test_initialize_reports_versions_devices_and_ready_backends(engine) -> None:
    reply = engine.request("initialize")["result"]
    assert reply["engine"] == "shotline" and reply["protocol"] == PROTOCOL_VERSION
    assert "python" in reply["versions"] and "av" in reply["versions"]
    assert reply["devices"][-1]["name"] == "cpu"
    animatic = next(b for b in reply["tasks"]["video.generate"] if b["name"] == "animatic")
    assert animatic["ready"] and animatic["default"]


def test_a_submitted_shot_reports_progress_then_done_and_an_identical_one_is_cached(engine, tmp_path) -> None:
    job = engine.request("submit", shot(tmp_path, "A kite"))["result"]["job"]
    progress = engine.notification("progress", job)
    assert progress["params"]["stage"] == "rendering" and 0 <= progress["params"]["fraction"] <= 1
    done = engine.ended(job)
    assert done["method"] == "done" and done["params"]["cached"] is False
    path = Path(done["params"]["files"][0])
    with av.open(str(path)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 12
    assert done["params"]["provenance"]["backend"] == "animatic"

    started = time.perf_counter()
    again = engine.request("submit", shot(tmp_path, "A kite"))["result"]["job"]
    cached = engine.ended(again)
    assert time.perf_counter() - started < 2.0
    assert cached["params"]["cached"] is True and cached["params"]["files"] == done["params"]["files"]
    status = engine.request("status")["result"]["jobs"]
    assert [j["state"] for j in status] == ["done", "done"]


def test_malformed_messages_are_refused_and_the_engine_goes_on(engine, tmp_path) -> None:
    engine.send_raw("this is not json")
    assert engine.wait_for(lambda m: m.get("error", {}).get("code") == -32700)["id"] is None
    engine.send_raw(json.dumps([1, 2, 3]))
    assert engine.wait_for(lambda m: m.get("error", {}).get("code") == -32600)
    assert engine.request("no.such.method")["error"]["code"] == -32601
    refused = engine.request("submit", {"spec": {"task": "video.generate", "params": {"frames": 5}}})
    assert refused["error"]["code"] == -32000 and "Size" in refused["error"]["message"]
    assert engine.request("cancel", {"job": "job-999"})["error"]["message"] == "No job job-999"
    assert engine.request("initialize")["result"]["engine"] == "shotline"  # still answering
    assert engine.process.poll() is None


def test_cancel_stops_a_running_job_within_a_second(engine, tmp_path) -> None:
    job = engine.request("submit", shot(tmp_path, "Long", frames=2000, size="320x180"))["result"]["job"]
    engine.notification("progress", job)
    started = time.monotonic()
    assert engine.request("cancel", {"job": job})["result"]["cancelled"] is True
    assert engine.ended(job)["method"] == "cancelled"
    assert time.monotonic() - started < 1.5


def test_shutdown_ends_the_process_and_only_json_went_over_the_wire(engine, tmp_path) -> None:
    engine.request("initialize")
    assert engine.request("shutdown")["result"] == {"ok": True}
    assert engine.process.wait(15) == 0
    for line in engine.lines:
        json.loads(line)


@pytest.mark.slow
def test_shotline_generate_writes_exactly_the_frames_asked_for_and_lists_backends(tmp_path) -> None:
    env = {"SHOTLINE_DATA_DIR": str(tmp_path / "data")}
    listing = subprocess.run(
        [sys.executable, "-m", "engine", "generate", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert listing.returncode == 0 and "animatic" in listing.stdout and "ready" in listing.stdout
    out = tmp_path / "shot.mp4"
    run = subprocess.run(
        [sys.executable, "-m", "engine", "generate", "--task", "video.generate", "--prompt", "Dunes",
         "--frames", "25", "--fps", "25", "--size", "128x72", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, env={**__import__("os").environ, **env},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (128, 72)
        assert sum(1 for _ in container.decode(stream)) == 25
    bad = subprocess.run(
        [sys.executable, "-m", "engine", "generate", "--frames", "5", "--size", "65x36", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "even" in bad.stderr
