"""Regenerating a shot: the spec asks for exactly the clip's frames, the result becomes a take."""

from __future__ import annotations

from pathlib import Path

import pytest
from editing import RATE, shot
from test_jobs import Recorder

from engine.errors import GenerateError
from engine.generate.registry import default_registry
from engine.generate.shot import shot_defaults, shot_spec, take_from_result
from engine.jobs.queue import JobQueue
from engine.jobs.spec import JobSpec
from engine.project import document, edits, takes, trackedit
from engine.project.document import new_project


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
    jobs = JobQueue(default_registry(), recorder)
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
