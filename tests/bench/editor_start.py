"""Benchmark: how long `shotline` takes from the command to a shown, painted editor window.

Each round starts a fresh Python (as the console script does, so interpreter
start and every import count) that builds the application exactly as
`editor.app.run_editor` does, with a project given on the command line,
and reports when the window has been shown and the event loop has painted
it. The parent measures from spawning the process to that report. The child
also says whether torch got imported: it must not be, since torch belongs
to the engine process (that is what keeps the start under 2 s).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/editor_start.py [--rounds N]

Last line: ``result: median_s=X``.

Not part of the test suite: timings belong in a report.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHILD = """
import sys
from PySide6.QtCore import QTimer
from editor.app import make_application, start_editor

app = make_application(sys.argv[:1])
window = start_editor([sys.argv[1]])

def shown():
    print("shown", window.isVisible(), "torch" in sys.modules, flush=True)
    app.quit()

QTimer.singleShot(0, shown)
app.exec()
"""


def project(folder: Path) -> Path:
    """A small saved project: two shots with sound, as a user's first cut might be."""
    from engine.media.reference import clips_for
    from engine.project import edits, persistence
    from engine.project.document import new_project
    from tests.support import mediagen

    footage = mediagen.write_video(
        folder / "shot.mp4", frames=48, rate=Fraction(24), size=(320, 180), tone_hz=440
    )
    timeline = new_project("start bench", rate=24.0, size=(1280, 720))
    for start in (0, 24):
        clips = clips_for(footage, 24.0, 24, start)
        edits.append(timeline, {"V1": clips[0], "A1": clips[1]})
    path = folder / "start.otio"
    persistence.save(timeline, path)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shotline-start-") as folder:
        path = project(Path(folder))
        env = os.environ | {"SHOTLINE_DATA_DIR": str(Path(folder) / "data"), "PYTHONPATH": str(ROOT)}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        timings, torch_seen = [], False
        for _ in range(args.rounds):
            started = time.perf_counter()
            child = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], env=env, capture_output=True, text=True, timeout=120
            )
            took = time.perf_counter() - started
            line = next((x for x in child.stdout.splitlines() if x.startswith("shown")), None)
            if line is None:
                print(child.stdout, child.stderr, file=sys.stderr)
                return 1
            _, visible, torch = line.split()
            torch_seen |= torch == "True"
            if visible == "True":
                timings.append(took)
    print(
        f"editor start to shown window ({len(timings)} rounds): median {statistics.median(timings):.2f} s, "
        f"worst {max(timings):.2f} s; torch imported in the editor: {'YES' if torch_seen else 'no'}"
    )
    print(f"result: median_s={statistics.median(timings):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
