"""Placing, removing, cutting and moving clips, as an editor does with the mouse and keys."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError, TrackLockedError
from engine.project import document, edits, links, tracks
from tests.support.editing import (
    av_shot,
    edit_and_check_undo,
    frames,
    layout,
    link_of,
    project,
    serialized,
    shot,
    source,
)


def cut_of_three():
    """V1: a 0-30, b 30-60, c 60-90."""
    timeline = project()
    for name in "abc":
        edits.append(timeline, {"V1": shot(name, 30, start=10)})
    return timeline


def test_append_puts_clips_end_to_end() -> None:
    timeline = cut_of_three()
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 60), ("c", 60, 90)]
    assert source(timeline, "V1") == [(10, 30)] * 3


def test_append_of_a_linked_pair_keeps_picture_and_sound_in_sync() -> None:
    timeline = project()
    edits.append(timeline, {"A1": shot("music", 50, audio=True)})
    video, audio = av_shot("interview", 20)
    edit_and_check_undo(timeline, lambda: edits.append(timeline, {"V1": video, "A1": audio}))
    assert layout(timeline, "V1") == [("gap", 0, 50), ("interview", 50, 70)]
    assert layout(timeline, "A1") == [("music", 0, 50), ("interview", 50, 70)]


def test_insert_in_the_middle_of_a_clip_splits_it_and_pushes_the_rest_later() -> None:
    timeline = cut_of_three()
    change = edit_and_check_undo(
        timeline, lambda: edits.insert(timeline, frames(40), {"V1": shot("new", 15)})
    )
    assert layout(timeline, "V1") == [
        ("a", 0, 30),
        ("b", 30, 40),
        ("new", 40, 55),
        ("b", 55, 75),
        ("c", 75, 105),
    ]
    assert source(timeline, "V1")[1:4] == [(10, 10), (0, 15), (20, 20)]
    assert change.result == [document.clip_id(document.track(timeline, "V1")[2])]


def test_insert_at_the_start_and_past_the_end() -> None:
    timeline = cut_of_three()
    edits.insert(timeline, frames(0), {"V1": shot("first", 5)})
    edits.insert(timeline, frames(120), {"V1": shot("late", 5)})
    assert layout(timeline, "V1") == [
        ("first", 0, 5), ("a", 5, 35), ("b", 35, 65), ("c", 65, 95), ("gap", 95, 120), ("late", 120, 125),
    ]  # fmt: skip


def test_insert_only_moves_the_tracks_it_goes_on_when_the_others_are_not_sync_locked() -> None:
    timeline = cut_of_three()
    edits.append(timeline, {"V2": shot("title", 90)})
    tracks.set_track_flags(timeline, "V2", sync_locked=False)
    edits.insert(timeline, frames(30), {"V1": shot("new", 10)})
    assert layout(timeline, "V2") == [("title", 0, 90)]


def test_overwrite_across_several_clips_and_gaps_keeps_the_uncovered_parts() -> None:
    timeline = cut_of_three()
    edits.lift(timeline, [document.clip_id(document.track(timeline, "V1")[1])])  # gap 30-60
    edit_and_check_undo(
        timeline, lambda: edits.overwrite(timeline, frames(20), {"V1": shot("over", 50, start=100)})
    )
    assert layout(timeline, "V1") == [("a", 0, 20), ("over", 20, 70), ("c", 70, 90)]
    assert source(timeline, "V1") == [(10, 20), (100, 50), (20, 20)]


def test_overwrite_past_the_end_of_the_track_fills_with_a_gap() -> None:
    timeline = cut_of_three()
    edits.overwrite(timeline, frames(80), {"V1": shot("tail", 30)})
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 60), ("c", 60, 80), ("tail", 80, 110)]
    edits.overwrite(timeline, frames(130), {"V1": shot("far", 10)})
    assert layout(timeline, "V1")[-2:] == [("gap", 110, 130), ("far", 130, 140)]


def test_lift_leaves_a_gap_and_ripple_delete_closes_it() -> None:
    timeline = cut_of_three()
    b = document.clip_id(document.track(timeline, "V1")[1])
    edit_and_check_undo(timeline, lambda: edits.lift(timeline, [b]))
    assert layout(timeline, "V1") == [("a", 0, 30), ("gap", 30, 60), ("c", 60, 90)]
    timeline = cut_of_three()
    b = document.clip_id(document.track(timeline, "V1")[1])
    edit_and_check_undo(timeline, lambda: edits.ripple_delete(timeline, [b]))
    assert layout(timeline, "V1") == [("a", 0, 30), ("c", 30, 60)]


def test_ripple_delete_of_the_last_clip_shortens_the_track() -> None:
    timeline = cut_of_three()
    c = document.clip_id(document.track(timeline, "V1")[2])
    edits.ripple_delete(timeline, [c])
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 60)]


def test_deleting_a_linked_clip_deletes_its_sound_too_until_unlinked() -> None:
    timeline = project()
    video, audio = av_shot("interview", 40)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.append(timeline, {"V1": shot("broll", 20)})
    edits.ripple_delete(timeline, [document.clip_id(video)])
    assert layout(timeline, "V1") == [("broll", 0, 20)]
    assert layout(timeline, "A1") == []

    timeline = project()
    video, audio = av_shot("interview", 40)
    edits.append(timeline, {"V1": video, "A1": audio})
    links.unlink(timeline, [document.clip_id(video)])
    edits.lift(timeline, [document.clip_id(video)])
    assert layout(timeline, "A1") == [("interview", 0, 40)]


def test_blade_cuts_every_unlocked_track_and_links_the_new_halves() -> None:
    timeline = project()
    video, audio = av_shot("interview", 60)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.append(timeline, {"V2": shot("title", 60)})
    change = edit_and_check_undo(timeline, lambda: edits.slice(timeline, frames(25)))
    assert len(change.result) == 3
    for name in ("V1", "A1"):
        assert [(s, e) for _, s, e in layout(timeline, name)] == [(0, 25), (25, 60)]
    v_left, v_right = document.track(timeline, "V1")
    a_left, a_right = document.track(timeline, "A1")
    assert link_of(v_left) == link_of(a_left) != link_of(v_right) == link_of(a_right)
    assert source(timeline, "A1") == [(0, 25), (25, 35)]


def test_blade_on_one_track_still_cuts_the_linked_sound() -> None:
    timeline = project()
    video, audio = av_shot("interview", 60)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.append(timeline, {"V2": shot("title", 60)})
    edits.slice(timeline, frames(30), ["V1"])
    assert len(layout(timeline, "A1")) == 2
    assert layout(timeline, "V2") == [("title", 0, 60)]


def test_blade_at_a_cut_or_over_a_gap_changes_nothing() -> None:
    timeline = cut_of_three()
    before = serialized(timeline)
    assert edits.slice(timeline, frames(30)).result == []
    assert edits.slice(timeline, frames(500)).result == []
    assert serialized(timeline) == before


def test_blade_on_a_locked_track_is_refused_but_blade_all_skips_it() -> None:
    timeline = cut_of_three()
    edits.append(timeline, {"V2": shot("title", 90)})
    document.shotline_meta(document.track(timeline, "V1"))["locked"] = True
    before = serialized(timeline)
    with pytest.raises(TrackLockedError):
        edits.slice(timeline, frames(10), ["V1"])
    assert serialized(timeline) == before
    edits.slice(timeline, frames(10))
    assert len(layout(timeline, "V1")) == 3 and len(layout(timeline, "V2")) == 2


def test_move_to_another_track_overwrites_what_it_lands_on() -> None:
    timeline = cut_of_three()
    edits.append(timeline, {"V2": shot("title", 90)})
    b = document.clip_id(document.track(timeline, "V1")[1])
    edit_and_check_undo(timeline, lambda: edits.move(timeline, b, frames(45), "V2"))
    assert layout(timeline, "V1") == [("a", 0, 30), ("gap", 30, 60), ("c", 60, 90)]
    assert layout(timeline, "V2") == [("title", 0, 45), ("b", 45, 75), ("title", 75, 90)]


def test_move_onto_its_own_old_place() -> None:
    timeline = cut_of_three()
    b = document.clip_id(document.track(timeline, "V1")[1])
    edits.move(timeline, b, frames(40))
    assert layout(timeline, "V1") == [("a", 0, 30), ("gap", 30, 40), ("b", 40, 70), ("c", 70, 90)]
    edits.move(timeline, b, frames(10))
    assert layout(timeline, "V1") == [("a", 0, 10), ("b", 10, 40), ("gap", 40, 70), ("c", 70, 90)]


def test_moving_a_linked_clip_moves_its_sound_by_the_same_amount() -> None:
    timeline = project()
    video, audio = av_shot("interview", 30)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.move(timeline, document.clip_id(video), frames(50), "V2")
    assert layout(timeline, "V2") == [("gap", 0, 50), ("interview", 50, 80)]
    assert layout(timeline, "A1") == [("gap", 0, 50), ("interview", 50, 80)]
    assert layout(timeline, "V1") == []


def test_bad_requests_are_refused_with_readable_messages_and_change_nothing() -> None:
    timeline = cut_of_three()
    before = serialized(timeline)
    b = document.clip_id(document.track(timeline, "V1")[1])
    with pytest.raises(EditError, match="before the start"):
        edits.insert(timeline, frames(-1), {"V1": shot("x", 5)})
    with pytest.raises(EditError, match="frame boundary"):
        edits.insert(timeline, otio.opentime.RationalTime(1, 60), {"V1": shot("x", 5)})
    with pytest.raises(EditError, match="audio clip and cannot go on track V1"):
        edits.append(timeline, {"V1": shot("x", 5, audio=True)})
    with pytest.raises(EditError, match="no track named"):
        edits.append(timeline, {"V9": shot("x", 5)})
    with pytest.raises(EditError, match="No clip with id"):
        edits.lift(timeline, ["missing"])
    with pytest.raises(EditError, match="another kind of track"):
        edits.move(timeline, b, frames(0), "A1")
    with pytest.raises(EditError, match="already on the timeline"):
        edits.append(timeline, {"V2": document.track(timeline, "V1")[0]})
    assert serialized(timeline) == before
