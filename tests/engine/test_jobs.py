"""The job queue and the animatic backend as a client uses them: submit, watch, cancel, reuse."""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from engine.errors import GenerateError
from engine.generate.base import Output, Readiness
from engine.generate.conform import conform, frames_needed, retime, valid_count
from engine.generate.jobs import generation_queue
from engine.generate.registry import Registry, default_registry
from engine.generate.video.request import VideoRequest, parse_rate
from engine.jobs.lifecycle import CANCELLED, FAILED
from engine.jobs.progress import DENOISING, JobContext
from engine.jobs.spec import JobSpec
from tests.support.recorder import Recorder


class SlowBackend:
    """Denoises in steps, so a test can watch progress and cancel between steps."""

    name, task, label, gpu = "slow", "video.generate", "Slow test backend", True

    def __init__(self, steps: int = 50, pause: float = 0.02, fail: BaseException | None = None) -> None:
        self.steps, self.pause, self.fail = steps, pause, fail
        self.started = threading.Event()
        self.order: list[str] = []

    def readiness(self) -> Readiness:
        return Readiness(True)

    def run(self, request: VideoRequest, context: JobContext) -> Output:
        self.order.append(request.prompt)
        self.started.set()
        for step in range(self.steps):
            context.check_cancelled()
            if self.fail is not None and step == 2:
                raise self.fail
            time.sleep(self.pause)
            context.progress((step + 1) / self.steps, DENOISING, step + 1, self.steps)
        path = context.workdir / "out.txt"
        path.write_text(request.prompt)
        return Output([path], request.provenance(backend=self.name))


def spec(prompt: str = "a shot", tmp: Path | None = None, **params) -> JobSpec:
    base = {"prompt": prompt, "frames": 8, "rate": "24", "size": "64x36"}
    if tmp is not None:
        base["cache_dir"] = str(tmp)
    return JobSpec("video.generate", {**base, **params})


@pytest.fixture
def slow_queue(tmp_path):
    registry = Registry()
    backend = SlowBackend()
    registry.register(backend, default=True)
    recorder = Recorder()
    jobs = generation_queue(registry, recorder)
    yield jobs, backend, recorder
    jobs.shutdown()


def test_an_animatic_shot_has_exactly_the_frames_rate_and_size_asked_for(tmp_path: Path) -> None:
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        job = jobs.submit(spec("A lighthouse at dusk", tmp_path, frames=37, rate="30000/1001", size="160x90"))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    (_, _, result, cached) = recorder.of("done", job)[0]
    assert not cached
    with av.open(str(result.files[0])) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        assert (stream.codec_context.width, stream.codec_context.height) == (160, 90)
        assert stream.average_rate == Fraction(30000, 1001)
    assert len(frames) == 37
    assert not np.array_equal(frames[0], frames[-1])  # the camera moves
    assert result.provenance["backend"] == "animatic" and result.provenance["animatic"] is True
    assert result.provenance["prompt"] == "A lighthouse at dusk" and result.provenance["frames"] == 37
    stages = {e[2] for e in recorder.of("progress", job)}
    assert "rendering" in stages


def test_the_same_spec_twice_is_a_cache_hit_and_a_changed_one_is_not(tmp_path: Path) -> None:
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        first = jobs.submit(spec("Same", tmp_path))
        recorder.wait(first)
        started = time.perf_counter()
        again = jobs.submit(spec("Same", tmp_path, title="another title"))  # the title is not the picture
        recorder.wait(again)
        assert time.perf_counter() - started < 5
        other = jobs.submit(spec("Same", tmp_path, seed=9))
        recorder.wait(other)
    finally:
        jobs.shutdown()
    assert recorder.of("done", again)[0][3] is True
    assert recorder.of("done", again)[0][2].files == recorder.of("done", first)[0][2].files
    assert recorder.of("done", other)[0][3] is False


def test_cancel_stops_a_running_job_at_its_next_step_and_leaves_nothing(slow_queue, tmp_path) -> None:
    jobs, backend, recorder = slow_queue
    job = jobs.submit(spec("long", tmp_path))
    assert backend.started.wait(10)
    started = time.monotonic()
    assert jobs.cancel(job)
    recorder.wait(job)
    assert time.monotonic() - started < 1.0
    assert jobs.status(job)[0]["state"] == CANCELLED
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".job-")]  # no half-made result


def test_gpu_jobs_run_one_at_a_time_in_priority_order(slow_queue, tmp_path) -> None:
    jobs, backend, recorder = slow_queue
    backend.steps = 5
    first = jobs.submit(spec("first", tmp_path))
    assert backend.started.wait(10)
    low = jobs.submit(JobSpec("video.generate", {**spec("low", tmp_path).params}, priority=0))
    high = jobs.submit(JobSpec("video.generate", {**spec("high", tmp_path).params}, priority=5))
    for job in (first, low, high):
        recorder.wait(job)
    assert backend.order == ["first", "high", "low"]


def test_a_failing_backend_gives_a_message_a_user_can_act_on(tmp_path) -> None:
    registry = Registry()
    registry.register(
        SlowBackend(fail=RuntimeError("CUDA out of memory. Tried to allocate 2 GiB")), default=True
    )
    recorder = Recorder()
    jobs = generation_queue(registry, recorder)
    try:
        job = jobs.submit(spec("big", tmp_path))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    assert jobs.status(job)[0]["state"] == FAILED
    assert recorder.of("failed", job)[0][2].startswith("Not enough GPU memory: try CPU offload")


def test_a_wrong_spec_is_refused_at_once_with_what_to_fix(tmp_path) -> None:
    jobs = generation_queue(default_registry(), Recorder())
    try:
        with pytest.raises(GenerateError, match="frames is required"):
            jobs.submit(JobSpec("video.generate", {"prompt": "x", "size": "64x36"}))
        with pytest.raises(GenerateError, match="must be even"):
            jobs.submit(spec(size="63x36"))
        with pytest.raises(GenerateError, match="Unknown task"):
            jobs.submit(JobSpec("video.dance", {}))
        with pytest.raises(GenerateError, match="No backend 'magic'"):
            jobs.submit(JobSpec("video.generate", spec().params, backend="magic"))
    finally:
        jobs.shutdown()
    assert jobs.status() == []


def test_rates_and_frame_rules() -> None:
    assert parse_rate(29.97) == Fraction(30000, 1001) and parse_rate("25") == 25
    assert valid_count(33, 4) == 33 and valid_count(34, 4) == 37 and valid_count(50, 8) == 57
    # a 2 s shot at 30 fps from a 16 fps model: 32 model frames cover it
    assert frames_needed(60, Fraction(30), Fraction(16)) == 32
    shown = retime(33, Fraction(16), 60, Fraction(30))
    assert len(shown) == 60 and shown[0] == 0 and shown[-1] == 31 and shown == sorted(shown)
    model = [np.full((48, 64, 3), i, np.uint8) for i in range(33)]
    out = list(conform(model, Fraction(16), 60, Fraction(30), (160, 90)))
    assert len(out) == 60 and out[0].shape == (90, 160, 3) and out[-1][45, 80, 0] == 31
    assert VideoRequest.from_params({"frames": 3, "size": "64x36"}).rate == 30
