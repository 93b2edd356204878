"""Project files that crash OpenTimelineIO's native reader get one line instead, on every way in.

Each file is opened in a child process (tests/support/project_worker.py) the
three ways users open projects: `shotline info`, the editor's File > Open
and the engine's `export` request. Before the checker these files aborted
or segfaulted the process, which no `except` catches; in a child process
that fails the test instead of ending pytest.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest

from engine.errors import ProjectFileError
from engine.project import edits, otiojson, persistence
from tests.support.editing import av_shot, project, shot
from tests.support.engine_process import ROOT
from tests.support.project_worker import ProjectWorker


@pytest.fixture(scope="module")
def worker():
    running = ProjectWorker()
    yield running
    running.close()


def saved_project() -> dict:
    timeline = project()
    video, audio = av_shot("talk", 40, start=10)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.append(timeline, {"V1": shot("b", 30, start=20)})
    return json.loads(otio.adapters.write_to_string(timeline))


def first_clip(data: dict) -> dict:
    return data["tracks"]["children"][0]["children"][0]


def unknown_schema_at_top(data: dict) -> str:
    data["OTIO_SCHEMA"] = "UnknownSchema.1"
    return json.dumps(data)


def unknown_schema_in_metadata(data: dict) -> str:
    first_clip(data)["metadata"]["note"] = {"OTIO_SCHEMA": "UnknownSchema.1", "name": "x"}
    return json.dumps(data)


def old_clip_holding_new_references(data: dict) -> str:
    first_clip(data)["OTIO_SCHEMA"] = "Clip.1"  # its upgrade to Clip.2 frees the references twice
    return json.dumps(data)


def clip_version_zero(data: dict) -> str:
    first_clip(data)["OTIO_SCHEMA"] = "Clip.0"
    return json.dumps(data)


def duplicate_schema_key(data: dict) -> str:
    # OTIO's reader keeps the first of two equal keys, Python's json the last
    text = json.dumps(data)
    return text.replace(
        '"OTIO_SCHEMA": "Timeline.1"', '"OTIO_SCHEMA": "UnknownSchema.1", "OTIO_SCHEMA": "Timeline.1"'
    )


CRASHERS = [
    unknown_schema_at_top,
    unknown_schema_in_metadata,
    old_clip_holding_new_references,
    clip_version_zero,
]


@pytest.mark.parametrize("damage", CRASHERS, ids=lambda f: f.__name__)
def test_a_file_that_crashed_the_reader_is_one_line_on_every_way_in(worker, tmp_path: Path, damage) -> None:
    path = tmp_path / "hostile.otio"
    path.write_text(damage(saved_project()))
    outcome = worker.check(path)
    assert all(value.startswith("error: ") for value in outcome.values()), outcome
    assert "hostile.otio" in outcome["info"] and "hostile.otio" in outcome["open"]
    assert (
        "schema" in outcome["open"].lower() or "Clip" in outcome["open"] or "UnknownSchema" in outcome["open"]
    )


def test_a_duplicated_key_is_read_once_so_what_was_checked_is_what_opentimelineio_reads(
    worker, tmp_path: Path
) -> None:
    path = tmp_path / "twice.otio"
    path.write_text(duplicate_schema_key(saved_project()))
    outcome = worker.check(path)
    assert outcome["info"] == "ok" and outcome["open"] == "ok", outcome
    # the media are offline: the export's refusal shows the timeline itself was read
    assert outcome["export"].startswith("error: Cannot export: Clip talk: its media"), outcome


def test_the_pasted_clipboard_goes_through_the_same_checker(tmp_path: Path) -> None:
    text = unknown_schema_in_metadata(saved_project())
    code = (
        "import sys; from engine.project.clipboard import Clipboard; from engine.errors import EditError\n"
        "try:\n    Clipboard.from_json(sys.stdin.read())\nexcept EditError as e:\n    print('refused', e)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input=text, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.startswith("refused The clipboard does not hold clips copied from Shotline")


def test_the_message_says_which_object_and_why(tmp_path: Path) -> None:
    data = saved_project()
    first_clip(data)["OTIO_SCHEMA"] = "Clip.1"
    path = tmp_path / "old.otio"
    path.write_text(json.dumps(data))
    with pytest.raises(ProjectFileError) as refused:
        persistence.load(path)
    assert str(refused.value) == (
        "old.otio holds a Clip.1 named 'talk' with active_media_reference_key, media_references, "
        "which only a later Clip has"
    )
    data["OTIO_SCHEMA"] = "Timeline.7"
    newer = r"a Timeline.7 named '.+', newer than this OpenTimelineIO reads \(Timeline.1\)"
    with pytest.raises(ProjectFileError, match=newer):
        otiojson.parse(json.dumps(data))
    with pytest.raises(ProjectFileError, match=r"a kind Shotline does not know \(Frobnicator.1\)"):
        otiojson.parse(json.dumps({"OTIO_SCHEMA": "Frobnicator.1"}))


def test_a_clip_written_by_an_older_opentimelineio_still_opens(tmp_path: Path) -> None:
    data = saved_project()
    clip = first_clip(data)
    reference = clip["media_references"][clip["active_media_reference_key"]]
    del clip["media_references"], clip["active_media_reference_key"]
    clip["OTIO_SCHEMA"], clip["media_reference"] = "Clip.1", reference  # Clip.1 as OTIO 0.14 wrote it
    path = tmp_path / "from-2021.otio"
    path.write_text(json.dumps(data))
    loaded = persistence.load(path)
    assert loaded.timeline.find_clips()[0].media_reference.target_url.endswith(reference["target_url"])


def test_deep_nesting_and_numbers_json_cannot_hold_are_refused_before_opentimelineio() -> None:
    data = saved_project()
    first_clip(data)["metadata"]["deep"] = json.loads("[" * 500 + "]" * 500)
    with pytest.raises(ProjectFileError, match="nested more than 200 levels deep"):
        otiojson.parse(json.dumps(data))
    with pytest.raises(ProjectFileError, match="holds NaN, which is not a number"):
        otiojson.parse('{"OTIO_SCHEMA": "Gap.1", "metadata": {"x": NaN}}')
    with pytest.raises(ProjectFileError, match="holds the number 1e999"):
        otiojson.parse('{"OTIO_SCHEMA": "Gap.1", "metadata": {"x": 1e999}}')
    with pytest.raises(ProjectFileError, match="holds the number 111111111111111111111111111111…, too large"):
        # found by the release fuzz run: a 400-digit frame count was an OverflowError in the time check
        otiojson.parse('{"OTIO_SCHEMA": "RationalTime.1", "value": ' + "1" * 400 + ', "rate": 24}')
    with pytest.raises(ProjectFileError, match="holds the number 9223372036854775808"):
        otiojson.parse('{"OTIO_SCHEMA": "Gap.1", "metadata": {"x": 9223372036854775808}}')


def test_a_time_at_a_rate_of_zero_is_refused_before_it_becomes_nan(tmp_path: Path) -> None:
    """Found by the release fuzz run: a marker at 0/0 laid out in the editor's timeline was NaN."""
    data = saved_project()
    data["tracks"]["markers"] = [
        {
            "OTIO_SCHEMA": "Marker.2",
            "name": "m",
            "metadata": {},
            "color": "RED",
            "marked_range": {
                "OTIO_SCHEMA": "TimeRange.1",
                "start_time": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 0},
                "duration": {"OTIO_SCHEMA": "RationalTime.1", "value": 0, "rate": 30},
            },
        }
    ]
    path = tmp_path / "zero.otio"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ProjectFileError, match=r"zero\.otio holds a time at a rate of 0, outside 0\.001 to 1000000"
    ):
        persistence.load(path)
