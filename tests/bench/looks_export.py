"""Benchmark: the cost of looks at export, the bench edit with a LUT and film grain on every clip.

Builds the same 16-second 1080p30 edit as export_vs_ffmpeg.py (four
segments, a 1-second dissolve, a music bed), saves it twice, once plain and
once with a 33-point 3D .cube LUT (a warm film look) and film grain on
every picture clip, and exports both with `shotline export` (1080p, x264
veryfast CRF 23), alternating over several rounds with a third export that
has the LUT only (grain is noise, which costs the encoder bits and time of
its own). Prints each median, the CPU times (steadier than wall time on a
shared machine), the files' sizes, and the ratio (the goal: under 1.5x);
the last line is

    result: plain_s=X looks_s=X ratio=X

    .venv/bin/python tests/bench/looks_export.py [--keep FOLDER] [--rounds N]

Not part of the test suite: timings belong in a report, not in assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from engine.project import document, looks, persistence  # noqa: E402
from tests.bench.export_vs_ffmpeg import build_project, make_music, make_sources  # noqa: E402


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


def add_looks(plain: Path, lut: Path, out: Path, grain: bool = True) -> Path:
    timeline = persistence.load(plain).timeline
    for track, clip in document.iter_clips(timeline):
        if track.kind == "Video":
            looks.set_lut(timeline, document.clip_id(clip), str(lut))
            if grain:
                looks.add_look(
                    timeline, document.clip_id(clip), "grain"
                )  # the default: amount 0.25, size 1.5
    persistence.save(timeline, out)
    return out


def timed_cpu(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all threads) of one child process: on a
    shared machine the CPU time says what the work costs when the wall time is noise."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export failed: {process.stderr.read().decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime


def export_command(project: Path, output: Path) -> list[str]:
    return [
        sys.executable, "-m", "engine", "export", str(project), "-o", str(output),
        "--preset", "1080p", "--crf", "23", "--x264-preset", "veryfast",
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument(
        "--camera-noise",
        type=int,
        default=0,
        help="sources with temporal noise of this strength (ffmpeg noise=alls=N), as phone footage has",
    )
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is not installed (apt-get install ffmpeg)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="shotline-looks-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        kept = [folder / f"source{i}.mp4" for i in (1, 2, 3)]
        if all(p.exists() for p in [*kept, folder / "music.wav"]) and not args.camera_noise:  # kept earlier
            sources, music = kept, folder / "music.wav"
        else:
            print("generating sources ...", flush=True)
            sources = make_sources(folder, args.camera_noise)
            music = make_music(folder / "music.wav")
        plain = build_project(sources, music, folder / "plain.otio")
        graded = add_looks(plain, write_film_lut(folder / "film.cube"), folder / "looks.otio")
        lut_only = add_looks(plain, folder / "film.cube", folder / "lut.otio", grain=False)
        names = ("plain", "LUT + grain", "LUT only")
        commands = [export_command(p, p.with_suffix(".mp4")) for p in (plain, graded, lut_only)]
        rounds = []
        for i in range(1, args.rounds + 1):  # alternating, so a busy spell hits all three
            rounds.append([timed_cpu(command) for command in commands])
            times = ", ".join(
                f"{n} {w:6.2f} s (cpu {c:6.2f} s)" for n, (w, c) in zip(names, rounds[-1], strict=True)
            )
            print(f"round {i}: {times}", flush=True)
        wall = [statistics.median(r[k][0] for r in rounds) for k in range(3)]
        cpu = [statistics.median(r[k][1] for r in rounds) for k in range(3)]
        sizes = [p.with_suffix(".mp4").stat().st_size / 1e6 for p in (plain, graded, lut_only)]
        print("edit: 4 segments, 1 s dissolve, music bed, 16 s at 1080p30; a 33^3 LUT and grain on each clip")
        if args.camera_noise:
            print(f"sources with camera noise (ffmpeg noise=alls={args.camera_noise}:allf=t)")
        print("files: " + ", ".join(f"{n} {m:.1f} MB" for n, m in zip(names, sizes, strict=True)))
        print(
            f"LUT only: wall {wall[2]:.2f} s (ratio {wall[2] / wall[0]:.2f}), cpu ratio {cpu[2] / cpu[0]:.2f}"
        )
        print(
            f"LUT + grain: cpu {cpu[1]:.2f} s against {cpu[0]:.2f} s plain, cpu ratio {cpu[1] / cpu[0]:.2f}"
        )
        plain_s, looks_s = wall[0], wall[1]
        print(f"result: plain_s={plain_s:.2f} looks_s={looks_s:.2f} ratio={looks_s / plain_s:.2f}")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
