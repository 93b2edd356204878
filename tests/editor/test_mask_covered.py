"""Mask mode on a clip that a higher track covers: the viewer shows the clip itself while it is painted."""

from __future__ import annotations

from fractions import Fraction

import pytest
from PySide6.QtCore import Qt

from editor.main_window import MainWindow
from engine.playback.audio_output import AudioUnavailable
from engine.playback.source import placements, source_timeline
from engine.project import document, edits, tracks
from engine.project.document import new_project
from engine.project.masks import mask_of
from engine.project.times import rt
from tests.editor.test_mask_mode import drag, open_window, tool
from tests.support import mediagen

RATE = 30.0
SIZE = (96, 64)
RED, BLUE = (210, 40, 40), (40, 40, 210)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """V1: 'under' (red) frames 0-20; V2: 'over' (blue) frames 5-15, covering it."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    red = mediagen.write_video(tmp_path / "under.mp4", 20, Fraction(30), SIZE, color=RED)
    blue = mediagen.write_video(tmp_path / "over.mp4", 20, Fraction(30), SIZE, color=BLUE)
    timeline = new_project("covered", rate=RATE, size=SIZE)
    edits.append(timeline, {"V1": placements(source_timeline(red, RATE, SIZE), 0, 20)["V1"]})
    edits.overwrite(timeline, rt(5, RATE), {"V2": placements(source_timeline(blue, RATE, SIZE), 0, 10)["V1"]})
    win = open_window(qtbot, timeline)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no device"))
    yield win
    win.masks.shutdown()
    win.viewer.shutdown()


def clip(win: MainWindow, track: str):
    return next(c for t, c in document.iter_clips(win.timeline) if t.name == track)


def centre(win: MainWindow) -> tuple[int, int, int]:
    image = win.viewer.picture.image
    colour = image.pixelColor(image.width() // 2, image.height() // 2 + 8)  # below the index bar
    return colour.red(), colour.green(), colour.blue()


def is_(colour: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(colour, wanted, strict=True))


def showing(qtbot, win: MainWindow, wanted: tuple[int, int, int]) -> None:
    qtbot.waitUntil(lambda: win.viewer.picture.image is not None and is_(centre(win), wanted), timeout=10000)


def test_a_covered_clip_is_shown_alone_and_painted_in_mask_mode_and_the_cut_returns_after(qtbot, window):
    win = window
    under, over = document.clip_id(clip(win, "V1")), document.clip_id(clip(win, "V2"))
    win.context.playhead.move_to(10)
    showing(qtbot, win, BLUE)  # the cut: V2 on top
    win.context.selection.set([under])
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: win.masks.masks is not None, timeout=10000)
    showing(qtbot, win, RED)  # the clip being painted, not the one over it
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(10, 10), (40, 40)])
    assert mask_of(clip(win, "V1")) is not None and mask_of(clip(win, "V2")) is None
    assert win.masks.masks.mask_at(10)[20, 20] == 255  # media frame 10 of 'under' (it starts at 0)

    win.context.selection.set([over])  # painting the top clip shows it alone too
    qtbot.waitUntil(lambda: win.masks.target is not None and win.masks.target.clip_id == over)
    showing(qtbot, win, BLUE)
    win.context.selection.set([under])
    qtbot.waitUntil(lambda: win.masks.target is not None and win.masks.target.clip_id == under)
    showing(qtbot, win, RED)

    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert not win.masks.active
    showing(qtbot, win, BLUE)  # the whole cut again


def test_a_hidden_track_is_shown_while_its_clip_is_painted(qtbot, window):
    win = window
    win.context.session.apply(tracks.set_track_flags, "V1", hidden=True)
    win.context.playhead.move_to(2)  # only V1 has a clip here
    win.context.selection.set([document.clip_id(clip(win, "V1"))])
    win.context.actions.action("view.mask_mode").trigger()
    qtbot.waitUntil(lambda: win.masks.masks is not None, timeout=10000)
    showing(qtbot, win, RED)
    assert tracks.track_flags(document.track(win.timeline, "V1")).hidden  # the document is untouched
