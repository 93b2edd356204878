"""Benchmark: how long a click to a random frame takes to show in the viewer.

A 1080p30 long-GOP clip (a keyframe every 60 frames, as cameras and phones
write) is put on a timeline in the editor window; the playhead then jumps to
random frames as a click on the ruler moves it, and the time from the move
to the viewer showing that frame is recorded. The same seeks are repeated
with proxies on, and the anchor `ffmpeg -ss T -i clip -frames:v 1` (a new
process per frame, as a script would do it) is timed on the same machine in
the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/scrub.py [--seeks 40] [--seconds 20]

Last line: ``result: p50_ms=X p95_ms=X proxy_p95_ms=X ffmpeg_p95_ms=X``.
Not part of the test suite: timings belong in a report, not in assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.playback.source import placements, source_timeline  # noqa: E402
from engine.project import edits  # noqa: E402
from engine.project.document import new_project  # noqa: E402
from tests.bench.gui_stall import percentile  # noqa: E402
from tests.support import mediagen  # noqa: E402

RATE = 30.0
HD = (1920, 1080)
GOP = 60
TIMEOUT_S = 20.0


def seek_and_wait(window, frame: int) -> float:
    """Move the playhead to `frame`; seconds until the viewer shows it (its picture, not a slate)."""
    viewer = window.viewer
    loop = QEventLoop()
    started = time.perf_counter()

    def look() -> None:
        if viewer.picture.frame == frame:
            loop.quit()

    watch = QTimer()
    watch.setInterval(1)
    watch.timeout.connect(look)
    watch.start()
    QTimer.singleShot(round(TIMEOUT_S * 1000), loop.quit)
    window.context.playhead.move_to(frame)
    if viewer.picture.frame != frame:
        loop.exec()
    watch.stop()
    return time.perf_counter() - started


def seeks(window, frames: list[int]) -> list[float]:
    app = QApplication.instance()
    taken = []
    for frame in frames:
        taken.append(seek_and_wait(window, frame))
        app.processEvents()
    return taken


def ffmpeg_seeks(path: Path, frames: list[int]) -> list[float]:
    taken = []
    for frame in frames:
        started = time.perf_counter()
        subprocess.run(
            [
                "ffmpeg",
                "-v",
                "error",
                "-ss",
                f"{frame / RATE:.3f}",
                "-i",
                str(path),
                "-frames:v",
                "1",
                "-f",
                "null",
                "-",
            ],
            check=True,
        )
        taken.append(time.perf_counter() - started)
    return taken


def summary(label: str, taken: list[float]) -> tuple[float, float]:
    p50, p95 = percentile(taken, 0.5) * 1000, percentile(taken, 0.95) * 1000
    print(
        f"{label}: {len(taken)} seeks, p50 {p50:.0f} ms, p95 {p95:.0f} ms, worst {max(taken) * 1000:.0f} ms"
    )
    return p50, p95


def use_proxies(window, path: Path) -> str:
    """Make the clip's proxy and turn proxies on in the window, as Project > Proxies does."""
    if getattr(window.context, "proxies", None) is None:  # a build before proxies, for comparison
        return "proxies: not in this build (originals sought again)"
    from engine.media import proxies

    started = time.perf_counter()
    proxy = proxies.ensure(path, proxies.DEFAULT_DIVISOR)
    made = time.perf_counter() - started
    window.context.proxies.set_enabled(True)
    QApplication.instance().processEvents()
    return f"proxy (1/{proxy.divisor} size, all-intra) made in {made:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeks", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    frames_total = args.seconds * int(RATE)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SHOTLINE_DATA_DIR"] = str(Path(folder) / "data")
        app = QApplication.instance() or QApplication([])
        path = mediagen.write_video(Path(folder) / "long_gop.mp4", frames_total, size=HD, gop=GOP)
        timeline = new_project("scrub bench", rate=RATE, size=HD)
        edits.append(timeline, placements(source_timeline(path, RATE, HD), 0, frames_total))
        from editor.main_window import MainWindow

        window = MainWindow()
        window.show_timeline(timeline, None)
        window.show()
        app.processEvents()
        picks = random.Random(21)
        originals = [picks.randrange(frames_total) for _ in range(args.seeks)]
        proxied = [picks.randrange(frames_total) for _ in range(args.seeks)]
        p50, p95 = summary("viewer, originals", seeks(window, originals))
        print(use_proxies(window, path))
        _, proxy_p95 = summary("viewer, proxies", seeks(window, proxied))
        _, ffmpeg_p95 = summary("ffmpeg -ss T -i clip -frames:v 1", ffmpeg_seeks(path, originals))
        print(f"1080p{RATE:g} clip of {frames_total} frames, keyframe every {GOP}; CPUs: {os.cpu_count()}")
        window.viewer.shutdown()
        window.close()
    figures = f"p50_ms={p50:.0f} p95_ms={p95:.0f} proxy_p95_ms={proxy_p95:.0f} ffmpeg_p95_ms={ffmpeg_p95:.0f}"
    print(f"result: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
