"""A GPU box that is not there when the engine starts: jobs wait for it a bounded time, then run here."""

from __future__ import annotations

import sys

from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.spec import JobSpec
from engine.remote.executor import RemoteExecutor
from tests.support.recorder import Recorder


def test_a_job_waits_for_an_unreachable_remote_engine_then_runs_here_with_the_reason(tmp_path) -> None:
    never = [
        sys.executable,
        "-c",
        "import sys; print('ssh: no route to host', file=sys.stderr); sys.exit(255)",
    ]
    executor = RemoteExecutor(never, connect=False, wait_for_remote=1.5)
    executor.keep_trying()
    recorder = Recorder()
    jobs = generation_queue(
        default_registry(), recorder, cache_dir=lambda _s: tmp_path / "cache", executor=executor
    )
    try:
        spec = JobSpec(
            "video.generate", {"prompt": "A lighthouse", "frames": 2, "rate": "24", "size": "64x36"}
        )
        job = jobs.submit(spec)
        recorder.wait(job, 60)
        (_, _, result, _cached), = recorder.of("done", job)  # fmt: skip
        assert result.provenance.get("engine") != executor.where  # made in this process
        assert result.files[0].is_file()
        stages = [stage for (_, _, stage, _fraction) in recorder.of("progress", job)]
        assert stages[0] == "waiting for (python)…"
        said = [text for (_, _, text) in recorder.of("log", job)]
        reason = "The remote engine (remote (python)) did not answer: ssh: no route to host"
        assert said == [f"remote (python) was not reached in 1.5 s ({reason}): ran on this machine"]
    finally:
        jobs.shutdown()
        executor.close()
