"""Benchmark: how long a trivial job takes from `submit` to `done` through the engine process.

Starts `python -m engine`, then times, over the real stdin/stdout pipe:
a one-frame animatic (rendered and encoded), and the same spec again (a
cache hit). Prints median and worst of each; the target for a trivial job is
under 50 ms. Not part of the test suite: timings belong in a report.

    .venv/bin/python tests/bench/engine_roundtrip.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.support.engine_process import EngineProcess


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shotline-rt-") as folder:
        engine = EngineProcess({"SHOTLINE_DATA_DIR": folder})
        try:
            started = time.perf_counter()
            engine.request("initialize")
            startup = (time.perf_counter() - started) * 1000
            print(f"engine started and answered initialize in {startup:.0f} ms")
            fresh, cached = [], []
            for n in range(args.rounds):
                params = {"prompt": f"round {n}", "frames": 1, "rate": "24", "size": "64x36"}
                params["cache_dir"] = folder
                for timings in (fresh, cached):
                    started = time.perf_counter()
                    job = engine.request("submit", {"spec": {"task": "video.generate", "params": params}})
                    engine.ended(job["result"]["job"])
                    timings.append((time.perf_counter() - started) * 1000)
            for label, timings in (("one-frame animatic", fresh), ("identical spec (cache hit)", cached)):
                print(
                    f"{label:<28} submit->done median {statistics.median(timings):6.1f} ms, "
                    f"worst {max(timings):6.1f} ms over {len(timings)} rounds (target < 50 ms)"
                )
            engine.request("shutdown")
        finally:
            engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
