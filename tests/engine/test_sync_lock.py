"""Sync lock: an insert, ripple delete or ripple trim keeps the score and the voice-over with the picture."""

from __future__ import annotations

from engine.project import document, edits, tracks, trims
from tests.support.editing import av_shot, edit_and_check_undo, frames, layout, project, serialized, shot


def scored_cut():
    """V1/A1: a 0-30, b 30-60 (linked sound); A2: voice-over 40-70; A3: music 0-90."""
    timeline = project()
    tracks.add_track(timeline, "audio")
    for name in "ab":
        video, sound = av_shot(name, 30)
        edits.append(timeline, {"V1": video, "A1": sound})
    edits.overwrite(timeline, frames(40), {"A2": shot("voice", 30, audio=True)})
    edits.overwrite(timeline, frames(0), {"A3": shot("music", 90, audio=True)})
    return timeline


def test_tracks_are_sync_locked_until_the_user_turns_it_off() -> None:
    timeline = scored_cut()
    assert all(tracks.track_flags(t).sync_locked for t in document.tracks(timeline))
    tracks.set_track_flags(timeline, "A3", sync_locked=False)
    assert not tracks.track_flags(document.track(timeline, "A3")).sync_locked
    assert document.track(timeline, "A3").metadata["shotline"]["sync_locked"] is False


def test_an_insert_moves_music_and_dialogue_with_the_picture_and_undo_restores_them() -> None:
    timeline = scored_cut()
    before = serialized(timeline)
    change = edit_and_check_undo(
        timeline, lambda: edits.insert(timeline, frames(30), {"V1": shot("new", 12)})
    )
    assert layout(timeline, "V1") == [("a", 0, 30), ("new", 30, 42), ("b", 42, 72)]
    assert layout(timeline, "A1") == [("a", 0, 30), ("gap", 30, 42), ("b", 42, 72)]
    # the voice-over starting after the edit point moves by the insert's length
    assert layout(timeline, "A2") == [("gap", 0, 52), ("voice", 52, 82)]
    # the music across the edit point is split with a gap in it: its second half stays under b
    assert layout(timeline, "A3") == [("music", 0, 30), ("gap", 30, 42), ("music", 42, 102)]
    change.undo()
    assert serialized(timeline) == before


def test_a_track_with_sync_lock_off_stays_where_it_is() -> None:
    timeline = scored_cut()
    tracks.set_track_flags(timeline, "A3", sync_locked=False)
    edits.insert(timeline, frames(30), {"V1": shot("new", 12)})
    assert layout(timeline, "A3") == [("music", 0, 90)]
    assert layout(timeline, "A2") == [("gap", 0, 52), ("voice", 52, 82)]


def test_a_locked_track_is_never_moved() -> None:
    timeline = scored_cut()
    tracks.set_track_flags(timeline, "A2", locked=True)
    edits.insert(timeline, frames(30), {"V1": shot("new", 12)})
    assert layout(timeline, "A2") == [("gap", 0, 40), ("voice", 40, 70)]


def test_ripple_delete_pulls_the_voice_over_up_by_the_deleted_length() -> None:
    timeline = scored_cut()
    a = document.track(timeline, "V1")[0]
    edit_and_check_undo(timeline, lambda: edits.ripple_delete(timeline, [document.clip_id(a)]))
    assert layout(timeline, "V1") == [("b", 0, 30)]
    assert layout(timeline, "A2") == [("gap", 0, 10), ("voice", 10, 40)]
    assert layout(timeline, "A3") == [("music", 0, 60)]


def test_ripple_trim_of_an_out_point_moves_later_sound_by_the_same_frames() -> None:
    timeline = scored_cut()
    a = document.track(timeline, "V1")[0]
    change = edit_and_check_undo(
        timeline, lambda: trims.trim_tail(timeline, document.clip_id(a), frames(-10), ripple=True)
    )
    assert change.result == -10
    assert layout(timeline, "V1") == [("a", 0, 20), ("b", 20, 50)]
    assert layout(timeline, "A2") == [("gap", 0, 30), ("voice", 30, 60)]
    # the music loses the same ten frames where the out point was (a cut in it there)
    assert layout(timeline, "A3") == [("music", 0, 20), ("music", 20, 80)]


def test_ripple_trim_of_an_in_point_takes_the_same_frames_out_of_every_sync_locked_track() -> None:
    timeline = scored_cut()
    b = document.track(timeline, "V1")[1]
    trims.trim_head(timeline, document.clip_id(b), frames(5), ripple=True)
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 55)]
    assert layout(timeline, "A2") == [("gap", 0, 35), ("voice", 35, 65)]
    assert layout(timeline, "A3") == [("music", 0, 30), ("music", 30, 85)]
    # and back out again: the head grows by 5, so every sync-locked track gets 5 frames of room
    b = document.track(timeline, "V1")[1]
    trims.trim_head(timeline, document.clip_id(b), frames(-5), ripple=True)
    assert layout(timeline, "V1") == [("a", 0, 30), ("b", 30, 60)]
    assert layout(timeline, "A2") == [("gap", 0, 40), ("voice", 40, 70)]
    assert layout(timeline, "A3") == [("music", 0, 30), ("gap", 30, 35), ("music", 35, 90)]
    assert layout(timeline, "A1") == [("a", 0, 30), ("b", 30, 60)]
