"""One life-cycle for every job the engine runs: added, started, ended once, and forgotten in time."""

from __future__ import annotations

import threading

import pytest

from engine.errors import ExportCancelled, GenerateError
from engine.jobs.lifecycle import CANCELLED, DONE, EXPORT, FAILED, LIGHT, JobBoard


class Heard:
    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.ended = threading.Condition()

    def progress(self, job_id, report, eta) -> None:
        self.events.append(("progress", job_id, report.fraction))

    def log(self, job_id, text) -> None:
        self.events.append(("log", job_id))

    def done(self, job_id, result, cached) -> None:
        self._end(("done", job_id, result, cached))

    def failed(self, job_id, message) -> None:
        self._end(("failed", job_id, message))

    def cancelled(self, job_id) -> None:
        self._end(("cancelled", job_id))

    def _end(self, event) -> None:
        with self.ended:
            self.events.append(event)
            self.ended.notify_all()

    def wait_end(self, job_id, timeout: float = 10) -> tuple:
        with self.ended:
            assert self.ended.wait_for(lambda: self._ending(job_id), timeout)
            return self._ending(job_id)

    def _ending(self, job_id):
        ends = ("done", "failed", "cancelled")
        return next((e for e in self.events if e[1] == job_id and e[0] in ends), None)


@pytest.fixture
def board():
    heard = Heard()
    made = JobBoard(heard)
    made.heard = heard
    yield made
    made.shutdown()


def test_an_added_job_waits_for_start_and_a_result_already_there_ends_at_start(board) -> None:
    ran = threading.Event()
    job = board.add("video.generate", "Dawn", LIGHT, lambda context: ran.set() or {"files": []})
    assert not ran.wait(0.3) and board.heard.events == []
    board.start(job.job_id)
    assert board.heard.wait_end(job.job_id)[0] == "done"

    cached = board.add("video.generate", "Dawn", LIGHT, None, result={"files": ["a.mp4"]})
    assert board.heard.events[-1][1] != cached.job_id  # nothing said before it starts
    board.start(cached.job_id)
    assert board.heard.wait_end(cached.job_id) == ("done", cached.job_id, {"files": ["a.mp4"]}, True)
    assert board.status(cached.job_id)[0]["cached"] is True


def test_progress_failure_and_cancel_end_a_job_once_each(board) -> None:
    def reports(context):
        context.progress(0.5, "rendering")
        return {"ok": True}

    def breaks(context):
        raise ValueError("bad frame")

    release = threading.Event()

    def waits(context):
        release.wait(5)
        context.check_cancelled()
        return {}

    def export_stops(context):
        raise ExportCancelled("stopped")

    ok = board.submit("video.generate", "A", LIGHT, reports)
    bad = board.submit("music.score", "B", LIGHT, breaks, backend="composer")
    slow = board.submit("export", "C", EXPORT, waits)
    assert board.heard.wait_end(ok)[0] == "done"
    assert ("progress", ok, 0.5) in board.heard.events
    assert board.heard.wait_end(bad) == ("failed", bad, "The composer backend failed: ValueError: bad frame")
    assert board.cancel(slow) is True
    release.set()
    assert board.heard.wait_end(slow) == ("cancelled", slow)
    stopped = board.submit("export", "D", EXPORT, export_stops)
    assert board.heard.wait_end(stopped) == ("cancelled", stopped)
    states = {j["id"]: j["state"] for j in board.status()}
    assert states[bad] == FAILED and states[slow] == CANCELLED and states[stopped] == CANCELLED
    assert board.cancel(ok) is False  # ended jobs cannot be cancelled
    assert [e[0] for e in board.heard.events if e[1] == ok].count("done") == 1


def test_a_job_cancelled_before_it_runs_never_runs(board) -> None:
    gate, ran = threading.Event(), []
    blocker = board.submit("export", "first", EXPORT, lambda context: gate.wait(5) and {})
    queued = board.submit("export", "second", EXPORT, lambda context: ran.append(1) or {})
    assert board.cancel(queued) is True
    gate.set()
    board.heard.wait_end(blocker)
    assert board.heard.wait_end(queued) == ("cancelled", queued) and ran == []


def test_ended_jobs_are_forgotten_oldest_first_so_the_table_stays_small() -> None:
    board = JobBoard(Heard(), keep_ended=3)
    board.heard = board.listener
    ids = [board.submit("video.generate", f"shot {n}", LIGHT, lambda context: {}) for n in range(6)]
    for job_id in ids:
        board.heard.wait_end(job_id)
    kept = [j["id"] for j in board.status()]
    assert kept == ids[-3:] and all(j["state"] == DONE for j in board.status())
    with pytest.raises(GenerateError, match=f"No job {ids[0]}"):
        board.status(ids[0])
    board.shutdown()
