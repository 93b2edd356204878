"""A GPU box's engine keeps its disk in check: results and sent inputs nobody used for a while go, with
the same cleaner as a project's unused takes, and its daemon's log is rotated at a size."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from engine.cli.main import main
from engine.remote.connection import RemoteEngine
from engine.remote.store import ContentStore
from engine.server.daemon_log import RotatingLog, rotate_if_large

DAY = 86400


def result_entry(cache: Path, key: str, age_days: float) -> Path:
    entry = cache / key
    entry.mkdir(parents=True)
    (entry / "shot.mp4").write_bytes(b"x" * 1000)
    (entry / "result.json").write_text(json.dumps({"files": ["shot.mp4"]}))
    age(entry / "result.json", age_days)
    return entry


def age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def stored(store: ContentStore, data: bytes, age_days: float) -> Path:
    name = hashlib.sha256(data).hexdigest()
    path = Path(store.put(name, 0, data, len(data), "keyframe.png")["path"])
    age(path, age_days)
    return path


def test_engine_clean_removes_what_no_one_made_or_used_for_that_many_days(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "box"))
    cache, store = tmp_path / "box" / "cache", ContentStore(tmp_path / "box" / "content")
    old = result_entry(cache, "a" * 16, 40)
    fetched_again = result_entry(cache, "b" * 16, 40)
    new = result_entry(cache, "c" * 16, 2)
    running = cache / ".job-123"  # a job still writing: never the cleaner's
    running.mkdir()
    old_input = stored(store, b"old keyframe", 40)
    asked_again = stored(store, b"keyframe a new job asked for", 40)
    new_input = stored(store, b"new keyframe", 1)
    assert store.has(hashlib.sha256(b"keyframe a new job asked for").hexdigest(), "keyframe.png")["complete"]
    from engine.server.media import MediaMethods

    MediaMethods()._rpc_media_stat({"path": str(fetched_again / "shot.mp4")})  # a client fetched it again

    assert main(["engine", "--clean", "30"]) == 0
    assert capsys.readouterr().out.strip() == "Removed 1 results and 1 stored inputs: 0.0 MB freed"
    assert not old.exists() and not old_input.exists()
    assert fetched_again.is_dir() and new.is_dir() and running.is_dir()
    assert asked_again.is_file() and new_input.is_file()

    assert main(["engine", "--clean", "-1"]) == 2
    assert capsys.readouterr().err.strip() == "shotline engine: --clean takes a number of days, 0 or more"


@pytest.mark.slow
def test_the_daemon_cleans_by_age_when_it_starts(gpu_box) -> None:
    old = result_entry(gpu_box.data / "cache", "d" * 16, 45)
    connection = RemoteEngine(gpu_box.command, "box")  # starts the daemon on the box
    try:
        log = gpu_box.data / "engine-daemon.log"
        deadline = time.monotonic() + 30  # it cleans beside serving
        while "Removed 1 results" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Removed 1 results and 0 stored inputs" in log.read_text()
        assert not old.exists()
    finally:
        connection.close()


def test_the_daemon_log_is_rotated_at_its_size_limit(tmp_path) -> None:
    path = tmp_path / "engine-daemon.log"
    log = RotatingLog(path, limit=1000, fd=None)
    for n in range(100):
        log.write(f"job {n:03d} failed: a line of the daemon's log\n")  # 44 bytes each
    log.flush()
    kept = path.with_name("engine-daemon.log.1")
    assert kept.stat().st_size >= 1000 and path.stat().st_size < 1000  # never much more than twice
    assert path.read_text().splitlines()[-1] == "job 099 failed: a line of the daemon's log"

    path.write_text("x" * 2000)  # a log left large by a daemon of an older version
    assert rotate_if_large(path, 1000) and not path.exists() and kept.stat().st_size == 2000
