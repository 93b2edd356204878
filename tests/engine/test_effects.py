"""Clip gain in dB and fade lengths in frames."""

from __future__ import annotations

import math

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.project import document, edits, effects, trackedit
from tests.support.editing import edit_and_check_undo, frames, project, shot


def one_clip(audio: bool = True):
    timeline = project()
    clip = shot("voice", 60, audio=audio)
    edits.append(timeline, {"A1" if audio else "V1": clip})
    return timeline, document.clip_id(clip)


def test_gain_is_one_audiovolume_effect_that_other_otio_tools_read() -> None:
    timeline, ident = one_clip()
    edit_and_check_undo(timeline, lambda: effects.set_gain(timeline, ident, -6.0))
    effects.set_gain(timeline, ident, -12.5)
    _, clip = document.find_clip(timeline, ident)
    assert [(e.effect_name, e.metadata["gain_db"]) for e in clip.effects] == [("AudioVolume", -12.5)]
    assert effects.gain_db(clip) == -12.5
    effects.set_gain(timeline, ident, 0)
    assert list(clip.effects) == [] and effects.gain_db(clip) == 0.0


@pytest.mark.parametrize("bad", [-61.0, 25.0, math.nan])
def test_gain_out_of_range_is_refused(bad: float) -> None:
    timeline, ident = one_clip()
    with pytest.raises(EditError, match="between -60 and \\+24 dB"):
        effects.set_gain(timeline, ident, bad)


def test_fades_are_stored_in_frames_and_must_fit_the_clip() -> None:
    timeline, ident = one_clip(audio=False)
    edit_and_check_undo(timeline, lambda: effects.set_fades(timeline, ident, frames(15), frames(20)))
    _, clip = document.find_clip(timeline, ident)
    assert effects.fades(clip) == (15, 20)
    effects.set_fades(timeline, ident, fade_out=frames(0))
    assert effects.fades(clip) == (15, 0)
    with pytest.raises(EditError, match="do not fit in a 60-frame clip"):
        effects.set_fades(timeline, ident, frames(40), frames(30))
    with pytest.raises(EditError, match="cannot be negative"):
        effects.set_fades(timeline, ident, frames(-1))


def test_blading_a_faded_clip_keeps_the_fade_in_left_and_the_fade_out_right() -> None:
    timeline, ident = one_clip()
    effects.set_fades(timeline, ident, frames(10), frames(10))
    edits.slice(timeline, frames(30))
    left, right = [s.item for s in trackedit.layout(document.track(timeline, "A1"), 30.0)]
    assert effects.fades(left) == (10, 0) and effects.fades(right) == (0, 10)


def test_gain_stays_on_the_clip_and_not_its_linked_picture() -> None:
    from tests.support.editing import av_shot

    timeline = project()
    video, audio = av_shot("talk", 30)
    edits.append(timeline, {"V1": video, "A1": audio})
    effects.set_gain(timeline, document.clip_id(audio), -3.0)
    assert effects.gain_db(audio) == -3.0 and effects.gain_db(video) == 0.0
    assert isinstance(audio.effects[0], otio.schema.Effect)
