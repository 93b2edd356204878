"""Regenerating a shot: the spec asks for exactly the clip's frames, the result becomes a take."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.errors import GenerateError
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.generate.video.timeline import shot_defaults, shot_spec, take_from_result, transition_handles
from engine.jobs.spec import JobSpec
from engine.media.reference import clips_for
from engine.project import document, edits, takes, trackedit, transitions
from engine.project.document import new_project
from engine.project.times import rt
from engine.render.video import video_frame
from tests.support.editing import RATE, shot
from tests.support.mediagen import write_video
from tests.support.recorder import Recorder


def test_a_regenerated_shot_becomes_a_take_of_exactly_the_clips_length(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE, size=(96, 54))
    edits.append(timeline, {"V1": shot("Harbour", 40, start=10)})
    edits.append(timeline, {"V1": shot("Pier", 20)})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    defaults = shot_defaults(timeline, ident)
    assert defaults.frames == 40 and defaults.values["prompt"] == "Harbour"

    spec = shot_spec(timeline, ident, {"prompt": "A harbour at dawn", "seed": 5}, cache_dir=tmp_path)
    assert spec["params"]["frames"] == 40 and spec["params"]["size"] == "96x54"
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        job = jobs.submit(JobSpec.from_json(spec))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    result = recorder.of("done", job)[0][2].to_json()
    reference, made = take_from_result(result, RATE)
    takes.add_take(timeline, ident, reference, made)

    track, clip = document.find_clip(timeline, ident)
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]
    assert clip.active_media_reference_key == "take-2"
    assert trackedit.duration_frames(clip, RATE) == 40
    assert [s.start for s in trackedit.layout(track, RATE)] == [0, 40]  # nothing moved
    # the dialog for the next regenerate starts from what made this take
    again = shot_defaults(timeline, ident)
    assert again.backend == "animatic" and again.values["prompt"] == "A harbour at dawn"
    assert again.values["seed"] == 5


def test_sound_clips_are_not_regenerated_as_pictures() -> None:
    timeline = new_project("film", rate=RATE)
    edits.append(timeline, {"A1": shot("Voice", 30, audio=True)})
    ident = document.clip_id(document.track(timeline, "A1")[0])
    with pytest.raises(GenerateError, match="is sound"):
        shot_defaults(timeline, ident)


def test_a_result_at_another_rate_is_refused() -> None:
    with pytest.raises(GenerateError, match="not the project's"):
        take_from_result({"files": ["/x.mp4"], "provenance": {"frames": 3, "rate": "24/1"}}, 30.0)
    with pytest.raises(GenerateError, match="names no video"):
        take_from_result({"files": []}, 30.0)


def dissolved_film(folder: Path) -> tuple[otio.schema.Timeline, str]:
    """Three shots of real footage, 10-frame dissolves on both cuts of the middle one."""
    timeline = new_project("film", rate=RATE, size=(64, 36))
    for name, color in (("A", (220, 40, 40)), ("B", (40, 220, 40)), ("C", (40, 40, 220))):
        footage = write_video(folder / f"{name}.mp4", frames=60, size=(64, 36), color=color)
        (picture,) = clips_for(footage, RATE, 20, 10)[:1]
        picture.name = name
        edits.append(timeline, {"V1": picture})
    transitions.add_cross_dissolve(timeline, "V1", rt(20, RATE), rt(10, RATE))
    transitions.add_cross_dissolve(timeline, "V1", rt(40, RATE), rt(10, RATE))
    middle = document.clip_id(document.track(timeline, "V1")[2])
    return timeline, middle


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def regenerate(timeline: otio.schema.Timeline, ident: str, values: dict, cache: Path) -> None:
    spec = shot_spec(timeline, ident, values, cache_dir=cache)
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        job = jobs.submit(JobSpec.from_json(spec))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    reference, made = take_from_result(recorder.of("done", job)[0][2].to_json(), RATE)
    takes.add_take(timeline, ident, reference, made)


def test_a_regenerated_shot_between_dissolves_gets_handles_and_keeps_both_dissolves(tmp_path: Path) -> None:
    timeline, middle = dissolved_film(tmp_path)
    assert transition_handles(timeline, middle) == (5, 5)
    spec = shot_spec(timeline, middle, {"prompt": "A green field"})
    assert spec["params"]["frames"] == 30 and (spec["params"]["head"], spec["params"]["tail"]) == (5, 5)
    first = document.clip_id(document.track(timeline, "V1")[0])
    outgoing = shot_spec(timeline, first, {"prompt": "x"})["params"]  # A has a tail only
    assert (outgoing["frames"], outgoing["head"], outgoing["tail"]) == (25, 0, 5)

    regenerate(timeline, middle, {"prompt": "A green field", "seed": 2}, tmp_path / "cache")
    track, clip = document.find_clip(timeline, middle)
    assert clip.active_media_reference_key == "take-2"
    assert trackedit.source_frames(clip, RATE) == (5, 20)  # the visible frames start after the head
    dissolves = [item for item in track if isinstance(item, otio.schema.Transition)]
    assert len(dissolves) == 2
    assert [s.start for s in trackedit.layout(track, RATE)] == [0, 20, 40]

    # the dissolve renders through the new take: at the cut, half A, half the take's frame 5
    take = frames_of(Path(clip.media_reference.target_url.removeprefix("file://")))
    assert len(take) == 30
    before = video_frame(timeline, 15).astype(float)  # A alone
    at_cut = video_frame(timeline, 20).astype(float)
    expected = (before + take[5].astype(float)) / 2
    assert np.abs(at_cut - expected).mean() < 8
    assert np.abs(video_frame(timeline, 30).astype(float) - take[15]).mean() < 4  # the take alone


def test_a_clip_without_dissolves_asks_for_its_frames_only(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE, size=(96, 54))
    edits.append(timeline, {"V1": shot("Harbour", 40, start=10)})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    assert transition_handles(timeline, ident) == (0, 0)
    params = shot_spec(timeline, ident, {"prompt": "x"})["params"]
    assert params["frames"] == 40 and "head" not in params and "tail" not in params
