"""Large transfers to and from a GPU box: several chunks in flight, their progress in MB for the Jobs panel
and the command line's bar, and the bytes that arrive the bytes that were sent."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from engine.cli.generate import _Waiter
from engine.cli.progress import ProgressBar
from engine.jobs.progress import JobContext, ProgressReport
from engine.remote import executor as remote_executor
from engine.remote.executor import RemoteExecutor


@pytest.mark.slow
def test_a_large_input_goes_up_and_comes_back_in_flight_chunks_with_its_progress_in_mb(
    gpu_box, tmp_path, monkeypatch
) -> None:
    clip = tmp_path / "clip.mov"
    clip.write_bytes(os.urandom(20_000_000))
    executor = RemoteExecutor(gpu_box.command)
    sent_at_once: list[int] = []
    connection = executor.connection()
    send, answer = connection.send, connection.answer
    waiting: set[int] = set()

    def counting_send(method, params):
        queue = send(method, params)
        waiting.add(id(queue))
        sent_at_once.append(len(waiting))
        return queue

    def counting_answer(queue, method, timeout=120.0):
        waiting.discard(id(queue))
        return answer(queue, method, timeout)

    monkeypatch.setattr(connection, "send", counting_send)
    monkeypatch.setattr(connection, "answer", counting_answer)
    reports: list[ProgressReport] = []
    context = JobContext(report=reports.append, workdir=tmp_path / "work")
    try:
        there = executor._send(str(clip), context, {})
        assert executor.sent_bytes == 20_000_000
        assert max(sent_at_once) == remote_executor.WINDOW  # chunks in flight, not one round trip each
        stages = [r.stage for r in reports]
        assert stages[-1] == "uploading 20 of 20 MB" and "uploading 4 of 20 MB" in stages
        assert (reports[-1].step, reports[-1].steps, reports[-1].fraction) == (20, 20, 1.0)

        back = tmp_path / "work" / "clip.mov"
        executor._fetch_file(there, back, context)  # the content store is fetchable, as results are
        assert hashlib.sha256(back.read_bytes()).digest() == hashlib.sha256(clip.read_bytes()).digest()
        assert reports[-1].stage == "downloading 20 of 20 MB"
    finally:
        executor.close()


def test_the_command_lines_bar_counts_a_transfer_in_mb() -> None:
    stream = io.StringIO()
    waiter = _Waiter(ProgressBar(stream))
    waiter.progress("job", ProgressReport(0.3, "uploading 12 of 40 MB", 12, 40), None)
    assert "12/40 MB" in stream.getvalue()
    frames = io.StringIO()
    _Waiter(ProgressBar(frames)).progress("job", ProgressReport(0.5, "denoising", 20, 40), None)
    assert frames.getvalue().endswith("20/40 frames   ")  # a job's own steps, as before
