"""Benchmark: Shotline's export against the ffmpeg command line on the same 16-second edit.

Generates three 12-second 1080p30 H.264 sources with sound and a 30-second
music WAV, builds one edit (hard cuts, a 1-second cross-dissolve, each
clip's own sound, the music 12 dB down), then exports it twice in one run:
with `shotline export` and with one ffmpeg filter_complex (trim, xfade,
concat, amix), both at 1080p30 x264 veryfast CRF 23 + AAC 192k. Prints
both wall times, their ratio and each process's peak memory.

    .venv/bin/python tests/bench/export_vs_ffmpeg.py [--keep FOLDER] [--rounds N]

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

from engine.media.reference import clips_for  # noqa: E402
from engine.project import document, edits, effects, persistence, transitions  # noqa: E402
from engine.project.document import new_project  # noqa: E402
from engine.project.times import rt  # noqa: E402

RATE = 30.0
#: (source, in seconds, out seconds) of the four segments, in timeline order.
SEGMENTS = [(0, 0, 4), (1, 2, 6), (2, 1, 5), (0, 6, 10)]
SOURCES = [
    ("testsrc2", 0, 440),
    ("testsrc2", 120, 550),
    ("testsrc2", 240, 660),
]


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)


def make_sources(folder: Path, noise: int = 0) -> list[Path]:
    """The three sources; `noise` > 0 adds temporal noise of that strength (ffmpeg's `noise`
    filter), as a phone's sensor leaves in its footage."""
    grain = f",noise=alls={noise}:allf=t" if noise else ""
    paths = []
    for i, (pattern, hue, hz) in enumerate(SOURCES):
        path = folder / f"source{i + 1}.mp4"
        run([
            "ffmpeg", "-y", "-v", "error",
            "-f", "lavfi", "-i", f"{pattern}=size=1920x1080:rate=30:duration=12,hue=h={hue}{grain}",
            "-f", "lavfi", "-i", f"sine=frequency={hz}:sample_rate=48000:duration=12",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-g", "30", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "192k", "-ac", "2", str(path),
        ])  # fmt: skip
        paths.append(path)
    return paths


