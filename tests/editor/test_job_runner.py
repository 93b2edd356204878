"""Every generation feature's job goes through one runner: jobs panel row, progress on the clip, retry."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Signal

from editor.generate.runner import JobRunner
from editor.jobs.model import JobsModel, State
from engine.errors import ShotlineError


class FakeEngine(QObject):
    """Speaks like EngineClient; the test plays the engine's part by emitting its signals."""

    progress = Signal(str, dict)
    done = Signal(str, dict)
    failed = Signal(str, str)
    cancelled = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.running, self.info = True, {"tasks": {"music.score": [{"name": "composer"}]}}
        self.submitted: list[dict[str, Any]] = []
        self.cancels: list[str] = []

    def start(self) -> None:
        self.running = True

    def submit(self, spec, reply) -> None:
        self.submitted.append(spec)
        reply({"job": str(len(self.submitted))}, None)

    def cancel(self, job: str) -> None:
        self.cancels.append(job)


def test_a_job_shows_progress_on_its_clip_and_its_result_text_when_done(qtbot):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)
    on_clip: list[tuple[str, float]] = []
    runner.clipProgress.connect(lambda ident, fraction: on_clip.append((ident, fraction)))
    token = runner.submit({"task": "music.score"}, "Score 0:10", lambda result: f"{result['n']} bars", "c1")
    engine.progress.emit("1", {"fraction": 0.5, "stage": "rendering", "step": 2, "steps": 4})
    assert jobs.job(token).stage == "rendering 2/4" and on_clip == [("c1", 0.5)]
    engine.done.emit("1", {"n": 32})
    assert (jobs.job(token).state, jobs.job(token).message) == (State.DONE, "32 bars")
    assert on_clip[-1] == ("c1", 1.0)
    assert runner.backends("music.score") == [{"name": "composer"}]


def test_a_result_the_editor_cannot_use_fails_the_job_and_retry_sends_it_again(qtbot):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)

    def refuse(_result):
        raise ShotlineError("The clip is gone")

    token = runner.submit({"task": "video.extend"}, "Extend", refuse)
    engine.done.emit("1", {})
    assert (jobs.job(token).state, jobs.job(token).message) == (State.FAILED, "The clip is gone")
    jobs.retryRequested.emit(token)
    assert len(engine.submitted) == 2 and jobs.job(token).state == State.QUEUED
    jobs.cancelRequested.emit(token)
    assert engine.cancels == ["2"]
    engine.cancelled.emit("2")
    assert jobs.job(token).state == State.CANCELLED


def test_preparation_runs_off_the_gui_thread_before_the_job_is_sent(qtbot):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)
    gui = threading.get_ident()
    seen: list[int] = []

    def prepare(spec):
        seen.append(threading.get_ident())
        spec["params"] = {"image": "frame.png"}

    runner.submit({"task": "video.generate"}, "Shot 1", lambda r: "", prepare=prepare)
    qtbot.waitUntil(lambda: len(engine.submitted) == 1)
    assert engine.submitted[0]["params"] == {"image": "frame.png"} and seen[0] != gui

    def broken(spec):
        raise OSError("disk full")

    token = runner.submit({"task": "video.generate"}, "Shot 2", lambda r: "", prepare=broken)
    qtbot.waitUntil(lambda: jobs.job(token).state == State.FAILED)
    assert "disk full" in jobs.job(token).message and len(engine.submitted) == 1
