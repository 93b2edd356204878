"""Benchmark: seconds of CPU to render one minute of score with the default (composer) backend.

Composes and renders a 60 s cue with cuts every few seconds, through
FluidSynth and through the built-in numpy synthesizer, a few prompts each,
and prints the time per minute of music (composition, render, mastering and
the WAV write; no job queue). Not part of the test suite: timings belong in
a report.

    .venv/bin/python tests/bench/music_score.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.generate.score.composer import NO_FLUIDSYNTH_ENV, ComposerBackend
from engine.generate.score.music import fluid
from engine.generate.score.request import ScoreRequest
from engine.jobs.progress import JobContext

PROMPTS = ("tense cinematic strings", "happy rock guitar", "calm solo piano", "dark electronic synthwave")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    cuts = [t * 3.7 for t in range(1, int(args.seconds / 3.7))]
    renderers = (["fluidsynth"] if fluid.available() else []) + ["numpy synth"]
    for renderer in renderers:
        if renderer == "numpy synth":
            os.environ[NO_FLUIDSYNTH_ENV] = "1"
        times = []
        for prompt in PROMPTS:
            request = ScoreRequest.from_params(
                {"duration": args.seconds, "cuts": cuts, "prompt": prompt, "seed": 1}
            )
            with tempfile.TemporaryDirectory(prefix="shotline-score-") as folder:
                started = time.perf_counter()
                made = ComposerBackend().run(request, JobContext(Path(folder))).provenance
                times.append(time.perf_counter() - started)
            fit = f"{made['tempo_fit']}, {made['tempo']} BPM"
            print(f"  {renderer:<12} {prompt:<28} {times[-1]:6.2f} s  ({fit})")
        per_minute = sum(times) / len(times) * 60 / args.seconds
        print(f"{renderer}: {per_minute:.2f} s per minute of music ({60 / per_minute:.0f}x real time)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
