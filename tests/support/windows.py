"""The editor window as viewer tests want it: a timeline shown, no sound card, exposed and active."""

from __future__ import annotations

import opentimelineio as otio

from editor.main_window import MainWindow
from engine.playback.audio_output import AudioUnavailable


def silent_window(qtbot, timeline: otio.schema.Timeline) -> MainWindow:
    """A window showing `timeline` whose playback runs on the wall clock, as on a machine with no
    sound card (the tests' machines); the caller shuts its viewer down."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    win.show_timeline(timeline, None)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    return win
