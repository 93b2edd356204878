"""Benchmark: the default video.inpaint backend (opencv) at 1080p: its error and its speed.

Generates a short 1920x1080 clip (tests/support/inpaintclip.py: a textured static
background, a moving square, a static logo; and the same with a slow pan),
inpaints three cases and prints, for each, the mean absolute error of the
masked area against the true background (worst frame and mean over frames,
0-255 RGB levels), the source's own encoding error for comparison, and the
speed in frames per second: of the fill alone, and of the whole job (decode,
fill, x264 mezzanine encode). Not part of the test suite.

    .venv/bin/python tests/bench/inpaint_default.py [--frames N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.generate.inpaint.media import ClipWindow
from engine.generate.inpaint.opencv import REACH, OpenCVInpaintBackend, TemporalFiller
from engine.generate.inpaint.request import InpaintRequest
from engine.jobs.progress import JobContext
from engine.masks.sequence import MaskSequence
from tests.support.inpaintclip import decode, write_clip

SIZE = (1920, 1080)


def _mae(a: np.ndarray, b: np.ndarray, where: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16))[where].mean())


def _case(name: str, clip, mask: Path, regions: list[np.ndarray], folder: Path) -> None:
    request = InpaintRequest.from_params({"input": str(clip.path), "mask": str(mask)})
    filler, stats = TemporalFiller(request.method), {"temporal": 0, "carried": 0, "spatial": 0}
    started = time.perf_counter()
    with ClipWindow(request, request.masks()) as window:
        previous = None
        for n in range(request.frames):
            previous = filler.frame(window, n, previous, stats)
            window.forget_before(n - REACH)
    fill_fps = request.frames / (time.perf_counter() - started)
    work = Path(tempfile.mkdtemp(dir=folder))
    started = time.perf_counter()
    output = OpenCVInpaintBackend().run(request, JobContext(work))
    job_fps = request.frames / (time.perf_counter() - started)
    frames = decode(output.files[0])[0]
    source = decode(clip.path)[0]
    errors = [_mae(f, t, r) for f, t, r in zip(frames, clip.backgrounds, regions, strict=True)]
    # the source's own error where it shows the background (away from the logo and the square)
    drawn = [cv2.dilate(clip.logo | sq, np.ones((9, 9), np.uint8)) == 0 for sq in clip.squares]
    baseline = [_mae(s, t, d) for s, t, d in zip(source, clip.backgrounds, drawn, strict=True)]
    print(
        f"{name:<28} MAE in mask: worst {max(errors):5.2f}, mean {np.mean(errors):5.2f}  "
        f"(source's own encoding error {np.mean(baseline):.2f}; "
        f"pixels temporal {stats['temporal']}, carried {stats['carried']}, spatial {stats['spatial']})  "
        f"fill {fill_fps:5.1f} fps, whole job {job_fps:5.1f} fps, {filler.flows} flows"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=24)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    with tempfile.TemporaryDirectory(prefix="shotline-inpaint-") as name:
        folder = Path(name)
        still = write_clip(folder / "still.mp4", size=SIZE, count=args.frames)
        logo = folder / "logo.png"
        cv2.imwrite(str(logo), still.logo)
        print(f"{args.frames} frames at {SIZE[0]}x{SIZE[1]}, one OpenCV thread")
        _case("static logo (never seen)", still, logo, [still.logo > 0] * args.frames, folder)
        squares = folder / "squares"
        sequence = MaskSequence(SIZE)
        grow = np.ones((9, 9), np.uint8)
        sequence.set_key(0, cv2.dilate(still.squares[0], grow))
        for n, square in enumerate(still.squares):
            sequence.tracked[n] = cv2.dilate(square, grow)
        sequence.save(squares)
        _case("moving square (revealed)", still, squares, [s > 0 for s in still.squares], folder)
        panning = write_clip(folder / "pan.mp4", size=SIZE, count=args.frames, pan=12)
        _case("panned logo (12 px/frame)", panning, logo, [panning.logo > 0] * args.frames, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
