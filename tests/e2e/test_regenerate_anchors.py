"""Regenerate with the neighbours' frames as anchors: the next shot's first frame is the last picture."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.media.reference import clips_for
from engine.project import document, edits, takes
from engine.project.document import new_project
from engine.render.video import video_frame
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)


@pytest.fixture
def window(engine_window, tmp_path: Path):
    """V1: "Harbour" (blue footage) then "Salt flat" (orange footage), 20 frames each."""
    timeline = new_project("film", rate=RATE, size=SIZE)
    for name, color in (("Harbour", (40, 90, 160)), ("Salt flat", (220, 140, 40))):
        footage = write_video(tmp_path / f"{name}.mp4", frames=24, rate=Fraction(24), size=SIZE, color=color)
        (picture,) = clips_for(footage, RATE, 20, 0)[:1]
        picture.name = name
        edits.append(timeline, {"V1": picture})
    return engine_window(timeline, show=False)


def test_ending_on_the_next_shot_sends_its_first_frame_and_the_first_shot_has_no_previous(window, qtbot):
    session = window.context.session
    harbour = document.clip_id(document.track(session.timeline, "V1")[0])
    expected = video_frame(session.timeline.clone(), 20)  # Salt flat's first frame
    window.generation.regenerate([harbour], {"prompt": "The harbour", "seed": 2}, "animatic", True, True)
    said = window.statusBar().currentMessage()
    assert "This shot is the first: there is no previous frame to start from" in said

    def made():
        found = takes.takes(document.find_clip(session.timeline, harbour)[1])
        return found[-1].provenance if len(found) > 1 else None

    qtbot.waitUntil(lambda: made() is not None, timeout=60000)
    last = made().extra.get("last_image")
    assert last and Path(last).name.endswith("-20.png")
    sent = np.asarray(Image.open(last).convert("RGB")).astype(int)
    assert np.abs(sent - expected.astype(int)).mean() < 2
