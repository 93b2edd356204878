"""Dragging edges: trim, ripple trim, slip, roll and slide, clamped where NLEs stop."""

from __future__ import annotations

import pytest

from engine.errors import EditError, TrackLockedError
from engine.project import document, edits, links, transitions, trims
from engine.project.clips import media_clip, media_reference
from engine.project.document import Transition
from engine.project.times import RationalTime, tr
from tests.support.editing import (
    av_shot,
    edit_and_check_undo,
    frames,
    layout,
    project,
    serialized,
    shot,
    source,
)


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


def test_trimming_a_clip_down_to_nothing_is_refused_but_one_frame_is_fine() -> None:
    timeline, ids = three_shots()
    before = serialized(timeline)
    with pytest.raises(
        EditError, match="a is 30 frame\\(s\\) long: trimming 30 frame\\(s\\) would leave nothing"
    ):
        trims.trim_tail(timeline, ids["a"], frames(-30), ripple=True)
    with pytest.raises(EditError, match="would leave nothing"):
        trims.trim_head(timeline, ids["b"], frames(100))
    assert serialized(timeline) == before
    assert trims.trim_tail(timeline, ids["a"], frames(-29), ripple=True).result == -29
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


def test_the_room_to_slip_is_what_slip_applies_and_names_what_stops_it() -> None:
    timeline, ids = three_shots()
    room = trims.slip_room(timeline, ids["b"])
    # b shows source 10-40 of 100 frames: 10 frames of media before its in point, 60 after its out
    assert (room.earliest, room.left_stop) == (-10, "b on V1 shows the first frame of its media")
    assert (room.latest, room.right_stop) == (60, "b on V1 shows the last frame of its media")
    assert trims.slip(timeline, ids["b"], frames(75)).result == room.latest


def test_a_linked_slip_is_stopped_by_the_shorter_media_and_says_which() -> None:
    timeline = project()
    video, sound = av_shot("City", 20, start=10, media=100)
    edits.append(timeline, {"V1": video, "A1": sound})
    sound.media_reference.available_range = tr(0, 35, 30.0)  # the sound file ends at frame 35
    room = trims.slip_room(timeline, document.clip_id(video))
    assert (room.latest, room.right_stop) == (5, "City on A1 shows the last frame of its media")
    assert (room.earliest, room.left_stop) == (-10, "City on V1 shows the first frame of its media")


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


def test_the_room_to_slide_names_what_stops_it_each_way() -> None:
    timeline, ids = three_shots()
    room = trims.slide_room(timeline, ids["b"])
    # c shows source 10-40: 10 frames before its in point; 29 frames to give before it has one left
    assert (room.earliest, room.left_stop) == (-10, "c on V1 has no more media")
    assert (room.latest, room.right_stop) == (29, "c on V1 keeps its first frame")
    room = trims.slide_room(timeline, ids["a"])
    assert (room.earliest, room.left_stop) == (0, "a is at the start of V1")
    timeline, ids = three_shots(gap_after_a=6)
    room = trims.slide_room(timeline, ids["b"])
    assert (room.earliest, room.left_stop) == (-6, "the gap before b on V1 closes")
    room = trims.slide_room(timeline, ids["c"])  # the last clip: nothing after it to trim
    assert (room.latest, room.right_stop) == (60, "b on V1 has no more media")


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


def av_shots(*names: str):
    """V1 and A1: linked picture and sound of each name, 30 frames showing source 10-40 of 100."""
    timeline = project()
    pairs = {}
    for name in names:
        video, audio = av_shot(name, 30, start=10, media=100)
        edits.append(timeline, {"V1": video, "A1": audio})
        pairs[name] = (video, audio)
    return timeline, pairs


def test_bad_requests_are_refused_and_a_zero_trim_changes_nothing() -> None:
    timeline, ids = three_shots()
    before = serialized(timeline)
    with pytest.raises(EditError, match="No clip with id 'nope'"):
        trims.trim_tail(timeline, "nope", frames(5))
    with pytest.raises(EditError, match="not on a frame boundary"):
        trims.slip(timeline, ids["a"], RationalTime(1, 60))  # half a frame at 30 fps
    with pytest.raises(EditError, match="no track named 'V9'"):
        trims.roll(timeline, "V9", frames(30), frames(2))
    assert serialized(timeline) == before
    change = trims.trim_head(timeline, ids["b"], frames(0))
    assert change.result == 0
    assert serialized(timeline) == before


