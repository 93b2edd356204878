"""Clip > Regenerate Shot on a clip between two dissolves: the new take has handles, the dissolves stay."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt, QTimer

from engine.media.reference import clips_for
from engine.project import document, edits, trackedit, transitions
from engine.project.document import new_project
from engine.project.times import rt
from engine.render.video import video_frame
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)


@pytest.fixture
def window(engine_window, tmp_path: Path):
    timeline = new_project("film", rate=RATE, size=SIZE)
    for name, color in (("A", (220, 40, 40)), ("B", (40, 220, 40)), ("C", (40, 40, 220))):
        footage = write_video(tmp_path / f"{name}.mp4", frames=48, rate=Fraction(24), size=SIZE, color=color)
        (picture,) = clips_for(footage, RATE, 20, 10)[:1]
        picture.name = name
        edits.append(timeline, {"V1": picture})
    transitions.add_cross_dissolve(timeline, "V1", rt(20, RATE), rt(8, RATE))
    transitions.add_cross_dissolve(timeline, "V1", rt(40, RATE), rt(6, RATE))
    return engine_window(timeline)


def pictures(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24").astype(float) for f in container.decode(video=0)]


def test_regenerate_shot_between_dissolves_keeps_them_and_renders_through_the_new_take(
    window, qtbot, tmp_path
) -> None:
    session = window.context.session
    middle = document.clip_id(document.track(session.timeline, "V1")[2])
    window.context.selection.set([middle])
    dialog = window.generation.dialog

    def answer() -> None:
        dialog.prompt.setPlainText("A green field at noon")
        dialog.backend.setCurrentIndex(dialog.backend.findData("animatic"))
        dialog.accept()

    QTimer.singleShot(200, answer)
    window.activateWindow()
    qtbot.keyClick(
        window.timeline_view,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )

    def playing() -> str:
        return document.find_clip(session.timeline, middle)[1].active_media_reference_key

    qtbot.waitUntil(lambda: playing() == "take-2", timeout=60000)
    track, clip = document.find_clip(session.timeline, middle)
    # the dissolve before B is 8 frames (4 each side), the one after 6 (3 each side)
    assert trackedit.source_frames(clip, RATE) == (4, 20)
    assert [s.start for s in trackedit.layout(track, RATE)] == [0, 20, 40]
    assert len([item for item in track if isinstance(item, otio.schema.Transition)]) == 2
    path = Path(clip.media_reference.target_url.removeprefix("file://"))
    take = pictures(path)
    assert len(take) == 4 + 20 + 3
    # at the cut, half of A's frame there (its source frame 10 + 20) and half of the take's first visible one
    outgoing = pictures(tmp_path / "A.mp4")[30]
    at_cut = video_frame(session.timeline, 20).astype(float)
    assert np.abs(at_cut - (outgoing + take[4]) / 2).mean() < 6
    assert np.abs(at_cut - take[4]).mean() > 20 and np.abs(at_cut - outgoing).mean() > 20
    # undo plays the footage again with its dissolves; redo the take
    window.context.actions.action("edit.undo").trigger()
    assert playing() == "take-1" and len([i for i in track if isinstance(i, otio.schema.Transition)]) == 2
    window.context.actions.action("edit.redo").trigger()
    assert playing() == "take-2" and trackedit.source_frames(clip, RATE) == (4, 20)
