"""Music and voice-over tracks keep their role through renames, saves and undo."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.project import document, roles, tracks


def _timeline():
    return document.new_project("Film")


def test_a_music_track_is_made_once_named_for_its_role_and_undo_removes_it():
    timeline = _timeline()
    change = roles.add_role_track(timeline, roles.MUSIC)
    assert change.result == "Music"
    assert [t.name for t in roles.role_tracks(timeline, roles.MUSIC)] == ["Music"]
    second = roles.add_role_track(timeline, roles.MUSIC)
    assert second.result == "Music 2"
    second.undo()
    change.undo()
    assert roles.role_tracks(timeline, roles.MUSIC) == []
    change.redo()
    assert roles.track_role(document.track(timeline, "Music")) == roles.MUSIC


def test_the_role_survives_a_rename_and_a_round_trip_through_otio():
    timeline = _timeline()
    roles.add_role_track(timeline, roles.VOICE)
    tracks.rename_track(timeline, "Voice-over", "Narration")
    again = otio.adapters.read_from_string(otio.adapters.write_to_string(timeline))
    assert [t.name for t in roles.role_tracks(again, roles.VOICE)] == ["Narration"]


def test_any_audio_track_can_be_given_a_role_but_not_a_video_track():
    timeline = _timeline()
    audio = document.tracks(timeline, document.AUDIO)[0].name
    roles.set_track_role(timeline, audio, roles.MUSIC).undo()
    assert roles.track_role(document.track(timeline, audio)) is None
    video = document.tracks(timeline, document.VIDEO)[0].name
    with pytest.raises(EditError, match="video track"):
        roles.set_track_role(timeline, video, roles.MUSIC)
