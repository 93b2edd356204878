"""GPU smoke bench: every downloaded generation preset, one small shot each, on the real card.

For each preset whose checkpoint is in the Hugging Face cache, one job runs
through the engine's own path (registry, generation queue, VRAM planner,
model pool) at a small size, and the bench prints the seconds the shot took,
the peak GPU memory torch saw, and the plan the planner chose (or stepped
down to after running out of memory). On a machine without a CUDA device it
says so and exits 0; presets that are not downloaded are listed as skipped
(`shotline models download PRESET` fetches one).

    .venv/bin/python tests/bench/gpu_smoke.py [--task video.generate] [--preset NAME ...]
        [--frames 25] [--size 512x288] [--vram GB]

Not part of the test suite: timings belong in a report.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.generate.catalog import catalog, downloaded  # noqa: E402
from engine.generate.jobs import generation_queue  # noqa: E402
from engine.generate.registry import default_registry  # noqa: E402
from engine.jobs.spec import JobSpec  # noqa: E402

#: What each task's small shot asks for (video: a second at 24 fps; the model makes its native size).
SHOTS = {
    "video.generate": {"prompt": "a lighthouse at dusk, waves breaking, slow push in", "rate": 24},
}


class Waiter:
    def __init__(self) -> None:
        self.ended = threading.Event()
        self.ending: tuple = ()
        self.lines: list[str] = []

    def progress(self, job, report, eta) -> None:
        pass

    def log(self, job, text) -> None:
        self.lines.append(text)

    def done(self, job, result, cached) -> None:
        self.ending = ("done", result)
        self.ended.set()

    def failed(self, job, message) -> None:
        self.ending = ("failed", message)
        self.ended.set()

    def cancelled(self, job) -> None:
        self.ending = ("cancelled", None)
        self.ended.set()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="video.generate", choices=sorted(SHOTS))
    parser.add_argument("--preset", action="append", help="only these (default: every downloaded one)")
    parser.add_argument("--frames", type=int, default=25)
    parser.add_argument("--size", default="512x288")
    parser.add_argument("--vram", type=float, help="plan for this much GPU memory instead of what is free")
    args = parser.parse_args()

    try:
        import torch
    except ImportError:
        print("No torch here (install shotline[ai]): the GPU smoke bench has nothing to run.")
        return 0
    if not torch.cuda.is_available():
        print("No CUDA device here: the GPU smoke bench has nothing to run.")
        return 0
    name = torch.cuda.get_device_name(0)
    total = torch.cuda.get_device_properties(0).total_memory / 2**30
    print(f"{name}, {total:.0f} GB; torch {torch.__version__}")

    entries = [e for e in catalog() if e.task == args.task and (not args.preset or e.name in args.preset)]
    ready = [e for e in entries if downloaded(e.model) is not None]
    for entry in entries:
        if entry not in ready:
            print(f"skipped {entry.name}: not downloaded (shotline models download {entry.name})")
    if not ready:
        print("No downloaded preset to run.")
        return 0

    waiter = Waiter()
    jobs = generation_queue(default_registry(), waiter)
    print(f"{'preset':28} {'s/shot':>8} {'peak GB':>8}  plan")
    with tempfile.TemporaryDirectory() as cache:
        for entry in ready:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
            params = {**SHOTS[args.task], "frames": args.frames, "size": args.size, "model": entry.name,
                      "seed": 1, "cache_dir": cache}  # fmt: skip
            if args.vram:
                params["vram_gb"] = args.vram
            waiter.ended.clear()
            waiter.lines.clear()
            started = time.perf_counter()
            jobs.submit(JobSpec(args.task, params, backend=entry.backend))
            waiter.ended.wait()
            seconds = time.perf_counter() - started
            peak = torch.cuda.max_memory_reserved() / 2**30
            plans = [line.removeprefix("Plan: ") for line in waiter.lines if line.startswith("Plan: ")]
            state, result = waiter.ending
            if state == "done":
                print(f"{entry.name:28} {seconds:8.1f} {peak:8.1f}  {plans[-1] if plans else '?'}")
            else:
                print(f"{entry.name:28} {'-':>8} {peak:8.1f}  {state}: {result}")
            for line in waiter.lines:
                if line.startswith("Out of GPU memory"):
                    print(f"{'':28} {line}")
            jobs.models.release()
    jobs.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
