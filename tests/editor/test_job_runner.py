"""Every engine job (generations and exports) goes through one runner: its jobs panel row, progress
on the clip, the engine's log, cancel, retry, and news heard before the reply that names the job."""

from __future__ import annotations

import threading

from editor.export.runner import ExportRunner
from editor.jobs.model import LOG_LINES, JobsModel, State
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.export.presets import PRESETS
from engine.project.document import new_project
from tests.support.fake_engine import FakeEngine


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


def test_news_of_a_job_heard_before_the_reply_that_names_it_is_kept_and_replayed(qtbot):
    engine, jobs = FakeEngine(hold_replies=True), JobsModel()  # a remote engine that speaks first
    runner = JobRunner(engine, jobs)
    token = runner.submit({"task": "video.generate"}, "Regenerate Salt flat", lambda r: "take-2", "c1")
    engine.log.emit("1", "loading the model")
    engine.progress.emit("1", {"fraction": 1.0, "stage": "cached"})
    engine.done.emit("1", {"cached": True, "files": ["salt.mp4"]})
    engine.done.emit("9", {"files": ["someone-else.mp4"]})  # another client's job on the same engine
    assert jobs.job(token).state == State.QUEUED
    engine.reply()  # {"job": "1"}
    row = jobs.job(token)
    assert (row.state, row.stage, row.message) == (State.DONE, "Done (from the cache)", "take-2")
    assert list(row.log) == ["loading the model"]
    assert runner.job(token).engine_job is None  # ended: nothing of it is awaited any more


def test_news_of_other_jobs_is_not_kept_once_no_reply_is_awaited(qtbot):
    engine, jobs = FakeEngine(hold_replies=True), JobsModel()
    runner = JobRunner(engine, jobs)
    engine.done.emit("1", {})  # nothing of ours awaits a reply: not ours, dropped
    first = runner.submit({"task": "music.score"}, "Score 00:00:10–00:00:45", lambda r: "placed")
    engine.reply()
    assert jobs.job(first).state == State.QUEUED  # the earlier "1" was not replayed onto it
    engine.failed.emit("2", "no GPU")  # nobody awaits a reply: dropped
    second = runner.submit({"task": "music.score"}, "Score 00:00:45–00:01:00", lambda r: "placed")
    engine.reply()  # {"job": "2"}
    assert jobs.job(second).state == State.QUEUED


def test_cancel_before_the_reply_cancels_the_job_the_reply_names(qtbot):
    engine, jobs = FakeEngine(hold_replies=True), JobsModel()
    runner = JobRunner(engine, jobs)
    token = runner.submit({"task": "video.generate"}, "Regenerate Salt flat", lambda r: "")
    jobs.request_cancel(token)
    assert jobs.job(token).stage == "Cancelling…" and engine.cancels == []
    engine.reply()
    assert engine.cancels == ["1"]
    engine.reply()  # the cancel's answer: it was running
    engine.cancelled.emit("1")
    assert jobs.job(token).state == State.CANCELLED


def test_a_cancel_of_a_job_the_engine_had_ended_ends_the_row_as_the_engine_says(qtbot):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)
    token = runner.submit({"task": "video.generate"}, "Regenerate Salt flat", lambda r: r["files"][0], "c1")
    engine.ended.add("1")  # it ended, and its `done` never reached us
    engine.statuses["1"] = {"id": "1", "state": "done", "cached": True, "result": {"files": ["salt.mp4"]}}
    jobs.request_cancel(token)
    assert ("status", {"job": "1"}) in engine.requests
    row = jobs.job(token)
    assert (row.state, row.stage, row.message) == (State.DONE, "Done (from the cache)", "salt.mp4")


def test_the_engine_dying_fails_its_running_jobs_with_the_reason_and_retry_sends_again(qtbot):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)
    token = runner.submit({"task": "video.generate"}, "Regenerate Salt flat", lambda r: "")
    engine.progress.emit("1", {"fraction": 0.3, "stage": "denoising", "step": 9, "steps": 30})
    engine.crashed.emit("The engine stopped unexpectedly (it crashed or was killed)")
    engine.failed.emit("1", "The engine stopped unexpectedly (it crashed or was killed)")  # the client's own
    row = jobs.job(token)
    assert row.state == State.FAILED
    assert row.message.startswith("The engine stopped unexpectedly") and "press Retry" in row.message
    jobs.request_retry(token)
    assert len(engine.submitted) == 2 and runner.job(token).engine_job == "2"


def test_the_engines_log_lines_for_a_job_are_kept_with_its_row_and_bounded(qtbot):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)
    token = runner.submit({"task": "video.generate"}, "Regenerate Salt flat", lambda r: "")
    engine.log.emit("", "the engine's own chatter")  # about no job: no row's
    engine.log.emit("1", "Traceback (most recent call last):\n  File x\nRuntimeError: boom")
    for number in range(1000):
        engine.log.emit("1", f"step {number}")
    engine.failed.emit("1", "The wan backend failed: RuntimeError: boom")
    log = list(jobs.job(token).log)
    assert len(log) == LOG_LINES and log[-1] == "step 999"
    assert "the engine's own chatter" not in log


def test_an_export_is_a_job_of_the_same_runner_told_in_frames(qtbot, tmp_path):
    engine, jobs = FakeEngine(), JobsModel()
    runner = JobRunner(engine, jobs)
    exports = ExportRunner(runner)
    heard: list[object] = []
    exports.progressed.connect(lambda token, progress: heard.append(progress))
    exports.finished.connect(lambda token, result: heard.append(result))
    token = exports.submit(new_project("film"), tmp_path / "cut.mp4", PRESETS["project"])
    method, params = engine.requests[0]
    assert (method, params["output"], token) == ("export", str(tmp_path / "cut.mp4"), "job-1")
    assert jobs.job(token).title == "Export cut.mp4" and exports.busy
    engine.progress.emit("1", {"fraction": 0.5, "stage": "encoding", "step": 5, "steps": 10, "eta": 3.0})
    assert jobs.job(token).stage == "Frame 5 of 10" and heard[0].done == 5
    engine.done.emit("1", {"path": str(tmp_path / "cut.mp4"), "frames": 10, "rate": "24", "size": [64, 36]})
    assert jobs.job(token).message == str(tmp_path / "cut.mp4") and heard[1].frames == 10
    assert not exports.busy
    generation = runner.submit({"task": "video.generate"}, "Regenerate Salt flat", lambda r: "")
    assert exports.job(generation) is None  # the export layer minds only exports
