"""Benchmark: how long the editor's GUI thread goes unanswered while the engine generates a shot.

Opens a 1280x720 project in the real editor window, starts the real engine
process, and regenerates a 96-frame clip with the animatic backend through
the editor's own Regenerate Shot path (job, progress notifications, jobs
panel, the new take on the clip), while a 5 ms heartbeat timer on the GUI
thread records the gap between its ticks. With --diffusers it does the same
with a tiny random-weight Wan pipeline (built in a subprocess first, as
tests/engine/test_generate_diffusers.py builds it; run on the CPU), submitted
through the editor's engine client. Prints the worst gap and the 99th
percentile for each.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/gui_stall_generation.py [--diffusers]

Not part of the test suite: timings belong in a report, not in assertions
(tests/editor/test_gui_stall_generation.py checks a loose bound).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engine.generate.video.timeline import shot_spec  # noqa: E402
from engine.media.reference import clips_for  # noqa: E402
from engine.project import document, edits, persistence  # noqa: E402
from engine.project.document import new_project  # noqa: E402
from tests.bench.gui_stall import Heartbeat, percentile  # noqa: E402
from tests.support import mediagen  # noqa: E402

RATE = 24.0


def generation_project(folder: Path, size: tuple[int, int], frames: int) -> Path:
    """A saved project at `size` with one picture clip of `frames` frames (small footage, scaled up)."""
    footage = mediagen.write_video(folder / "footage.mp4", frames=frames, rate=Fraction(24), size=(64, 36))
    timeline = new_project("generation stall bench", rate=RATE, size=size)
    (picture,) = clips_for(footage, RATE, frames, 0)[:1]
    picture.name = "Shot 1"
    edits.append(timeline, {"V1": picture})
    project = folder / "bench.otio"
    persistence.save(timeline, project)
    return project


def open_window(project: Path, timeout: float = 120.0):
    """The editor window on `project` with its engine started (and answered `initialize`)."""
    from editor.main_window import MainWindow

    window = MainWindow()
    window.show()
    assert window.open_project(project)
    window.engine.start()
    wait_until(lambda: window.engine.info is not None, timeout)
    return window


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    """Run the event loop (as the editor does) until `condition` holds or `timeout` seconds pass."""
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: condition() and loop.quit())
    QTimer.singleShot(round(timeout * 1000), loop.quit)
    poll.start()
    if not condition():
        loop.exec()
    poll.stop()
    return condition()


def measure(
    start: Callable[[], None], ended: Callable[[], bool], timeout: float
) -> tuple[list[float], float]:
    """Heartbeat gaps while the job `start` submits runs until `ended`; (gaps, seconds the job took)."""
    beat = Heartbeat()
    beat.start()
    began = time.perf_counter()
    start()
    if not wait_until(ended, timeout):
        raise TimeoutError(f"the job did not end in {timeout:g} s")
    took = time.perf_counter() - began
    beat.stop()
    return beat.gaps, took


def first_clip(window) -> str:
    return document.clip_id(document.track(window.context.session.timeline, "V1")[0])


def regenerate_with_animatic(window, timeout: float = 300.0) -> tuple[list[float], float]:
    """Regenerate Shot through the editor's controller; ends when the new take plays on the clip."""
    ident = first_clip(window)
    session = window.context.session

    def playing() -> str:
        return document.find_clip(session.timeline, ident)[1].active_media_reference_key

    before = playing()
    values = {"prompt": "A harbour at dawn, the camera drifts", "seed": int(time.time())}  # never a cache hit
    return measure(
        lambda: window.generation.regenerate([ident], values, "animatic"),
        lambda: playing() != before,
        timeout,
    )


def generate_with_diffusers(window, model: Path, timeout: float = 900.0) -> tuple[list[float], float]:
    """A tiny Wan job on the CPU, submitted through the editor's engine client, for the clip's frames."""
    spec = shot_spec(
        window.context.session.timeline, first_clip(window), {"prompt": "a red car at night"}, "wan"
    )
    spec["params"] |= {"model": str(model), "device": "cpu", "steps": 2, "seed": int(time.time())}
    spec["params"]["cache_dir"] = str(model.parent / "cache")
    ended: list[str] = []
    window.engine.done.connect(lambda job, _r: ended.append(job))
    window.engine.failed.connect(lambda job, message: ended.append(f"{job}: {message}"))
    return measure(lambda: window.engine.submit(spec), lambda: bool(ended), timeout)


def build_tiny_wan(folder: Path) -> Path:
    """A tiny random-weight Wan pipeline saved to `folder`, built in a child process (torch stays out
    of the editor's process, as in the real application)."""
    code = (
        "import torch; from pathlib import Path; torch.manual_seed(0);"
        "from tests.tinymodels import drive_as, tiny_wan;"
        f"p = Path({str(folder)!r}); tiny_wan(p);"
        "drive_as(p, 'wan2.1-t2v-1.3b', native_sizes=[[64, 64]])"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return folder


def report(name: str, gaps: list[float], took: float) -> str:
    return (
        f"{name}: job {took:.1f} s; GUI heartbeat (5 ms): worst gap {max(gaps) * 1000:.1f} ms, "
        f"99th percentile {percentile(gaps, 0.99) * 1000:.1f} ms, {len(gaps)} beats"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--frames", type=int, default=96)
    parser.add_argument("--diffusers", action="store_true", help="also a tiny Wan model on the CPU")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ["SHOTLINE_DATA_DIR"] = str(folder / "data")
        app = QApplication.instance() or QApplication([])
        window = open_window(generation_project(folder, (width, height), args.frames))
        app.processEvents()
        print(f"project {width}x{height} at {RATE:g} fps, a {args.frames}-frame clip regenerated")
        print(report("animatic", *regenerate_with_animatic(window)))
        if args.diffusers:
            model = build_tiny_wan(folder / "tiny-wan")
            print(report("tiny Wan (CPU, 2 steps)", *generate_with_diffusers(window, model)))
        window.engine.stop()
        window.viewer.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
