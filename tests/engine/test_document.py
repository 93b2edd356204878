"""A new project, its settings, and how clips are found and identified."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.project import document
from engine.project.clips import linked_av, media_clip, media_reference
from engine.project.document import AUDIO, VIDEO, new_project
from engine.project.times import rt, to_frames, tr


def test_a_new_project_has_named_video_and_audio_tracks_at_30_fps_1080p() -> None:
    timeline = new_project("Short film")
    assert [t.name for t in document.tracks(timeline)] == ["V1", "V2", "A1", "A2"]
    assert [t.name for t in document.tracks(timeline, VIDEO)] == ["V1", "V2"]
    assert [t.name for t in document.tracks(timeline, AUDIO)] == ["A1", "A2"]
    settings = document.settings(timeline)
    assert (settings.rate, settings.width, settings.height) == (30.0, 1920, 1080)


@pytest.mark.parametrize("label", ["23.976", "24", "25", "29.97", "50", "60"])
def test_every_broadcast_rate_is_accepted_exactly(label: str) -> None:
    timeline = new_project(rate=label)
    rate = document.settings(timeline).rate
    # a ten-minute timeline at that rate is a whole number of frames
    assert to_frames(rt(round(rate * 600), rate), rate) == round(rate * 600)
    assert timeline.global_start_time.rate == rate


def test_odd_rates_and_sizes_are_refused_with_a_readable_message() -> None:
    with pytest.raises(EditError, match="17 fps"):
        new_project(rate=17)
    with pytest.raises(EditError, match="1921x1080"):
        new_project(size=(1921, 1080))


def test_a_project_survives_plain_otio_serialization() -> None:
    timeline = new_project(rate="29.97", size=(1280, 720))
    again = otio.adapters.read_from_string(otio.adapters.write_to_string(timeline))
    assert document.settings(again) == document.settings(timeline)


def test_times_between_frames_are_refused() -> None:
    with pytest.raises(EditError, match="frame boundary"):
        to_frames(otio.opentime.RationalTime(1, 48), 30.0)


def test_clips_keep_stable_ids_and_can_be_found() -> None:
    timeline = new_project()
    ref = media_reference("/media/a.mp4", tr(0, 300, 30.0))
    clip = media_clip("a", ref, 30.0, duration=60)
    document.track(timeline, "V1").append(clip)
    ident = document.clip_id(clip)
    assert document.clip_id(clip) == ident
    found_track, found = document.find_clip(timeline, ident)
    assert found is clip and found_track.name == "V1"
    with pytest.raises(EditError, match="No clip"):
        document.find_clip(timeline, "nope")


def test_copied_clips_get_fresh_ids_when_a_foreign_timeline_is_adopted() -> None:
    timeline = new_project()
    clip = media_clip("a", media_reference("/m.mp4", tr(0, 30, 30.0)), 30.0)
    v1 = document.track(timeline, "V1")
    v1.append(clip)
    v1.append(clip.clone())  # same id twice, as a copy-paste in another tool would leave it
    document.ensure_ids(timeline)
    ids = [document.clip_id(c) for c in v1]
    assert len(set(ids)) == 2


def test_a_file_with_picture_and_sound_becomes_two_linked_clips() -> None:
    ref = media_reference("/m.mp4", tr(0, 90, 30.0))
    video, audio = linked_av("interview", ref, 30.0, duration=45, source_start=10)
    assert video.metadata["shotline"]["link"] == audio.metadata["shotline"]["link"]
    assert video.metadata["shotline"]["kind"] == "video"
    assert audio.metadata["shotline"]["kind"] == "audio"
    assert video.source_range == audio.source_range == tr(10, 45, 30.0)


def test_a_25fps_file_on_a_30fps_timeline_is_measured_in_project_frames() -> None:
    # 10 s of 25 fps media: 250 source frames = 300 project frames
    ref = media_reference("/pal.mp4", tr(0, 250, 25.0))
    clip = media_clip("pal", ref, 30.0)
    assert clip.source_range == tr(0, 300, 30.0)


def test_a_range_outside_the_media_is_refused() -> None:
    ref = media_reference("/m.mp4", tr(0, 30, 30.0))
    with pytest.raises(EditError, match="outside the media"):
        media_clip("m", ref, 30.0, duration=20, source_start=20)
    with pytest.raises(EditError, match="a still needs a duration"):
        media_clip("still", media_reference("/s.png", None, still=True), 30.0)
