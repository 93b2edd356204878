"""Track headers: add, remove, rename, reorder, and mute, solo, lock, hide."""

from __future__ import annotations

import pytest

from engine.errors import EditError, TrackLockedError
from engine.project import document, edits, tracks
from engine.project.document import AUDIO, VIDEO
from tests.support.editing import edit_and_check_undo, frames, layout, project, serialized, shot


def names(timeline) -> list[str]:
    return [t.name for t in document.tracks(timeline)]


def test_adding_tracks_names_them_and_keeps_video_below_audio_in_the_stack() -> None:
    timeline = project()
    change = edit_and_check_undo(timeline, lambda: tracks.add_track(timeline, VIDEO))
    assert change.result == "V3"
    tracks.add_track(timeline, "audio")
    tracks.add_track(timeline, "video", name="Titles", index=0)
    assert names(timeline) == ["Titles", "V1", "V2", "V3", "A1", "A2", "A3"]


def test_removing_a_track_takes_its_clips_and_undo_brings_them_back() -> None:
    timeline = project()
    edits.append(timeline, {"V2": shot("title", 30)})
    change = edit_and_check_undo(timeline, lambda: tracks.remove_track(timeline, "V2"))
    assert names(timeline) == ["V1", "A1", "A2"]
    change.undo()
    assert layout(timeline, "V2") == [("title", 0, 30)]


def test_the_last_track_of_a_kind_cannot_be_removed() -> None:
    timeline = project()
    tracks.remove_track(timeline, "A2")
    with pytest.raises(EditError, match="A1 is the last audio track"):
        tracks.remove_track(timeline, "A1")


def test_rename_and_reorder() -> None:
    timeline = project()
    edit_and_check_undo(timeline, lambda: tracks.rename_track(timeline, "A2", "Music"))
    with pytest.raises(EditError, match="already a track named Music"):
        tracks.rename_track(timeline, "A1", "Music")
    with pytest.raises(EditError, match="needs a name"):
        tracks.rename_track(timeline, "A1", "  ")
    edit_and_check_undo(timeline, lambda: tracks.move_track(timeline, "V2", 0))
    assert names(timeline) == ["V2", "V1", "A1", "Music"]
    with pytest.raises(EditError, match="no position 5"):
        tracks.move_track(timeline, "V1", 5)


def test_a_locked_track_refuses_edits_and_unlocks_from_its_header() -> None:
    timeline = project()
    edits.append(timeline, {"V1": shot("a", 30)})
    edit_and_check_undo(timeline, lambda: tracks.set_track_flags(timeline, "V1", locked=True))
    before = serialized(timeline)
    with pytest.raises(TrackLockedError, match="V1 is locked"):
        edits.insert(timeline, frames(0), {"V1": shot("b", 10)})
    assert serialized(timeline) == before
    tracks.set_track_flags(timeline, "V1", locked=False)
    edits.insert(timeline, frames(0), {"V1": shot("b", 10)})
    assert layout(timeline, "V1") == [("b", 0, 10), ("a", 10, 40)]


def test_mute_and_solo_decide_what_is_heard() -> None:
    timeline = project()
    tracks.add_track(timeline, AUDIO)
    heard = lambda: [t.name for t in tracks.audible_tracks(timeline)]  # noqa: E731
    assert heard() == ["A1", "A2", "A3"]
    tracks.set_track_flags(timeline, "A1", muted=True)
    assert heard() == ["A2", "A3"]
    assert document.track(timeline, "A1").enabled is False  # other OTIO tools see it muted
    tracks.set_track_flags(timeline, "A3", solo=True)
    assert heard() == ["A3"]
    tracks.set_track_flags(timeline, "A1", solo=True)
    assert heard() == ["A3"]  # a muted track stays silent even when soloed
    tracks.set_track_flags(timeline, "A1", muted=False)
    assert heard() == ["A1", "A3"]


def test_hidden_video_tracks_are_left_out_of_the_picture() -> None:
    timeline = project()
    tracks.set_track_flags(timeline, "V2", hidden=True)
    assert [t.name for t in tracks.visible_video_tracks(timeline)] == ["V1"]
    assert tracks.track_flags(document.track(timeline, "V2")).hidden
    with pytest.raises(EditError, match="No track flag"):
        tracks.set_track_flags(timeline, "V2")
