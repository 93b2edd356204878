"""Dragging edges: trim, ripple trim, slip, roll and slide, clamped where NLEs stop."""

from __future__ import annotations

import pytest
from editing import av_shot, edit_and_check_undo, frames, layout, project, serialized, shot, source

from engine.errors import EditError, TrackLockedError
from engine.project import document, edits, trims
from engine.project.clips import media_clip, media_reference


def three_shots(gap_after_a: int = 0):
    """V1: a, (gap), b, c; each 30 frames showing source 10-40 of 100 frames of media."""
    timeline = project()
    edits.append(timeline, {"V1": shot("a", 30, start=10, media=100)})
    if gap_after_a:
        edits.overwrite(timeline, frames(30 + gap_after_a), {"V1": shot("b", 30, start=10, media=100)})
    else:
        edits.append(timeline, {"V1": shot("b", 30, start=10, media=100)})
    edits.append(timeline, {"V1": shot("c", 30, start=10, media=100)})
    ids = {c.name: document.clip_id(c) for c in document.track(timeline, "V1") if c.name}
    return timeline, ids


def test_shortening_a_tail_leaves_a_gap_and_ripple_closes_it() -> None:
    timeline, ids = three_shots()
    change = edit_and_check_undo(timeline, lambda: trims.trim_tail(timeline, ids["a"], frames(-10)))
    assert change.result == -10
    assert layout(timeline, "V1") == [("a", 0, 20), ("gap", 20, 30), ("b", 30, 60), ("c", 60, 90)]
    timeline, ids = three_shots()
    edit_and_check_undo(timeline, lambda: trims.trim_tail(timeline, ids["a"], frames(-10), ripple=True))
    assert layout(timeline, "V1") == [("a", 0, 20), ("b", 20, 50), ("c", 50, 80)]


def test_a_tail_grows_into_a_gap_but_stops_at_the_next_clip() -> None:
    timeline, ids = three_shots(gap_after_a=8)
    change = trims.trim_tail(timeline, ids["a"], frames(20))
    assert change.result == 8
    assert layout(timeline, "V1")[:2] == [("a", 0, 38), ("b", 38, 68)]
    assert trims.trim_tail(timeline, ids["a"], frames(5)).result == 0


def test_trimming_past_the_end_of_the_media_stops_at_the_last_frame() -> None:
    timeline, ids = three_shots()
    change = edit_and_check_undo(timeline, lambda: trims.trim_tail(timeline, ids["c"], frames(500)))
    assert change.result == 60  # source 10-40 of 100 frames: 60 frames of handle
    assert source(timeline, "V1")[2] == (10, 90)
    assert layout(timeline, "V1")[-1] == ("c", 60, 150)


def test_ripple_trim_of_a_tail_moves_everything_after() -> None:
    timeline, ids = three_shots()
    assert trims.trim_tail(timeline, ids["a"], frames(15), ripple=True).result == 15
    assert layout(timeline, "V1") == [("a", 0, 45), ("b", 45, 75), ("c", 75, 105)]


def test_trimming_a_head_before_the_media_starts_stops_at_its_first_frame() -> None:
    timeline, ids = three_shots(gap_after_a=20)
    change = edit_and_check_undo(timeline, lambda: trims.trim_head(timeline, ids["b"], frames(-30)))
    assert change.result == -10  # only 10 frames of media before the in point
    assert layout(timeline, "V1")[:3] == [("a", 0, 30), ("gap", 30, 40), ("b", 40, 80)]
    assert source(timeline, "V1")[1] == (0, 40)


def test_a_head_trim_without_ripple_stops_at_the_previous_clip() -> None:
    timeline, ids = three_shots()
    assert trims.trim_head(timeline, ids["b"], frames(-5)).result == 0
    change = trims.trim_head(timeline, ids["b"], frames(5))
    assert change.result == 5
    assert layout(timeline, "V1") == [("a", 0, 30), ("gap", 30, 35), ("b", 35, 60), ("c", 60, 90)]


def test_ripple_trim_of_a_head_keeps_the_clip_in_place_and_pulls_the_rest() -> None:
    timeline, ids = three_shots()
    edit_and_check_undo(timeline, lambda: trims.trim_head(timeline, ids["b"], frames(10), ripple=True))
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 50), ("c", 50, 80)]
    assert source(timeline, "V1")[1] == (20, 20)


def test_a_clip_keeps_at_least_one_frame() -> None:
    timeline, ids = three_shots()
    assert trims.trim_tail(timeline, ids["a"], frames(-100), ripple=True).result == -29
    assert layout(timeline, "V1")[0] == ("a", 0, 1)


def test_a_still_can_be_held_as_long_as_wanted() -> None:
    timeline = project()
    card = media_clip("card", media_reference("/card.png", None, still=True), 30.0, duration=30)
    edits.append(timeline, {"V1": card})
    assert trims.trim_tail(timeline, document.clip_id(card), frames(3000)).result == 3000
    assert trims.trim_head(timeline, document.clip_id(card), frames(-50), ripple=True).result == -50


