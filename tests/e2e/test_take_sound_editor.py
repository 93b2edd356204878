"""Regenerate with LTX-2 from the editor, through the real engine process: the take lands with its sound.

The tiny random-weight LTX-2 (tests/support/tinymodels.py) is saved with
safetensors and loaded by the engine process as a user's checkpoint is. The
new take plays on V1 and its sound on A1, linked; Undo takes both back.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest

from engine.media.reference import clips_for
from engine.project import document, edits, take_sound
from engine.project.document import new_project
from tests.support.mediagen import write_video

pytest.importorskip("diffusers", reason="the LTX-2 backend needs the ai extra (torch, diffusers)")
pytestmark = pytest.mark.slow

RATE = 24.0
SIZE = (64, 36)


@pytest.fixture
def model(tmp_path: Path) -> Path:
    import torch

    from tests.support.tinymodels import drive_as, tiny_ltx2

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.manual_seed(0)
    folder = tmp_path / "tiny-ltx2"
    tiny_ltx2(folder)
    drive_as(folder, "ltx-2.3", native_sizes=[[32, 32]], free_aspect=False,
             call_options={"max_sequence_length": 16})  # fmt: skip
    return folder


def test_an_ltx2_take_brings_its_sound_to_a1_and_undo_takes_both_back(engine_window, model, tmp_path, qtbot):
    footage = write_video(tmp_path / "board.mp4", frames=24, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    (picture,) = clips_for(footage, RATE, 12, 0)[:1]
    picture.name = "Lighthouse"
    edits.append(timeline, {"V1": picture})
    window = engine_window(timeline, show=False)
    session = window.context.session
    ident = document.clip_id(document.track(session.timeline, "V1")[0])
    asked = {"prompt": "a lighthouse at dusk, waves", "seed": 5, "steps": 2, "model": str(model)}
    window.generation.regenerate([ident], asked, "ltx2")
    qtbot.waitUntil(lambda: take_sound.sound_clip(session.timeline, ident) is not None, timeout=240_000)
    track, sound = take_sound.sound_clip(session.timeline, ident)
    assert track.name == "A1" and Path(sound.media_reference.target_url).name == "sound.wav"
    _, clip = document.find_clip(session.timeline, ident)
    assert clip.active_media_reference_key == "take-2"
    assert sound.metadata["shotline"]["link"] == clip.metadata["shotline"]["link"]
    window.context.actions.action("edit.undo").trigger()
    assert take_sound.sound_clip(session.timeline, ident) is None
    assert document.find_clip(session.timeline, ident)[1].active_media_reference_key == "take-1"
