"""The audio meters beside the viewer while playing, on a machine without a sound card."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from editor.main_window import MainWindow
from engine.playback.audio_output import AudioUnavailable
from engine.playback.meters import FLOOR
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.document import new_project
from engine.project.times import rt
from tests.support import mediagen

SIZE = (64, 36)
MINUS_6 = 20 * np.log10(0.5)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    still = mediagen.write_image(tmp_path / "still.png", SIZE)
    tone = mediagen.write_audio(
        tmp_path / "tone.wav", seconds=20, signal=mediagen.tone_signal(1000, amplitude=0.5)
    )
    timeline = new_project("meters", rate=30.0, size=SIZE)
    edits.append(timeline, placements(source_timeline(still, 30.0, SIZE), 0, 600))
    edits.overwrite(
        timeline, rt(0, 30.0), {"A1": placements(source_timeline(tone, 30.0, SIZE), 0, 600)["A1"]}
    )
    win.show_timeline(timeline, None)
    win.show()
    win.activateWindow()  # Space is a window shortcut: it reaches only the active window
    qtbot.waitExposed(win)
    yield win
    win.viewer.shutdown()


def test_a_minus_6_dbfs_tone_shows_minus_6_on_the_meters_while_playing(window, qtbot) -> None:
    viewer = window.viewer
    meters = viewer.meters
    assert meters.isVisible() and meters.reading.peak == (FLOOR, FLOOR)
    qtbot.waitUntil(win_is_active(window), timeout=2000)
    qtbot.keyClick(viewer.picture, Qt.Key.Key_Space)
    assert viewer.player.playing and viewer.player.audio_off == "no output device"
    qtbot.waitUntil(lambda: all(abs(p - MINUS_6) < 0.5 for p in meters.reading.peak), timeout=5000)
    qtbot.waitUntil(lambda: "LUFS" in meters.toolTip() and meters.loudness_text() != "-- LUFS", timeout=5000)
    assert all(abs(r - MINUS_6) < 0.5 for r in meters.reading.rms)
    meters.grab().save(str(Path("/tmp") / "finish-meters.png"))
    qtbot.keyClick(viewer.picture, Qt.Key.Key_Space)  # stop: the meters fall silent
    assert meters.reading.peak == (FLOOR, FLOOR)


def win_is_active(window: MainWindow):
    return lambda: QApplication.activeWindow() is window