def test_a_head_trim_stops_at_the_start_of_the_timeline_unless_it_ripples() -> None:
    timeline, ids = three_shots()
    assert trims.trim_head(timeline, ids["a"], frames(-5)).result == 0
    change = edit_and_check_undo(
        timeline, lambda: trims.trim_head(timeline, ids["a"], frames(-5), ripple=True)
    )
    assert change.result == -5
    assert layout(timeline, "V1") == [("a", 0, 35), ("b", 35, 65), ("c", 65, 95)]
    assert source(timeline, "V1")[0] == (5, 35)


def test_ripple_trims_of_linked_clips_shift_picture_and_sound_alike() -> None:
    timeline, pairs = av_shots("one", "two")
    ident = document.clip_id(pairs["one"][0])
    change = edit_and_check_undo(timeline, lambda: trims.trim_tail(timeline, ident, frames(-12), ripple=True))
    assert change.result == -12
    assert layout(timeline, "V1") == layout(timeline, "A1") == [("one", 0, 18), ("two", 18, 48)]
    edit_and_check_undo(timeline, lambda: trims.trim_head(timeline, ident, frames(-7), ripple=True))
    assert layout(timeline, "V1") == layout(timeline, "A1") == [("one", 0, 25), ("two", 25, 55)]
    assert source(timeline, "V1") == source(timeline, "A1") == [(3, 25), (10, 30)]


def test_a_linked_trim_stops_where_either_track_meets_a_clip() -> None:
    timeline, pairs = av_shots("one")
    edits.overwrite(timeline, frames(30), {"A1": shot("music", 30, audio=True)})
    edits.overwrite(timeline, frames(40), {"V1": shot("title", 30)})
    ident = document.clip_id(pairs["one"][0])
    assert trims.trim_tail(timeline, ident, frames(8)).result == 0  # the music is right after the sound
    edit_and_check_undo(timeline, lambda: trims.trim_tail(timeline, ident, frames(-5)))
    assert layout(timeline, "V1") == [("one", 0, 25), ("gap", 25, 40), ("title", 40, 70)]
    assert layout(timeline, "A1") == [("one", 0, 25), ("gap", 25, 30), ("music", 30, 60)]


def test_a_trim_that_touches_a_locked_partner_track_is_refused() -> None:
    timeline, pairs = av_shots("one", "two")
    document.shotline_meta(document.track(timeline, "A1"))["locked"] = True
    before = serialized(timeline)
    for edit in (
        lambda: trims.trim_head(timeline, document.clip_id(pairs["two"][0]), frames(4), ripple=True),
        lambda: trims.slip(timeline, document.clip_id(pairs["one"][0]), frames(2)),
        lambda: trims.slide(timeline, document.clip_id(pairs["two"][0]), frames(-2)),
        lambda: trims.roll(timeline, "V1", frames(30), frames(2)),
    ):
        with pytest.raises(TrackLockedError, match="A1 is locked"):
            edit()
    assert serialized(timeline) == before


def test_a_clip_already_past_its_media_can_shrink_but_is_never_pushed_the_other_way() -> None:
    timeline, ids = three_shots()
    _, clip = document.find_clip(timeline, ids["c"])
    clip.media_reference.available_range = tr(0, 30, 30.0)  # relinked to a shorter file: c shows 10-40
    assert trims.trim_tail(timeline, ids["c"], frames(5)).result == 0
    assert trims.slip(timeline, ids["c"], frames(3)).result == 0
    assert source(timeline, "V1")[2] == (10, 30)
    assert trims.slip(timeline, ids["c"], frames(-4)).result == -4
    assert source(timeline, "V1")[2] == (6, 30)


def test_rolling_a_picture_cut_trims_the_sound_too_when_the_next_shot_is_silent() -> None:
    timeline, _ = av_shots("one")
    edits.append(timeline, {"V1": shot("title", 30, start=10, media=100)})
    change = edit_and_check_undo(timeline, lambda: trims.roll(timeline, "V1", frames(30), frames(6)))
    assert change.result == 6
    assert layout(timeline, "V1") == [("one", 0, 36), ("title", 36, 60)]
    assert layout(timeline, "A1") == [("one", 0, 36)]
    trims.roll(timeline, "V1", frames(36), frames(-16))
    assert layout(timeline, "A1") == [("one", 0, 20)]
    assert source(timeline, "V1") == [(10, 20), (0, 40)]


