"""`shotline engine` on the GPU box: a relay to one daemon per user, which keeps the jobs across
connections, answers each client on its own connection, and stops only when told to."""

from __future__ import annotations

import subprocess

import pytest

from engine.errors import GenerateError
from engine.remote.connection import ConnectionLost, RemoteEngine

pytestmark = pytest.mark.slow  # each starts an engine daemon


def test_two_connections_share_the_jobs_and_each_gets_its_own_replies(gpu_box) -> None:
    first = RemoteEngine(gpu_box.command, "box")  # both send `initialize` as request 1: no mix-up
    second = RemoteEngine(gpu_box.command, "box")
    assert first.info["pid"] == second.info["pid"]  # one daemon behind both relays
    spec = {
        "task": "video.generate",
        "params": {"prompt": "A pier", "frames": 2, "rate": "24", "size": "64x36"},
    }
    job = first.request("submit", {"spec": spec})["job"]
    assert second.request("status", {"job": job})["jobs"][0]["id"] == job

    assert first.request("shutdown", {}) == {"ok": True}  # the editor closing: its connection ends
    first.process.wait(30)
    assert second.request("status", {"job": job})["jobs"], "the daemon went on"
    second.close()


def test_engine_stop_ends_the_daemon_and_the_next_relay_starts_a_fresh_one(gpu_box) -> None:
    connection = RemoteEngine(gpu_box.command, "box")
    before = connection.info["pid"]
    stopped = subprocess.run([*gpu_box.command, "--stop"], capture_output=True, timeout=60)
    assert stopped.returncode == 0
    with pytest.raises(ConnectionLost):
        connection.request("status", {}, timeout=30)
    again = RemoteEngine(gpu_box.command, "box")
    assert again.info["pid"] != before
    again.close()


def test_a_submit_sent_again_after_a_lost_reply_runs_once(gpu_box) -> None:
    connection = RemoteEngine(gpu_box.command, "box")
    spec = {
        "task": "video.generate",
        "params": {"prompt": "A pier", "frames": 2, "rate": "24", "size": "64x36"},
    }
    job = connection.request("submit", {"spec": spec, "ref": "shot-7-try-1"})["job"]
    connection.close()  # the reply may have been lost with the connection: the client sends it again
    again = RemoteEngine(gpu_box.command, "box")
    assert again.request("submit", {"spec": spec, "ref": "shot-7-try-1"})["job"] == job
    assert len(again.request("status", {})["jobs"]) == 1
    again.close()


def test_only_results_can_be_fetched_not_the_rest_of_the_data_folder(gpu_box) -> None:
    connection = RemoteEngine(gpu_box.command, "box")
    settings = gpu_box.data / "settings.ini"
    settings.write_text("[farm]\ntoken=secret\n")
    with pytest.raises(GenerateError, match="is not a result of this engine"):
        connection.request("media.get", {"path": str(settings), "offset": 0})
    with pytest.raises(GenerateError, match="is not a result of this engine"):
        connection.request("media.stat", {"path": str(gpu_box.data / "cache" / ".." / "settings.ini")})
    connection.close()
