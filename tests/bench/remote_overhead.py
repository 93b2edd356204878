"""Benchmark: what a remote engine costs per job and per byte, against running jobs in this process.

The "GPU box" is `shotline engine` (a relay to an engine daemon) in another
data folder on this machine, as the tests use it; over SSH add the
network's round trips and bandwidth. Times, through the engine's job path
(generation_queue): one-frame animatic shots from submit to done, one at a
time, after a first job that warms the daemon; the same in this process;
and the upload of a 64 MB input (a job's clip) over the pipe, with four
chunks in flight (what the executor does) and with one (a round trip per
chunk, as before), directly and through a link that delays each message
25 ms each way (tests/bench/delayed_pipe.py: a 50 ms round trip, as SSH
over the internet has).

    .venv/bin/python tests/bench/remote_overhead.py

Last line: `result: remote_job_ms=X local_job_ms=X upload_mb_per_s=X upload_one_chunk_mb_per_s=X
upload_50ms_mb_per_s=X upload_50ms_one_chunk_mb_per_s=X`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from engine.generate.jobs import generation_queue  # noqa: E402
from engine.generate.registry import default_registry  # noqa: E402
from engine.jobs.progress import JobContext  # noqa: E402
from engine.jobs.spec import JobSpec  # noqa: E402
from engine.remote import executor as remote_executor  # noqa: E402
from engine.remote.executor import RemoteExecutor  # noqa: E402

DELAY = 0.025  # seconds each way


class Ends:
    def __init__(self) -> None:
        self.ended: dict[str, threading.Event] = {}

    def _end(self, job_id: str, *_args) -> None:
        self.ended.setdefault(job_id, threading.Event()).set()

    def wait(self, job_id: str) -> None:
        assert self.ended.setdefault(job_id, threading.Event()).wait(120), job_id

    progress = log = lambda *_args: None
    done = failed = _end

    def cancelled(self, job_id: str) -> None:
        self._end(job_id)


def job_ms(executor, cache: Path, count: int) -> float:
    ends = Ends()
    jobs = generation_queue(default_registry(), ends, cache_dir=lambda _s: cache, executor=executor)
    times = []
    for n in range(count + 1):
        spec = JobSpec("video.generate", {"prompt": f"shot {n}", "frames": 1, "rate": "24", "size": "64x36"})
        began = time.perf_counter()
        ends.wait(jobs.submit(spec))
        if n:  # the first warms the pipes and the daemon
            times.append((time.perf_counter() - began) * 1000)
    jobs.shutdown()
    return statistics.median(times)


def upload_mb_per_s(executor: RemoteExecutor, folder: Path, window: int) -> float:
    """Seconds to send 64 new MB (the content store has none of it) with `window` chunks in flight."""
    clip = folder / f"clip-{window}-{time.monotonic_ns()}.bin"
    clip.write_bytes(os.urandom(64 * 1024 * 1024))
    remote_executor.WINDOW = window
    try:
        began = time.perf_counter()
        executor._send(str(clip), JobContext(), {})
        return 64 / (time.perf_counter() - began)
    finally:
        remote_executor.WINDOW = 4
        clip.unlink()


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["SHOTLINE_DATA_DIR"] = str(folder / "laptop")
        box = ["env", f"SHOTLINE_DATA_DIR={folder / 'gpu-box'}", sys.executable, "-m", "engine", "engine"]
        far = [sys.executable, str(ROOT / "tests" / "bench" / "delayed_pipe.py"), str(DELAY), *box]
        executor, distant = RemoteExecutor(box), RemoteExecutor(far)
        try:
            remote = job_ms(executor, folder / "remote-cache", 20)
            local = job_ms(None, folder / "local-cache", 20)
            upload = {
                (link, window): upload_mb_per_s(on, folder, window)
                for link, on in (("near", executor), ("far", distant))
                for window in (1, 4)
            }
        finally:
            executor.close()
            distant.close()
            subprocess.run([*box, "--stop"], capture_output=True, timeout=60)
    print(
        f"result: remote_job_ms={remote:.1f} local_job_ms={local:.1f} "
        f"upload_mb_per_s={upload['near', 4]:.1f} upload_one_chunk_mb_per_s={upload['near', 1]:.1f} "
        f"upload_50ms_mb_per_s={upload['far', 4]:.1f} upload_50ms_one_chunk_mb_per_s={upload['far', 1]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