def test_a_linked_roll_is_clamped_by_the_more_limited_sound_media() -> None:
    timeline, pairs = av_shots("one", "two")
    sound = pairs["two"][1]
    sound.media_reference.available_range = tr(5, 95, 30.0)  # the sound has 5 frames before its in point
    change = edit_and_check_undo(timeline, lambda: trims.roll(timeline, "V1", frames(30), frames(-20)))
    assert change.result == -5  # the picture alone would allow 10
    assert layout(timeline, "V1") == layout(timeline, "A1") == [("one", 0, 25), ("two", 25, 60)]


def test_a_split_edit_keeps_its_offset_when_the_picture_cut_rolls() -> None:
    timeline, pairs = av_shots("one", "two")
    ids = {name: [document.clip_id(c) for c in pair] for name, pair in pairs.items()}
    # the user unlinks, rolls the sound cut 10 frames later (an L-cut) and links each shot again
    links.unlink(timeline, ids["one"] + ids["two"])
    trims.roll(timeline, "A1", frames(30), frames(10))
    links.link(timeline, ids["one"])
    links.link(timeline, ids["two"])
    edit_and_check_undo(timeline, lambda: trims.roll(timeline, "V1", frames(30), frames(5)))
    assert layout(timeline, "V1") == [("one", 0, 35), ("two", 35, 60)]
    assert layout(timeline, "A1") == [("one", 0, 45), ("two", 45, 60)]
    # the sound of "two" is shorter, so it stops the roll at one frame
    assert trims.roll(timeline, "V1", frames(35), frames(30)).result == 14
    assert layout(timeline, "V1") == [("one", 0, 49), ("two", 49, 60)]
    assert layout(timeline, "A1") == [("one", 0, 59), ("two", 59, 60)]


def test_roll_where_the_incoming_side_is_a_gap_may_close_it() -> None:
    timeline, _ = three_shots(gap_after_a=20)
    edit_and_check_undo(timeline, lambda: trims.roll(timeline, "V1", frames(30), frames(15)))
    assert layout(timeline, "V1")[:3] == [("a", 0, 45), ("gap", 45, 50), ("b", 50, 80)]
    assert trims.roll(timeline, "V1", frames(45), frames(10)).result == 5
    assert layout(timeline, "V1")[:2] == [("a", 0, 50), ("b", 50, 80)]


def test_slide_between_two_gaps_stops_when_a_gap_closes() -> None:
    timeline = project()
    edits.overwrite(timeline, frames(10), {"V1": shot("a", 30, start=10, media=100)})
    edits.overwrite(timeline, frames(60), {"V1": shot("b", 30, start=10, media=100)})
    ident = document.clip_id(document.track(timeline, "V1")[1])
    edit_and_check_undo(timeline, lambda: trims.slide(timeline, ident, frames(4)))
    assert layout(timeline, "V1") == [("gap", 0, 14), ("a", 14, 44), ("gap", 44, 60), ("b", 60, 90)]
    assert trims.slide(timeline, ident, frames(-40)).result == -14
    assert layout(timeline, "V1") == [("a", 0, 30), ("gap", 30, 60), ("b", 60, 90)]
    assert trims.slide(timeline, ident, frames(40)).result == 30
    assert layout(timeline, "V1") == [("gap", 0, 30), ("a", 30, 60), ("b", 60, 90)]
    assert source(timeline, "V1") == [(10, 30), (10, 30)]


def test_sliding_linked_shots_is_clamped_by_the_sound_of_the_next_shot() -> None:
    timeline, pairs = av_shots("one", "two", "three")
    pairs["three"][1].media_reference.available_range = tr(7, 93, 30.0)  # 3 frames before its in point
    ident = document.clip_id(pairs["two"][1])
    change = edit_and_check_undo(timeline, lambda: trims.slide(timeline, ident, frames(-10)))
    assert change.result == -3
    expected = [("one", 0, 27), ("two", 27, 57), ("three", 57, 90)]
    assert layout(timeline, "V1") == layout(timeline, "A1") == expected
    assert source(timeline, "V1") == source(timeline, "A1") == [(10, 27), (10, 30), (7, 33)]


def test_a_dissolve_survives_a_roll_within_its_handles_and_goes_when_they_are_used_up() -> None:
    timeline, ids = three_shots()
    transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(10))  # 5 frames each side of the cut
    trims.roll(timeline, "V1", frames(30), frames(-4))  # b keeps 6 frames of media before its in point
    assert any(isinstance(item, Transition) for item in document.track(timeline, "V1"))
    trims.trim_head(timeline, ids["b"], frames(-3), ripple=True)  # now only 3: too few for the dissolve
    assert not any(isinstance(item, Transition) for item in document.track(timeline, "V1"))
