"""Benchmark: the cost of looks at export, the bench edit with a LUT and film grain on every clip.

Builds the same 16-second 1080p30 edit as export_vs_ffmpeg.py (four
segments, a 1-second dissolve, a music bed), saves it twice, once plain and
once with a 33-point 3D .cube LUT (a warm film look) and film grain on
every picture clip, and exports both with `shotline export` (1080p, x264
veryfast CRF 23), alternating over several rounds. Prints each median and
their ratio (the goal: under 1.5x); the last line is

    result: plain_s=X looks_s=X ratio=X

    .venv/bin/python tests/bench/looks_export.py [--keep FOLDER] [--rounds N]

Not part of the test suite: timings belong in a report, not in assertions.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.project import document, looks, persistence  # noqa: E402
from tests.bench.export_vs_ffmpeg import build_project, make_music, make_sources, timed  # noqa: E402


def write_film_lut(path: Path, points: int = 33) -> Path:
    """A warm, slightly crushed film look as a 3D .cube (red fastest, as the format orders it)."""
    grid = np.linspace(0.0, 1.0, points)
    b, g, r = np.meshgrid(grid, grid, grid, indexing="ij")
    rgb = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    luma = rgb @ np.array([0.2126, 0.7152, 0.0722])
    graded = 0.85 * rgb + 0.15 * luma[:, None]  # a little less saturated
    graded = graded * np.array([1.06, 1.0, 0.9])  # warmer
    graded = 0.03 + 0.94 * (graded**1.1)  # lifted blacks, softer highlights
    lines = [f'TITLE "bench film look"\nLUT_3D_SIZE {points}\n']
    lines += [f"{x:.6f} {y:.6f} {z:.6f}\n" for x, y, z in np.clip(graded, 0, 1)]
    path.write_text("".join(lines))
    return path


def add_looks(plain: Path, lut: Path, out: Path) -> Path:
    timeline = persistence.load(plain).timeline
    for track, clip in document.iter_clips(timeline):
        if track.kind == "Video":
            looks.set_lut(timeline, document.clip_id(clip), str(lut))
            looks.add_look(timeline, document.clip_id(clip), "grain")  # the default: amount 0.25, size 1.5
    persistence.save(timeline, out)
    return out


def export_command(project: Path, output: Path) -> list[str]:
    return [
        sys.executable, "-m", "engine", "export", str(project), "-o", str(output),
        "--preset", "1080p", "--crf", "23", "--x264-preset", "veryfast",
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each (default 3)")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is not installed (apt-get install ffmpeg)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="shotline-looks-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        kept = [folder / f"source{i}.mp4" for i in (1, 2, 3)]
        if all(p.exists() for p in [*kept, folder / "music.wav"]):  # a --keep folder from an earlier run
            sources, music = kept, folder / "music.wav"
        else:
            print("generating sources ...", flush=True)
            sources = make_sources(folder)
            music = make_music(folder / "music.wav")
        plain = build_project(sources, music, folder / "plain.otio")
        graded = add_looks(plain, write_film_lut(folder / "film.cube"), folder / "looks.otio")
        plain_cmd = export_command(plain, folder / "plain.mp4")
        looks_cmd = export_command(graded, folder / "looks.mp4")
        rounds = [(timed(plain_cmd)[0], timed(looks_cmd)[0]) for _ in range(args.rounds)]
        for i, (a, b) in enumerate(rounds, 1):
            print(f"round {i}: plain {a:6.2f} s, LUT + grain {b:6.2f} s, ratio {b / a:.2f}x", flush=True)
        plain_s = statistics.median(r[0] for r in rounds)
        looks_s = statistics.median(r[1] for r in rounds)
        print("edit: 4 segments, 1 s dissolve, music bed, 16 s at 1080p30; a 33^3 LUT and grain on each clip")
        print(f"result: plain_s={plain_s:.2f} looks_s={looks_s:.2f} ratio={looks_s / plain_s:.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