def make_music(path: Path, seconds: float = 30.0) -> Path:
    """A chord progression with a pulse: enough texture that the mix is audible."""
    import av

    rate = 48000
    t = np.arange(int(seconds * rate)) / rate
    chords = [(220.0, 277.2, 329.6), (196.0, 246.9, 293.7), (174.6, 220.0, 261.6), (196.0, 246.9, 311.1)]
    music = np.zeros_like(t)
    for bar, chord in enumerate(chords * int(seconds // 8 + 1)):
        lo, hi = int(bar * 2 * rate), int((bar + 1) * 2 * rate)
        if lo >= len(t):
            break
        span = t[lo:hi]
        pulse = 0.6 + 0.4 * np.cos(2 * np.pi * 2 * span) ** 2
        music[lo:hi] = sum(np.sin(2 * np.pi * f * span) for f in chord) / 3 * 0.5 * pulse
    stereo = np.stack([music, music]).astype(np.float32)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="stereo")
        for start in range(0, stereo.shape[1], rate):
            block = (stereo[:, start : start + rate].T * 32767).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(block, format="s16", layout="stereo")
            frame.sample_rate = rate
            frame.pts = start
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def build_project(sources: list[Path], music: Path, path: Path) -> Path:
    timeline = new_project("bench", rate=RATE, size=(1920, 1080))
    for source, start, end in SEGMENTS:
        picture, sound = clips_for(sources[source], RATE, int((end - start) * RATE), int(start * RATE))
        edits.append(timeline, {"V1": picture, "A1": sound})
    # 1 s dissolve centred on the last cut (12 s): half a second of handle on each side
    transitions.add_cross_dissolve(timeline, "V1", rt(12 * 30, RATE), rt(30, RATE))
    (bed,) = clips_for(music, RATE, 16 * 30, 0)
    document.track(timeline, "A2").append(bed)
    effects.set_gain(timeline, document.clip_id(bed), -12.0)
    persistence.save(timeline, path)
    return path


def ffmpeg_command(sources: list[Path], music: Path, out: Path) -> list[str]:
    graph = ";".join([
        "[0:v]split[s1a][s1b]",
        "[s1a]trim=0:4,setpts=PTS-STARTPTS[v1]",
        "[1:v]trim=2:6,setpts=PTS-STARTPTS[v2]",
        "[2:v]trim=1:5.5,setpts=PTS-STARTPTS[v3]",
        "[s1b]trim=5.5:10,setpts=PTS-STARTPTS[v4]",
        "[v3][v4]xfade=transition=fade:duration=1:offset=3.5[v34]",
        "[v1][v2][v34]concat=n=3:v=1:a=0[v]",
        "[0:a]asplit[a1s][a4s]",
        "[a1s]atrim=0:4,asetpts=PTS-STARTPTS[a1]",
        "[1:a]atrim=2:6,asetpts=PTS-STARTPTS[a2]",
        "[2:a]atrim=1:5,asetpts=PTS-STARTPTS[a3]",
        "[a4s]atrim=6:10,asetpts=PTS-STARTPTS[a4]",
        "[a1][a2][a3][a4]concat=n=4:v=0:a=1[dialogue]",
        "[3:a]atrim=0:16,asetpts=PTS-STARTPTS,volume=-12dB[bed]",
        "[dialogue][bed]amix=inputs=2:normalize=0:duration=first[a]",
    ])  # fmt: skip
    inputs = [arg for path in (*sources, music) for arg in ("-i", str(path))]
    return [
        "ffmpeg", "-y", "-v", "error", *inputs, "-filter_complex", graph,
        "-map", "[v]", "-map", "[a]",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", str(out),
    ]  # fmt: skip


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[0]} failed: {process.stderr.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss / 1024


def frames_of(path: Path) -> int:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v", "-show_entries",
         "stream=nb_read_frames", "-of", "csv=p=0", str(path)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return int(out.stdout.strip())


def agreement(ours: Path, theirs: Path) -> str:
    """PSNR of one output against the other: both must show the same edit for the times to compare."""
    out = subprocess.run(
        ["ffmpeg", "-v", "info", "-nostats", "-i", str(ours), "-i", str(theirs),
         "-lavfi", "[0:v][1:v]psnr", "-f", "null", "-"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    line = next((x for x in out.stderr.splitlines() if "PSNR" in x), "")
    return line.split("PSNR", 1)[-1].strip() or "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each (default 3)")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is not installed (apt-get install ffmpeg)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="shotline-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        print("generating sources ...", flush=True)
        sources = make_sources(folder)
        music = make_music(folder / "music.wav")
        project = build_project(sources, music, folder / "bench.otio")
        shotline = [
            sys.executable, "-m", "engine", "export", str(project), "-o", str(folder / "shotline.mp4"),
            "--preset", "1080p", "--crf", "23", "--x264-preset", "veryfast",
        ]  # fmt: skip
        ffmpeg = ffmpeg_command(sources, music, folder / "ffmpeg.mp4")
        # alternate the two, several rounds, and compare medians: one run can be unlucky
        rounds = [(timed(shotline), timed(ffmpeg)) for _ in range(args.rounds)]
        ours = statistics.median(r[0][0] for r in rounds)
        theirs = statistics.median(r[1][0] for r in rounds)
        our_rss = max(r[0][1] for r in rounds)
        their_rss = max(r[1][1] for r in rounds)
        cores = os.cpu_count()
        print(f"edit: 4 segments, 1 s dissolve, music bed -12 dB, 16 s at 1080p30 ({cores} cores)")
        for i, ((a, _), (b, _)) in enumerate(rounds, 1):
            print(f"round {i}: shotline {a:6.2f} s, ffmpeg {b:6.2f} s, ratio {a / b:.2f}x")
        names = ("shotline.mp4", "ffmpeg.mp4")
        frames = [frames_of(folder / name) for name in names]
        sizes = [(folder / name).stat().st_size / 1e6 for name in names]
        labels = ("shotline export", "ffmpeg         ")
        rows = zip(labels, (ours, theirs), (our_rss, their_rss), frames, sizes, strict=True)
        for label, wall, rss, count, megabytes in rows:
            print(f"{label}: {wall:6.2f} s  peak RSS {rss:4.0f} MB  {count} frames  {megabytes:.1f} MB file")
        psnr = agreement(folder / names[0], folder / names[1])
        print(f"same edit? PSNR shotline vs ffmpeg: {psnr}")
        print(f"ratio shotline/ffmpeg (medians): {ours / theirs:.2f}x  (target <= 1.10x, peak RSS < 800 MB)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
