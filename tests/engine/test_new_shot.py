"""Generate Shot at engine level: a spec for a length, a clip from the result, placed as one edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import GenerateError
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.generate.video.new_shot import generated_clip, named_result_file, new_shot_spec, place_generated
from engine.jobs.spec import JobSpec
from engine.project import document, edits, provenance, takes, trackedit
from engine.project.document import new_project
from tests.support.editing import RATE, frames, layout, shot
from tests.support.recorder import Recorder


def run(spec: dict) -> dict:
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        job = jobs.submit(JobSpec.from_json(spec))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    return recorder.of("done", job)[0][2].to_json()


def test_a_new_shot_fills_a_gap_as_a_generated_clip_whose_first_take_is_the_result(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Harbour", 20)})
    edits.overwrite(timeline, frames(40), {"V1": shot("Pier", 10)})
    assert layout(timeline, "V1") == [("Harbour", 0, 20), ("gap", 20, 40), ("Pier", 40, 50)]

    spec = new_shot_spec(
        timeline, 20, {"prompt": "A gull takes off", "seed": 9}, "animatic", tmp_path, "Gull"
    )
    assert spec["params"]["frames"] == 20 and spec["params"]["size"] == "64x36"
    assert "clip_id" not in spec["params"] and spec["params"]["title"] == "Generate Gull"
    clip = generated_clip(run(spec), RATE, "Gull")
    change = place_generated(timeline, "V1", 20, clip)

    assert change.description == "Generate Gull"
    assert layout(timeline, "V1") == [("Harbour", 0, 20), ("Gull", 20, 40), ("Pier", 40, 50)]
    placed = document.find_clip(timeline, change.result[0])[1]
    [take] = takes.takes(placed)
    assert take.key == "take-1" and take.active
    made = provenance.read(placed.media_reference)
    assert made.backend == "animatic" and made.prompt == "A gull takes off" and made.seed == 9
    assert trackedit.duration_frames(placed, RATE) == 20
    change.undo()
    assert layout(timeline, "V1") == [("Harbour", 0, 20), ("gap", 20, 40), ("Pier", 40, 50)]


def test_a_new_shot_over_a_range_overwrites_what_is_there_and_past_the_end_leaves_a_gap(tmp_path) -> None:
    timeline = new_project("film", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Harbour", 30)})
    result = run(new_shot_spec(timeline, 12, {"prompt": "Fog"}, "animatic", tmp_path))
    place_generated(timeline, "V1", 10, generated_clip(result, RATE, "Fog"))
    assert layout(timeline, "V1") == [("Harbour", 0, 10), ("Fog", 10, 22), ("Harbour", 22, 30)]
    place_generated(timeline, "V1", 40, generated_clip(result, RATE, "Fog 2"))
    assert layout(timeline, "V1")[-2:] == [("gap", 30, 40), ("Fog 2", 40, 52)]


def test_a_new_shot_needs_a_prompt_a_length_and_a_picture_track(tmp_path) -> None:
    timeline = new_project("film", rate=RATE, size=(64, 36))
    with pytest.raises(GenerateError, match="prompt"):
        new_shot_spec(timeline, 10, {"prompt": "  "})
    with pytest.raises(GenerateError, match="one frame"):
        new_shot_spec(timeline, 0, {"prompt": "x"})
    result = run(new_shot_spec(timeline, 4, {"prompt": "x"}, "animatic", tmp_path))
    with pytest.raises(GenerateError, match="sound track"):
        place_generated(timeline, "A1", 0, generated_clip(result, RATE, "x"))


def test_a_result_named_for_the_bin_is_a_link_in_its_own_cache_entry(tmp_path) -> None:
    timeline = new_project("film", rate=RATE, size=(64, 36))
    result = run(new_shot_spec(timeline, 4, {"prompt": "x"}, "animatic", tmp_path))
    named = named_result_file(result, "Gull: take/1")
    source = Path(result["files"][0])
    assert named.parent == source.parent and named.name == "Gull take1.mp4"
    assert named.read_bytes() == source.read_bytes()
    assert named_result_file(result, "Gull: take/1") == named  # asked again: the same file
