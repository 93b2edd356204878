"""Export in the engine process: the `export` request over JSON-RPC, progress, cancel, its own lane."""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import av
import opentimelineio as otio
import pytest

from engine.errors import ExportError
from engine.export.job import partial_files, settings_from_json, settings_to_json
from engine.export.presets import PRESETS, ExportSettings
from engine.media.reference import clips_for
from engine.project import edits
from engine.project.document import new_project
from tests.support.engine_process import EngineProcess
from tests.support.mediagen import write_video

RATE = 30.0
SIZE = (64, 36)


@pytest.fixture(scope="module")
def footage(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("engine-export-media")
    return write_video(folder / "a.mp4", frames=30, size=SIZE, tone_hz=440)


def a_cut(footage: Path, repeats: int = 1) -> otio.schema.Timeline:
    """`repeats` times 25 frames of the footage, with its sound."""
    timeline = new_project("film", rate=RATE, size=SIZE)
    for _ in range(repeats):
        edits.append(timeline, dict(zip(("V1", "A1"), clips_for(footage, RATE, 25, 0), strict=True)))
    return timeline


def export_params(timeline: otio.schema.Timeline, output: Path, **settings) -> dict:
    chosen = settings_to_json(ExportSettings(x264_preset="ultrafast", **settings))
    return {
        "timeline": otio.adapters.write_to_string(timeline, "otio_json"),
        "output": str(output),
        "settings": chosen,
    }


@pytest.fixture
def engine(tmp_path: Path):
    process = EngineProcess({"SHOTLINE_DATA_DIR": str(tmp_path / "data")})
    yield process
    process.close()


def pictures(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_settings_travel_as_json_exactly() -> None:
    custom = ExportSettings(32, 18, Fraction(30000, 1001), crf=18, x264_preset="fast", fit="crop")
    assert settings_from_json(settings_to_json(custom)) == custom
    assert settings_from_json("720p") == PRESETS["720p"]
    assert settings_from_json({"preset": "1080p", "crf": 30}).crf == 30
    with pytest.raises(ExportError, match="even number"):
        settings_from_json({"width": 33})
    with pytest.raises(ExportError, match="Unknown export setting"):
        settings_from_json({"colour": "blue"})


def test_an_export_request_reports_encoding_progress_then_done_with_the_frames(
    engine, footage, tmp_path
) -> None:
    out = tmp_path / "cut.mp4"
    job = engine.request("export", export_params(a_cut(footage, 2), out))["result"]["job"]
    status = engine.request("status", {"job": job})["result"]["jobs"]
    assert status[0]["task"] == "export" and status[0]["title"] == "Export cut.mp4"
    progress = engine.notification("progress", job)["params"]
    assert progress["stage"] == "encoding" and progress["steps"] == 50 and 0 < progress["fraction"] <= 1
    done = engine.ended(job)
    assert done["method"] == "done"
    params = done["params"]
    assert params["path"] == str(out) and params["frames"] == 50 and params["size"] == list(SIZE)
    assert params["rate"] == "30/1" and params["cached"] is False
    assert pictures(out) == 50
    assert engine.request("status", {"job": job})["result"]["jobs"][0]["state"] == "done"
    # the same export again runs again (the user's file is not a cache entry)
    out.unlink()
    again = engine.request("export", export_params(a_cut(footage, 2), out))["result"]["job"]
    assert engine.ended(again)["method"] == "done" and pictures(out) == 50


def test_cancel_stops_the_export_and_leaves_the_earlier_file(engine, footage, tmp_path) -> None:
    out = tmp_path / "long.mp4"
    out.write_bytes(b"the user's earlier export")
    params = export_params(a_cut(footage, 80), out)  # 2000 frames
    job = engine.request("export", params)["result"]["job"]
    engine.notification("progress", job)
    started = time.monotonic()
    assert engine.request("cancel", {"job": job})["result"]["cancelled"] is True
    assert engine.ended(job)["method"] == "cancelled"
    assert time.monotonic() - started < 1.5
    assert out.read_bytes() == b"the user's earlier export"
    assert partial_files(out) == []


def test_bad_requests_are_refused_with_a_message(engine, footage, tmp_path) -> None:
    refused = engine.request(
        "export", {"timeline": "{}", "output": str(tmp_path / "x.mp4"), "settings": {"crf": 99}}
    )
    assert refused["error"]["code"] == -32000 and "CRF" in refused["error"]["message"]
    assert "output path" in engine.request("export", {"timeline": "{}"})["error"]["message"]
    refused = engine.request("export", {"timeline": "not otio", "output": str(tmp_path / "x.mp4")})["error"]
    assert refused["message"].startswith("The timeline sent for export is damaged or not OTIO JSON")
    empty = new_project("empty", rate=RATE, size=SIZE)
    job = engine.request("export", export_params(empty, tmp_path / "x.mp4"))["result"]["job"]
    assert "nothing to export" in engine.ended(job)["params"]["message"]
    assert engine.process.poll() is None


def test_an_export_runs_beside_a_generation_job(engine, footage, tmp_path) -> None:
    """Neither waits for the other: both report progress before either ends."""
    params = {
        "prompt": "Long",
        "frames": 600,
        "rate": "30",
        "size": "160x90",
        "cache_dir": str(tmp_path / "c"),
    }
    shot = engine.request("submit", {"spec": {"task": "video.generate", "params": params}})["result"]["job"]
    engine.notification("progress", shot)
    export = engine.request("export", export_params(a_cut(footage, 40), tmp_path / "side.mp4"))["result"][
        "job"
    ]
    engine.notification("progress", export, timeout=20)
    running = {j["id"]: j["state"] for j in engine.request("status")["result"]["jobs"]}
    assert running[shot] == "running" and running[export] == "running"
    engine.request("cancel", {"job": shot})
    engine.request("cancel", {"job": export})
    assert engine.ended(shot)["method"] == "cancelled" and engine.ended(export)["method"] == "cancelled"


def test_an_engine_killed_mid_export_leaves_a_partial_the_client_can_find(engine, footage, tmp_path) -> None:
    out = tmp_path / "killed.mp4"
    job = engine.request("export", export_params(a_cut(footage, 80), out))["result"]["job"]
    engine.notification("progress", job)
    engine.process.kill()
    engine.process.wait(10)
    assert not out.exists()
    leftovers = partial_files(out)
    assert len(leftovers) == 1 and leftovers[0].name.endswith(".part.mp4")
