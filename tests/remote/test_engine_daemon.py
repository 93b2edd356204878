"""`shotline engine` on the GPU box: a relay to one daemon per user, which keeps the jobs across
connections, answers each client on its own connection, and stops only when told to."""

from __future__ import annotations

import subprocess

import pytest

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
