"""Benchmark: what the Ray farm costs per job, against running the same jobs in the engine itself.

Starts a local farm with two worker slots (`shotline farm up --workers 2`),
then times, through the engine's own job path (generation_queue): one-frame
animatic shots from submit to done, one at a time (after a first job that
starts the workers), and the throughput of 50 small shots spread over both
slots; then the same in this process without a farm. Ray listens on every
interface, so run it in a loopback-only network namespace:

    unshare -n sh -c 'ip link set lo up; exec .venv/bin/python tests/bench/farm_overhead.py'

Last line: `result: farm_job_ms=X local_job_ms=X farm_jobs_per_s=X local_jobs_per_s=X`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.farm import cluster
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.spec import JobSpec


class Ends:
    def __init__(self) -> None:
        self.ended: dict[str, threading.Event] = {}
        self.failures: list[str] = []

    def _event(self, job: str) -> threading.Event:
        return self.ended.setdefault(job, threading.Event())

    def progress(self, job, report, eta) -> None:
        pass

    def log(self, job, text) -> None:
        pass

    def done(self, job, result, cached) -> None:
        self._event(job).set()

    def failed(self, job, message) -> None:
        self.failures.append(message)
        self._event(job).set()

    def cancelled(self, job) -> None:
        self._event(job).set()

    def wait(self, job: str) -> None:
        self._event(job).wait(300)


def spec(folder: str, tag: str, n: int, frames: int) -> JobSpec:
    params = {"prompt": f"{tag} {n}", "frames": frames, "rate": "24", "size": "64x36", "cache_dir": folder}
    return JobSpec("video.generate", params)


def measure(executor, rounds: int, batch: int, frames: int, tag: str) -> tuple[float, float]:
    ends = Ends()
    jobs = generation_queue(default_registry(), ends, executor=executor)
    with tempfile.TemporaryDirectory(prefix="shotline-farm-bench-") as folder:
        ends.wait(jobs.submit(spec(folder, f"{tag} warm", 0, 1)))  # workers started, models loaded
        single = []
        for n in range(rounds):
            started = time.perf_counter()
            ends.wait(jobs.submit(spec(folder, f"{tag} one", n, 1)))
            single.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        ids = [jobs.submit(spec(folder, f"{tag} batch", n, frames)) for n in range(batch)]
        for job in ids:
            ends.wait(job)
        rate = batch / (time.perf_counter() - started)
    jobs.shutdown()
    if ends.failures:
        raise SystemExit(f"{tag}: {len(ends.failures)} jobs failed: {ends.failures[0]}")
    return statistics.median(single), rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--frames", type=int, default=24, help="frames of each batch shot")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shotline-farm-data-") as data:
        os.environ["SHOTLINE_DATA_DIR"] = data
        started = time.perf_counter()
        state = cluster.up(workers=2)
        print(f"farm up: {state.address}, 2 worker slots, in {time.perf_counter() - started:.1f} s")
        try:
            from engine.farm.executor import FarmExecutor

            farm_job, farm_rate = measure(FarmExecutor("auto"), args.rounds, args.batch, args.frames, "farm")
        finally:
            import ray

            ray.shutdown()
            print(f"farm down: {cluster.down()}")
    local_job, local_rate = measure(None, args.rounds, args.batch, args.frames, "local")
    print(f"one-frame shot, submit to done (median of {args.rounds}): farm {farm_job:.0f} ms", end="")
    print(f", here {local_job:.0f} ms")
    print(f"{args.batch} shots of {args.frames} frames: farm {farm_rate:.2f}/s on 2 slots", end="")
    print(f", here {local_rate:.2f}/s")
    print(
        f"result: farm_job_ms={farm_job:.0f} local_job_ms={local_job:.0f} "
        f"farm_jobs_per_s={farm_rate:.2f} local_jobs_per_s={local_rate:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