def test_slip_changes_what_is_shown_not_where() -> None:
    timeline, ids = three_shots()
    edit_and_check_undo(timeline, lambda: trims.slip(timeline, ids["b"], frames(25)))
    assert source(timeline, "V1")[1] == (35, 30)
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 60), ("c", 60, 90)]
    assert trims.slip(timeline, ids["b"], frames(100)).result == 35  # stops at the media's end
    assert trims.slip(timeline, ids["b"], frames(-500)).result == -70  # and at its start


def test_roll_moves_a_cut_between_two_clips() -> None:
    timeline, _ = three_shots()
    change = edit_and_check_undo(timeline, lambda: trims.roll(timeline, "V1", frames(30), frames(12)))
    assert change.result == 12
    assert layout(timeline, "V1") == [("a", 0, 42), ("b", 42, 60), ("c", 60, 90)]
    assert source(timeline, "V1")[:2] == [(10, 42), (22, 18)]


def test_roll_at_the_first_cut_is_clamped_by_the_media() -> None:
    timeline, _ = three_shots()
    assert trims.roll(timeline, "V1", frames(30), frames(-50)).result == -10  # b has 10 frames before its in
    assert layout(timeline, "V1")[:2] == [("a", 0, 20), ("b", 20, 60)]
    assert trims.roll(timeline, "V1", frames(20), frames(100)).result == 39  # b keeps one frame
    assert layout(timeline, "V1")[:2] == [("a", 0, 59), ("b", 59, 60)]


def test_roll_between_a_gap_and_a_clip() -> None:
    timeline, _ = three_shots(gap_after_a=20)
    trims.roll(timeline, "V1", frames(50), frames(-5))
    assert layout(timeline, "V1")[:3] == [("a", 0, 30), ("gap", 30, 45), ("b", 45, 80)]


def test_roll_where_there_is_no_cut_is_refused() -> None:
    timeline, _ = three_shots()
    with pytest.raises(EditError, match="no cut on V1 at 00:00:00:15"):
        trims.roll(timeline, "V1", frames(15), frames(2))


def test_slide_moves_a_clip_between_its_neighbours() -> None:
    timeline, ids = three_shots()
    change = edit_and_check_undo(timeline, lambda: trims.slide(timeline, ids["b"], frames(8)))
    assert change.result == 8
    assert layout(timeline, "V1") == [("a", 0, 38), ("b", 38, 68), ("c", 68, 90)]
    assert source(timeline, "V1") == [(10, 38), (10, 30), (18, 22)]


def test_slide_is_clamped_by_the_neighbours_media() -> None:
    timeline, ids = three_shots()
    assert trims.slide(timeline, ids["b"], frames(-40)).result == -10  # c has 10 frames before its in
    timeline, ids = three_shots(gap_after_a=6)
    assert trims.slide(timeline, ids["b"], frames(-40)).result == -6  # the gap closes completely
    assert layout(timeline, "V1")[:2] == [("a", 0, 30), ("b", 30, 60)]


def test_a_first_clip_slides_right_but_not_before_zero() -> None:
    timeline, ids = three_shots(gap_after_a=10)
    assert trims.slide(timeline, ids["a"], frames(-5)).result == 0
    assert trims.slide(timeline, ids["a"], frames(4)).result == 4
    assert layout(timeline, "V1")[:3] == [("gap", 0, 4), ("a", 4, 34), ("gap", 34, 40)]


def test_linked_picture_and_sound_trim_together_and_stop_at_the_shorter_media() -> None:
    timeline = project()
    video, audio = av_shot("interview", 30, start=10, media=100)
    edits.append(timeline, {"V1": video, "A1": audio})
    # the sound's media is shorter than the picture's
    audio.media_reference.available_range = audio.media_reference.available_range.duration_extended_by(
        frames(-40)
    )
    change = trims.trim_tail(timeline, document.clip_id(video), frames(100))
    assert change.result == 20
    assert layout(timeline, "V1") == layout(timeline, "A1") == [("interview", 0, 50)]
    trims.slip(timeline, document.clip_id(audio), frames(-4))
    assert source(timeline, "V1") == source(timeline, "A1") == [(6, 50)]


def test_a_linked_cut_rolls_on_both_tracks() -> None:
    timeline = project()
    for name in ("one", "two"):
        video, audio = av_shot(name, 30, start=10, media=100)
        edits.append(timeline, {"V1": video, "A1": audio})
    trims.roll(timeline, "V1", frames(30), frames(6))
    assert layout(timeline, "V1") == layout(timeline, "A1") == [("one", 0, 36), ("two", 36, 60)]


def test_trims_on_a_locked_track_are_refused() -> None:
    timeline, ids = three_shots()
    document.shotline_meta(document.track(timeline, "V1"))["locked"] = True
    before = serialized(timeline)
    with pytest.raises(TrackLockedError):
        trims.trim_tail(timeline, ids["a"], frames(-3))
    with pytest.raises(TrackLockedError):
        trims.roll(timeline, "V1", frames(30), frames(3))
    assert serialized(timeline) == before
