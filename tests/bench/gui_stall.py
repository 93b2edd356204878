"""Benchmark: how long the GUI thread goes unanswered while the viewer plays a two-track timeline.

Builds a timeline of generated clips with sound (picture on V1, sound on A1,
a cut every two seconds), opens it in the editor window, presses Space and
lets it play while a 5 ms heartbeat timer on the GUI thread records the gap
between its ticks. Prints the worst gap, the 99th percentile, the frames the
viewer showed and the frames it skipped. No sound card is needed (playback
then runs on the wall clock, as on this build machine).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/gui_stall.py [--seconds 5] [--size 640x360]

Not part of the test suite: timings belong in a report, not in assertions
(tests/editor/test_viewer_stall.py checks a loose bound).
"""

from __future__ import annotations

import argparse
import itertools
import os
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
from tests.support import mediagen  # noqa: E402

RATE = 30.0
COLORS = [(200, 60, 60), (60, 160, 80), (60, 80, 200)]


def two_track_timeline(folder: Path, size: tuple[int, int], shots: int = 3, seconds: int = 2):
    """V1 and A1: `shots` generated clips with their sound, cut one after another."""
    timeline = new_project("stall bench", rate=RATE, size=size)
    for i in range(shots):
        path = mediagen.write_video(
            folder / f"shot{i}.mp4", seconds * 30, size=size, color=COLORS[i % 3], tone_hz=300 + 100 * i
        )
        edits.append(timeline, placements(source_timeline(path, RATE, size), 0, seconds * 30))
    return timeline


class Heartbeat:
    """A GUI-thread timer that records the time between its ticks."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


def play_and_measure(window, seconds: float) -> tuple[list[float], list[int]]:
    """Press play in `window`'s viewer, pump events for `seconds`; (heartbeat gaps, frames shown)."""
    shown: list[int] = []
    viewer = window.viewer

    def look() -> None:
        if viewer.picture.frame is not None and (not shown or shown[-1] != viewer.picture.frame):
            shown.append(viewer.picture.frame)

    watch = QTimer()
    watch.setInterval(2)
    watch.timeout.connect(look)
    beat = Heartbeat()
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    beat.start()
    watch.start()
    viewer.play()
    loop.exec()  # the event loop itself, as the editor runs (not processEvents in a Python loop)
    viewer.stop()
    beat.stop()
    watch.stop()
    return beat.gaps, shown


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", default="640x360")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SHOTLINE_DATA_DIR"] = str(Path(folder) / "data")
        app = QApplication.instance() or QApplication([])
        from editor.main_window import MainWindow

        window = MainWindow()
        window.show_timeline(two_track_timeline(Path(folder), (width, height)), None)
        window.show()
        app.processEvents()
        gaps, shown = play_and_measure(window, args.seconds)
        skipped = sum(max(0, b - a - 1) for a, b in itertools.pairwise(shown))
        print(f"timeline {width}x{height} at {RATE:g} fps, preview {window.viewer.resolution.currentText()}")
        print(f"played {args.seconds:g} s; audio: {window.viewer.audio_status.text() or 'on'}")
        print(
            f"GUI heartbeat (5 ms): worst gap {max(gaps) * 1000:.1f} ms, "
            f"99th percentile {percentile(gaps, 0.99) * 1000:.1f} ms, {len(gaps)} beats"
        )
        print(f"frames shown {len(shown)}, skipped {skipped}")
        window.viewer.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
