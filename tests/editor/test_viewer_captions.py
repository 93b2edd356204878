"""View > Show Captions: the viewer draws the dialogue's subtitles with the export's burn-in code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from editor.main_window import MainWindow
from engine.export.captions import BurnedCaptions
from engine.export.subtitles import subtitles
from engine.playback.audio_output import AudioUnavailable
from engine.project import document
from engine.project.document import AUDIO
from engine.render.video import render_picture
from tests.editor.test_viewer import to_array, two_shot_timeline, wait_shown

LINE = "Keep the lamp lit."


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    timeline = two_shot_timeline(tmp_path)
    spoken = next(c for t, c in document.iter_clips(timeline) if t.kind == AUDIO)  # frames 0-30
    spoken.metadata.setdefault("shotline", {})["subtitle"] = LINE
    win = MainWindow()
    qtbot.addWidget(win)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    win.show_timeline(timeline, None)
    win.viewer.resolution.setCurrentText("Full")
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.viewer.shutdown()


def test_show_captions_draws_the_subtitle_as_a_burned_export_does_and_turns_off(window, qtbot) -> None:
    viewer = window.viewer
    action = window.context.actions.action("view.show_captions")
    assert action.text() == "Show &Captions" and action.isCheckable() and not action.isChecked()
    assert "view.show_captions" in [e.action_id for e in window.context.actions.entries("View")]
    window.context.playhead.move_to(12)
    wait_shown(qtbot, window, 12)
    plain = to_array(viewer.picture.image)

    action.trigger()
    qtbot.waitUntil(
        lambda: viewer.picture.frame == 12 and not np.array_equal(to_array(viewer.picture.image), plain)
    )
    timeline = window.timeline
    exported = BurnedCaptions(subtitles(timeline)).picture(
        12, render_picture(timeline, 12, viewer.worker.size)
    )
    np.testing.assert_array_equal(to_array(viewer.picture.image), exported.to_rgb())  # the export's pixels

    window.context.playhead.move_to(35)  # after the line: no words
    wait_shown(qtbot, window, 35)
    np.testing.assert_array_equal(
        to_array(viewer.picture.image), render_picture(timeline, 35, viewer.worker.size).to_rgb()
    )

    window.context.playhead.move_to(12)
    action.trigger()  # off again
    qtbot.waitUntil(
        lambda: viewer.picture.frame == 12 and np.array_equal(to_array(viewer.picture.image), plain)
    )
    assert window.context.settings.value("viewer/show_captions") in (False, "false")
