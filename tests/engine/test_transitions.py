"""Cross-dissolves and crossfades at cuts, fed by media handles."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.project import document, edits, transitions
from tests.support.editing import edit_and_check_undo, frames, layout, project, shot


def two_shots(
    a_start: int = 10, a_media: int = 100, b_start: int = 10, track: str = "V1", audio: bool = False
):
    timeline = project()
    edits.append(timeline, {track: shot("a", 30, start=a_start, media=a_media, audio=audio)})
    edits.append(timeline, {track: shot("b", 30, start=b_start, media=100, audio=audio)})
    return timeline


def offsets(timeline, track: str = "V1") -> list[tuple[int, int, int]]:
    return [
        (t.cut, t.in_offset, t.out_offset)
        for t in transitions.transitions_on(document.track(timeline, track), 30.0)
    ]


def test_a_centred_dissolve_straddles_the_cut_without_moving_the_clips() -> None:
    timeline = two_shots()
    edit_and_check_undo(
        timeline, lambda: transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(10))
    )
    assert offsets(timeline) == [(30, 5, 5)]
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 60)]
    (dissolve,) = [i for i in document.track(timeline, "V1") if isinstance(i, otio.schema.Transition)]
    assert dissolve.transition_type == otio.schema.TransitionTypes.SMPTE_Dissolve
    assert dissolve.name == "Cross Dissolve"


@pytest.mark.parametrize(("alignment", "expected"), [("center", (3, 4)), ("end", (7, 0)), ("start", (0, 7))])
def test_alignment_puts_the_dissolve_before_on_or_after_the_cut(
    alignment: str, expected: tuple[int, int]
) -> None:
    timeline = two_shots()
    transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(7), alignment)
    assert offsets(timeline) == [(30, *expected)]


def test_a_dissolve_without_enough_handle_names_the_clip_and_the_missing_frames() -> None:
    timeline = two_shots(a_start=65, a_media=100)  # a ends at source 95: 5 frames of handle
    with pytest.raises(EditError, match="a needs 3 more frame\\(s\\) of media after its out point"):
        transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(16))
    timeline = two_shots(b_start=2)
    with pytest.raises(EditError, match="b needs 8 more frame\\(s\\) of media before its in point"):
        transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(10), "end")


def test_a_dissolve_needs_a_cut_between_two_clips() -> None:
    timeline = two_shots()
    with pytest.raises(EditError, match="no cut between two clips on V1 at 00:00:00:20"):
        transitions.add_cross_dissolve(timeline, "V1", frames(20), frames(10))
    edits.lift(timeline, [document.clip_id(document.track(timeline, "V1")[1])])
    edits.overwrite(timeline, frames(40), {"V1": shot("c", 10, start=20)})  # a, gap, c
    with pytest.raises(EditError, match="clip on both sides"):
        transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(4))


def test_only_one_transition_per_cut_and_it_can_be_removed_or_resized() -> None:
    timeline = two_shots()
    transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(10))
    with pytest.raises(EditError, match="already a transition"):
        transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(4))
    edit_and_check_undo(
        timeline, lambda: transitions.set_transition_duration(timeline, "V1", frames(30), frames(20))
    )
    assert offsets(timeline) == [(30, 10, 10)]
    with pytest.raises(EditError, match="more frame"):
        transitions.set_transition_duration(timeline, "V1", frames(30), frames(60))
    edit_and_check_undo(timeline, lambda: transitions.remove_transition(timeline, "V1", frames(30)))
    assert offsets(timeline) == []


def test_an_audio_crossfade_is_the_same_transition_on_an_audio_track() -> None:
    timeline = two_shots(track="A1", audio=True)
    transitions.add_crossfade(timeline, "A1", frames(30), frames(6))
    assert offsets(timeline, "A1") == [(30, 3, 3)]
    assert [i.name for i in document.track(timeline, "A1") if isinstance(i, otio.schema.Transition)] == [
        "Crossfade"
    ]
    with pytest.raises(EditError, match="not an audio track"):
        transitions.add_crossfade(timeline, "V1", frames(30), frames(6))


def test_moving_a_clip_away_drops_its_dissolve() -> None:
    timeline = two_shots()
    transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(10))
    edits.move(timeline, document.clip_id(document.track(timeline, "V1")[2]), frames(60))
    assert offsets(timeline) == []
