"""Long playback makes hundreds of thousands of Qt calls; none of them may abort the interpreter.

PySide6 6.12.0 on Python 3.11 drops a reference to None/True/False on each
void call and each emit, and the interpreter aborts after some thousands of
them (pyproject.toml excludes that version). Run in a child process, so a
regression aborts that child, not the test session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import editor
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Ticker(QObject):
    moved = Signal(int)
    playing = Signal(bool)

app = QApplication([])
label, ticker = QLabel(), Ticker()
ticker.moved.connect(lambda frame: label.setText(str(frame)))
for frame in range(200_000):  # two hours of playback's worth of playhead moves
    ticker.moved.emit(frame)
    ticker.playing.emit(True)
    label.update()
print("survived", label.text())
"""


def test_hours_of_qt_calls_do_not_abort_the_editor() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived 199999" in done.stdout
