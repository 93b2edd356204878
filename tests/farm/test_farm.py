"""Generation on the farm, as a studio would use it: shots spread over the workers, survive a worker's
death, stop when cancelled, and land in the cache as local results do; `farm down` leaves nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest

from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.spec import JobSpec
from tests.farm.conftest import loopback_only
from tests.support.engine_process import EngineProcess
from tests.support.recorder import Recorder

ROOT = Path(__file__).resolve().parents[2]


def shot(tmp_path: Path, n: int, frames: int = 24, size: str = "96x54") -> JobSpec:
    params = {"prompt": f"Shot {n}", "frames": frames, "rate": "24", "size": size}
    return JobSpec("video.generate", {**params, "cache_dir": str(tmp_path / "cache")})


@pytest.fixture(scope="session")
def executor(farm):
    from engine.farm.executor import FarmExecutor

    return FarmExecutor("auto")


@pytest.fixture
def jobs(executor):
    recorder = Recorder()
    queue = generation_queue(default_registry(), recorder, executor=executor)
    queue.recorder = recorder
    yield queue
    queue.shutdown()


def frames_in(path: str) -> int:
    with av.open(path) as container:
        return sum(1 for _ in container.decode(video=0))


def test_six_shots_spread_over_both_workers_and_land_in_the_cache(jobs, tmp_path) -> None:
    ids = [jobs.submit(shot(tmp_path, n)) for n in range(6)]
    for job_id in ids:
        jobs.recorder.wait(job_id, timeout=120)
    done = [jobs.recorder.of("done", job_id) for job_id in ids]
    assert all(len(d) == 1 for d in done), jobs.recorder.events[-5:]
    results = [d[0][2] for d in done]
    assert {r.provenance["farm_worker"] for r in results} == {
        "video.generate/animatic/0",
        "video.generate/animatic/1",
    }
    for result in results:
        assert result.provenance["node"] and result.provenance["backend"] == "animatic"
        assert result.files[0].parent.parent == tmp_path / "cache"  # the local cache, as a local job's
        assert frames_in(str(result.files[0])) == 24
    again = jobs.submit(shot(tmp_path, 0))  # the same spec again: from the cache, not the farm
    jobs.recorder.wait(again)
    assert jobs.recorder.of("done", again)[0][3] is True


def test_a_worker_killed_mid_job_is_restarted_and_its_shot_still_made(jobs, tmp_path) -> None:
    import ray

    ids = [jobs.submit(shot(tmp_path, 10 + n, frames=240, size="320x180")) for n in range(2)]
    deadline = time.monotonic() + 60
    while not jobs.recorder.of("progress", ids[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    worker = ray.get_actor("video.generate/animatic/0", namespace="shotline")
    pid = ray.get(worker.pid.remote())
    os.kill(pid, signal.SIGKILL)
    for job_id in ids:
        jobs.recorder.wait(job_id, timeout=180)
        assert jobs.recorder.of("done", job_id), jobs.recorder.events[-5:]
    logs = [e[2] for job_id in ids for e in jobs.recorder.of("log", job_id)]
    retried = [line for line in logs if "sending the job again" in line]
    assert len(retried) == 1
    assert ray.get(worker.pid.remote()) != pid  # Ray restarted it


def test_cancel_all_stops_the_running_and_the_waiting(jobs, tmp_path) -> None:
    ids = [jobs.submit(shot(tmp_path, 20 + n, frames=480, size="320x180")) for n in range(5)]
    deadline = time.monotonic() + 60
    while not any(jobs.recorder.of("progress", i) for i in ids) and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    for job_id in ids:
        jobs.cancel(job_id)
    for job_id in ids:
        jobs.recorder.wait(job_id, timeout=60)
        assert jobs.recorder.of("cancelled", job_id), jobs.recorder.events[-5:]
    assert time.monotonic() - started < 30
    assert not any((tmp_path / "cache").glob("*/result.json"))


def test_the_engine_process_sends_its_jobs_to_the_farm_it_is_given(farm, tmp_path) -> None:
    engine = EngineProcess({"SHOTLINE_DATA_DIR": str(farm)})
    try:
        joined = engine.request("initialize", {"farm": "auto"}, timeout=120)["result"]["farm"]
        assert joined["slots"] == 2 and "error" not in joined
        params = {"prompt": "A kite", "frames": 12, "rate": "24", "size": "64x36", "cache_dir": str(tmp_path)}
        job = engine.request("submit", {"spec": {"task": "video.generate", "params": params}})
        job = job["result"]["job"]
        done = engine.ended(job, timeout=120)
        assert done["method"] == "done", done
        assert done["params"]["provenance"]["farm_worker"].startswith("video.generate/animatic/")
        assert frames_in(done["params"]["files"][0]) == 12
    finally:
        engine.close()


def test_an_unreachable_farm_is_said_and_jobs_run_here(tmp_path) -> None:
    if not loopback_only():
        pytest.skip("Ray listens on every interface: farm tests run only inside `unshare -n` (loopback only)")
    engine = EngineProcess({"SHOTLINE_DATA_DIR": str(tmp_path / "data")})
    try:
        reply = engine.request("initialize", {"farm": "127.0.0.1:9"}, timeout=120)["result"]
        assert "cannot be reached" in reply["farm"]["error"]
        params = {"prompt": "A kite", "frames": 6, "rate": "24", "size": "64x36", "cache_dir": str(tmp_path)}
        job = engine.request("submit", {"spec": {"task": "video.generate", "params": params}})
        job = job["result"]["job"]
        assert engine.ended(job, timeout=60)["method"] == "done"
    finally:
        engine.close()


def test_farm_down_stops_what_farm_up_started_and_nothing_else(tmp_path) -> None:
    if not loopback_only():
        pytest.skip("Ray listens on every interface: farm tests run only inside `unshare -n` (loopback only)")
    environment = {**os.environ, "SHOTLINE_DATA_DIR": str(tmp_path)}

    def shotline(*words: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "engine", "farm", *words]
        return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=180)

    up = shotline("up", "--workers", "1")
    assert up.returncode == 0 and "1 worker slots" in up.stdout, up.stderr
    state = json.loads((tmp_path / "farm" / "cluster.json").read_text())
    assert (tmp_path / "farm" / "token").stat().st_mode & 0o777 == 0o600
    status = shotline("status", "--json")
    assert json.loads(status.stdout)["nodes"][0]["slots"] == 1
    down = shotline("down")
    assert down.returncode == 0 and "Stopped the local farm" in down.stdout
    port = state["address"].rsplit(":", 1)[1]
    left = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True).stdout.split()
    assert left == []
    deadline = time.monotonic() + 10  # its parent has gone: init reaps it
    while Path(f"/proc/{state['pid']}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{state['pid']}").exists()
    assert "No farm was set up" in shotline("down").stdout


def test_generate_all_spreads_a_screenplays_shots_over_the_farm(farm, tmp_path) -> None:
    from engine.cli.main import main
    from engine.project import persistence, provenance
    from engine.project.document import VIDEO
    from tests.support.screenplays import THE_KEEPER

    script = tmp_path / "keeper.fountain"
    script.write_text(THE_KEEPER, encoding="utf-8")
    project = tmp_path / "keeper.otio"
    assert main(["script", str(script), "-o", str(project), "--size", "160x90"]) == 0
    assert main(["generate-all", str(project), "--farm", "auto"]) == 0
    timeline = persistence.load(project).timeline
    made = [
        provenance.read(clip.media_reference)
        for track in timeline.tracks
        if track.kind == VIDEO
        for clip in track.find_clips()
    ]
    assert made and all(m is not None and m.extra.get("farm_worker") for m in made)
    assert len({m.extra["farm_worker"] for m in made}) == 2  # both slots worked on the film
