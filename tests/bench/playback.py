"""Benchmark: frames shown and skipped, and GUI-thread gaps, while the real viewer plays.

Two cases, the hardest last, each printing one machine-readable line:

* ``dissolve``: a 1080p30 timeline with two video tracks (a cross-dissolve
  on V1 and a lower-third title over it on V2) with its sound, previewed at
  1/2 resolution.
* ``phone``: 10-bit HEVC footage (4K by default, as a phone records it)
  through proxies: the proxies are made first (the time is printed), then
  the viewer plays with proxies on.

The editor window is built as the user's is and Space is pressed a second
after it shows, as a person would; a 5 ms heartbeat timer on the GUI thread
records the gaps between its ticks while Space plays for `--seconds`. No
sound card is needed (playback then runs on the wall clock).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/playback.py [--seconds 5] [--phone-size 3840x2160]

Last lines, one per case: ``result: dropped=N shown=N worst_gap_ms=X p99_gap_ms=X``.
Not part of the test suite: timings belong in a report, not in assertions.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.playback.source import placements, source_timeline  # noqa: E402
from engine.project import edits, transitions  # noqa: E402
from engine.project.document import new_project  # noqa: E402
from engine.project.times import rt  # noqa: E402
from tests.bench.gui_stall import percentile, play_and_measure  # noqa: E402
from tests.support import mediagen  # noqa: E402

RATE = 30.0
HD = (1920, 1080)


def dissolve_timeline(folder: Path) -> object:
    """V1: two shots with a 20-frame dissolve; V2: a title over it; A1: their sound."""
    timeline = new_project("dissolve bench", rate=RATE, size=HD)
    shots = []
    for i, color in enumerate(((200, 60, 60), (60, 160, 80), (60, 80, 200))):
        path = folder / f"hd{i}.mp4"
        if not path.exists():
            mediagen.write_video(path, 100, size=HD, color=color, tone_hz=300 + 100 * i)
        shots.append(source_timeline(path, RATE, HD))
    edits.append(timeline, placements(shots[0], 5, 75))  # frames 0-74, 10 frames of handle after
    edits.append(timeline, placements(shots[1], 15, 75))  # frames 75-149
    transitions.add_cross_dissolve(timeline, "V1", rt(75, RATE), rt(20, RATE))
    try:  # a lower-third title over the dissolve, composited over the picture
        from engine.project import titles
    except ImportError:  # a build before titles: a clip on V2 instead
        over = {"V2": placements(shots[2], 0, 40)["V1"]}
        edits.overwrite(timeline, rt(95, RATE), over)  # frames 95-134 on V2, over the picture
    else:
        titles.add_title(timeline, "Lower third", 55, 80)  # frames 55-134 on V2
    return timeline


def phone_timeline(folder: Path, size: tuple[int, int]) -> tuple[object, list[Path]]:
    """Three 2-second pieces of 10-bit HEVC footage with sound, cut one after another."""
    path = folder / f"phone{size[0]}x{size[1]}.mp4"
    if not path.exists():
        mediagen.write_video(
            path,
            60,
            rate=Fraction(30),
            size=size,
            codec="libx265",
            pix_fmt="yuv420p10le",
            tone_hz=500,
        )
    timeline = new_project("phone bench", rate=RATE, size=HD)
    source = source_timeline(path, RATE, HD)
    for _ in range(3):
        edits.append(timeline, placements(source, 0, 60))
    return timeline, [path]


#: Space is pressed this long after the window shows, as a person would: PortAudio loads in the
#: background half a second after the viewer is made, and a Space before that waits for it.
SETTLE_S = 1.0


def settle(seconds: float) -> None:
    """Run the event loop for `seconds` (the window's start-up timers fire as they would)."""
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def measure(timeline, seconds: float, label: str, proxies: bool = False) -> str:
    """Play `timeline` in a fresh editor window (nothing left over from another case)."""
    from editor.main_window import MainWindow

    app = QApplication.instance()
    window = MainWindow()
    window.show()
    app.processEvents()
    if proxies:
        window.context.proxies.set_enabled(True)
    window.show_timeline(timeline, None)
    viewer = window.viewer
    viewer.resolution.setCurrentIndex(viewer.resolution.findText("1/2"))
    window.context.playhead.move_to(0)
    settle(SETTLE_S)
    gaps, shown = play_and_measure(window, seconds)
    # frames the playhead passed that never reached the screen (a frame still rendering when the
    # playhead moved on counts too, not only gaps between frames shown)
    passed = window.context.playhead.frame + 1
    dropped = max(sum(max(0, b - a - 1) for a, b in itertools.pairwise(shown)), passed - len(shown))
    worst, p99 = max(gaps) * 1000, percentile(gaps, 0.99) * 1000
    window.viewer.shutdown()
    if proxies:
        window.context.proxies.close()
    window.close()
    print(
        f"{label}: preview {viewer.resolution.currentText()}, played {seconds:g} s, "
        f"{len(shown)} frames shown, {dropped} skipped, GUI worst gap {worst:.1f} ms, p99 {p99:.1f} ms"
    )
    return f"result: dropped={dropped} shown={len(shown)} worst_gap_ms={worst:.1f} p99_gap_ms={p99:.1f}"


def make_proxies(paths: list[Path]) -> str:
    """Proxies for `paths` made as the editor makes them (without the low priority); how long it took."""
    from engine.media import proxies

    started = time.perf_counter()
    made = [proxies.ensure(path, proxies.DEFAULT_DIVISOR) for path in paths]
    sizes = ", ".join(f"1/{p.divisor}" for p in made)
    return f"proxies ({sizes} size, all-intra) made in {time.perf_counter() - started:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--phone-size", default="3840x2160")
    parser.add_argument("--originals", action="store_true", help="play the phone footage without proxies")
    parser.add_argument("--media", type=Path, help="keep the generated footage here and reuse it next time")
    args = parser.parse_args()
    phone_size = tuple(int(v) for v in args.phone_size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = []
    with tempfile.TemporaryDirectory() as folder:
        os.environ["SHOTLINE_DATA_DIR"] = str(Path(folder) / "data")
        QApplication.instance() or QApplication([])
        started = time.perf_counter()
        media = args.media or Path(folder)
        media.mkdir(parents=True, exist_ok=True)
        hd = dissolve_timeline(media)
        phone, phone_files = phone_timeline(media, phone_size)
        print(f"media generated in {time.perf_counter() - started:.1f} s; CPUs: {os.cpu_count()}")
        results.append(measure(hd, args.seconds, "dissolve (1080p30, V1 dissolve + title on V2)"))
        if not args.originals:
            print(make_proxies(phone_files))
        how = "originals" if args.originals else "proxies"
        label = f"phone ({args.phone_size} 10-bit HEVC, {how})"
        results.append(measure(phone, args.seconds, label, proxies=not args.originals))
    for line in results:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
