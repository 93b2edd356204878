"""The Wan and LTX backends, run for real through the job queue on tiny random-weight models.

The models are built once per session with random weights and a few
thousand parameters, saved with safetensors to temporary folders, and then
loaded by the same path a user's checkpoint takes: the registry, the job
queue, the model pool and `from_pretrained(folder, use_safetensors=True)`,
offline. Their pictures are noise, but frame counts, rates, sizes,
progress, cancel, caching of the loaded model and refusals are all real.
"""

from __future__ import annotations

import json
import os
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from engine.errors import GenerateError
from engine.generate.jobs import GenerationJobs, generation_queue
from engine.generate.presets import load_presets, preset_for_model
from engine.generate.registry import default_registry
from engine.generate.video.diffusers import video_backends
from engine.jobs.lifecycle import CANCELLED, FAILED
from engine.jobs.models import ModelPool
from engine.jobs.progress import DENOISING
from engine.jobs.spec import JobSpec
from tests.support.tinymodels import drive_as, tiny_ltx, tiny_wan, tiny_wan_i2v

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")


@pytest.fixture(scope="session")
def tiny(tmp_path_factory) -> dict[str, Path]:
    """Tiny Wan and LTX folders (two of LTX, so a different model can replace a loaded one)."""
    import torch

    os.environ["HF_HUB_OFFLINE"] = "1"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("models")
    folders = {"wan": root / "tiny-wan", "ltx": root / "tiny-ltx", "ltx2": root / "tiny-ltx-2"}
    tiny_wan(folders["wan"])
    drive_as(folders["wan"], "wan2.1-t2v-1.3b", native_sizes=[[64, 64]])
    for name in ("ltx", "ltx2"):
        tiny_ltx(folders[name])
        drive_as(folders[name], "ltx-video", native_sizes=[[64, 64]], free_aspect=False)
    folders["wan_i2v"] = root / "tiny-wan-i2v"
    tiny_wan_i2v(folders["wan_i2v"])
    # no preset named: its model_index.json (WanImageToVideoPipeline) picks Wan 2.1 I2V
    (folders["wan_i2v"] / "shotline.json").write_text(json.dumps({"native_sizes": [[64, 64]]}))
    pickles = root / "pickle-only"
    (pickles / "transformer").mkdir(parents=True)
    (pickles / "model_index.json").write_text(json.dumps({"_class_name": "WanPipeline"}))
    torch.save({"weight": torch.zeros(2)}, pickles / "transformer" / "diffusion_pytorch_model.bin")
    folders["pickles"] = pickles
    return folders


class Recorder:
    """Listens to a queue; optionally cancels a job when it reports a given denoising step."""

    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.ended: dict[str, threading.Event] = {}
        self.cancel_at: int | None = None
        self.queue: GenerationJobs | None = None

    def wait(self, job_id: str, timeout: float = 60) -> None:
        assert self.ended.setdefault(job_id, threading.Event()).wait(timeout), f"{job_id} never ended"

    def _end(self, job_id: str) -> None:
        self.ended.setdefault(job_id, threading.Event()).set()

    def progress(self, job_id, report, eta) -> None:
        self.events.append(("progress", job_id, report))
        if self.cancel_at and report.stage == DENOISING and report.step == self.cancel_at:
            assert self.queue is not None
            self.queue.cancel(job_id)

    def log(self, job_id, text) -> None:
        self.events.append(("log", job_id, text))

    def done(self, job_id, result, cached) -> None:
        self.events.append(("done", job_id, result))
        self._end(job_id)

    def failed(self, job_id, message) -> None:
        self.events.append(("failed", job_id, message))
        self._end(job_id)

    def cancelled(self, job_id) -> None:
        self.events.append(("cancelled", job_id))
        self._end(job_id)

    def reports(self, job_id: str) -> list:
        return [e[2] for e in self.events if e[0] == "progress" and e[1] == job_id]

    def ending(self, job_id: str) -> tuple:
        return next(e for e in self.events if e[1] == job_id and e[0] in ("done", "failed", "cancelled"))


@pytest.fixture
def engine(tmp_path):
    """The real registry and queue, with a pool the test can inspect."""
    recorder = Recorder()
    pool = ModelPool()
    jobs = generation_queue(default_registry(), recorder, models=pool)
    recorder.queue = jobs

    def run(backend: str, **params) -> tuple[str, tuple]:
        base = {"prompt": "a red car at night", "frames": 12, "rate": "24", "size": "96x54", "steps": 2,
                "device": "cpu", "seed": 3, "cache_dir": str(tmp_path / "cache")}  # fmt: skip
        job = jobs.submit(JobSpec("video.generate", {**base, **params}, backend=backend))
        recorder.wait(job)
        return job, recorder.ending(job)

    yield run, jobs, recorder, pool
    jobs.shutdown()


def _decode(path: Path) -> tuple[list[np.ndarray], Fraction, tuple[int, int]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, stream.average_rate, (stream.codec_context.width, stream.codec_context.height)


def test_wan_makes_exactly_the_shot_asked_for_with_its_provenance_and_progress(engine, tiny) -> None:
    run, _, recorder, _ = engine
    job, ending = run("wan", model=str(tiny["wan"]), negative_prompt="rain")
    assert ending[0] == "done", ending
    result = ending[2]
    frames, rate, size = _decode(result.files[0])
    assert (len(frames), rate, size) == (12, 24, (96, 54))
    p = result.provenance
    assert p["task"] == "video.generate" and p["backend"] == "wan" and p["preset"] == "wan2.1-t2v-1.3b"
    assert p["model_id"] == str(tiny["wan"]) and p["model_revision"] == str(tiny["wan"].absolute())
    assert set(p["library_versions"]) == {"diffusers", "torch", "transformers"}
    assert (p["steps"], p["guidance"], p["seed"], p["negative_prompt"]) == (2, 5.0, 3, "rain")
    assert (p["generated_width"], p["generated_height"]) == (64, 64)
    # 12 frames at 24 fps last 11/24 s: 8 frames at Wan's 16 fps cover it, 9 by the 4k+1 rule
    assert p["native_frames"] == 9 and p["native_rate"] == "16/1"
    assert (p["frames"], p["rate"], p["width"], p["height"]) == (12, "24/1", 96, 54)
    assert p["pipeline"] == "WanPipeline" and p["dtype"] == "float32" and p["device"] == "cpu"
    reports = recorder.reports(job)
    stages = [r.stage for r in reports]
    assert stages[0] == "loading model" and {"decoding", "encoding"} <= set(stages)
    assert [(r.step, r.steps) for r in reports if r.stage == DENOISING] == [(1, 2), (2, 2)]
    fractions = [r.fraction for r in reports]
    assert fractions == sorted(fractions)


def test_a_loaded_model_stays_for_the_next_job_and_another_replaces_it(engine, tiny) -> None:
    run, _, _, pool = engine
    for seed in (1, 2):
        _, ending = run("ltx", model=str(tiny["ltx"]), seed=seed)
        assert ending[0] == "done", ending
    assert pool.loads == 1
    frames, rate, size = _decode(ending[2].files[0])
    assert (len(frames), rate, size) == (12, 24, (96, 54))
    # 12 frames at 24 fps at LTX's own 24 fps: 12, then 17 by the 8k+1 rule
    assert ending[2].provenance["native_frames"] == 17
    _, ending = run("ltx", model=str(tiny["ltx2"]))
    assert ending[0] == "done", ending
    assert pool.loads == 2 and pool.loaded[1] == str(tiny["ltx2"])


def test_cancel_lands_in_the_middle_of_denoising(engine, tiny, tmp_path) -> None:
    run, jobs, recorder, pool = engine
    recorder.cancel_at = 2
    job, ending = run("wan", model=str(tiny["wan"]), steps=40, seed=11)
    assert ending[0] == "cancelled"
    assert jobs.status(job)[0]["state"] == CANCELLED
    steps = [r.step for r in recorder.reports(job) if r.stage == DENOISING]
    assert steps == [1, 2]  # not one step more
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".job-")]  # nothing half-made
    # the pipeline left by the cancel runs the next job as if nothing happened
    recorder.cancel_at = None
    _, ending = run("wan", model=str(tiny["wan"]), steps=2, seed=11)
    assert ending[0] == "done", ending
    assert pool.loads == 1


def test_image_to_video_with_ltx(engine, tiny, tmp_path) -> None:
    run, _, _, _ = engine
    picture = tmp_path / "ref.png"
    Image.fromarray((np.random.default_rng(0).random((54, 96, 3)) * 255).astype(np.uint8)).save(picture)
    _, ending = run("ltx", model=str(tiny["ltx"]), image=str(picture), frames=7, rate="12")
    assert ending[0] == "done", ending
    frames, rate, size = _decode(ending[2].files[0])
    assert (len(frames), rate, size) == (7, 12, (96, 54))
    p = ending[2].provenance
    assert p["pipeline"] == "LTXImageToVideoPipeline" and p["references"] == [str(picture)]


def test_wan_image_to_video_from_a_folder_recognised_by_its_pipeline_class(engine, tiny, tmp_path) -> None:
    run, _, _, _ = engine
    picture = tmp_path / "ref.png"
    Image.new("RGB", (120, 60), (200, 30, 30)).save(picture)
    _, ending = run("wan", model=str(tiny["wan_i2v"]), image=str(picture), size="64x64", fit="fit")
    assert ending[0] == "done", ending
    frames, rate, size = _decode(ending[2].files[0])
    assert (len(frames), rate, size) == (12, 24, (64, 64))
    p = ending[2].provenance
    assert p["preset"] == "wan2.1-i2v-14b-480p" and p["pipeline"] == "WanImageToVideoPipeline"
    _, ending = run("wan", model=str(tiny["wan_i2v"]))
    assert ending[0] == "failed" and "needs a reference image" in ending[2]


def test_models_that_cannot_or_must_not_load_are_refused_with_what_to_do(engine, tiny, tmp_path) -> None:
    run, jobs, _, pool = engine
    _, ending = run("wan", model=str(tiny["pickles"]))
    assert ending[0] == "failed"
    assert "has only pickle weights (.bin); Shotline loads .safetensors only" in ending[2]
    _, ending = run("wan", model=str(tmp_path / "nowhere"))
    assert ending[0] == "failed" and "does not exist" in ending[2]
    _, ending = run("ltx", model="Shotline-Test/never-downloaded")
    assert ending[0] == "failed" and "is not downloaded and the hub is unreachable" in ending[2]
    picture = tmp_path / "ref.png"
    Image.new("RGB", (32, 32)).save(picture)
    job, ending = run("wan", model=str(tiny["wan"]), image=str(picture))
    assert ending[0] == "failed" and "makes video from text only" in ending[2]
    assert jobs.status(job)[0]["state"] == FAILED and pool.loads == 0


def test_the_shipped_presets_are_valid_and_choose_sizes_and_frame_counts() -> None:
    presets = load_presets()
    assert {"wan2.1-t2v-1.3b", "wan2.1-i2v-14b-480p", "wan2.2-ti2v-5b", "ltx-video"} <= set(presets)
    wan, ti2v, ltx = presets["wan2.1-t2v-1.3b"], presets["wan2.2-ti2v-5b"], presets["ltx-video"]
    assert wan.model == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" and wan.native_fps == 16
    assert wan.generation_size(1920, 1080) == (832, 480) and wan.generation_size(1080, 1920) == (480, 832)
    square = ltx.generation_size(1080, 1080)
    assert square[0] == square[1] and square[0] % 32 == 0 and abs(square[0] ** 2 - 704 * 480) < 704 * 64
    assert ti2v.generation_size(1920, 1080) == (1280, 704) and ti2v.native_fps == 24
    # 2 s at 30 fps: 32 frames at 16 fps cover it, 33 by the 4k+1 rule; 49 by LTX's 8k+1 at 24 fps
    assert wan.frame_count(60, Fraction(30)) == (33, 16)
    assert ltx.frame_count(60, Fraction(30)) == (49, 24)
    # a 20 s shot is longer than Wan's 81 frames: those are slowed to span the shot
    count, rate = wan.frame_count(480, Fraction(24))
    assert count == 81 and rate == Fraction(80 * 24, 479)
    assert all(p.backend in ("wan", "ltx", "ltx2", "wan-vace") for p in presets.values())
    assert preset_for_model("ltx", "Lightricks/LTX-Video") is ltx
    wan_backend = next(b for b in video_backends() if b.name == "wan")
    with pytest.raises(GenerateError, match="needs a reference image"):
        wan_backend.run(_request(model="wan2.1-i2v-14b-480p"), None)  # refused before the context is used


def _request(**params):
    from engine.generate.video.request import VideoRequest

    return VideoRequest.from_params({"frames": 8, "size": "64x36", **params})


def test_without_a_gpu_the_backends_say_so() -> None:
    import torch

    registry = default_registry()
    names = {b.name for b in registry.backends("video.generate")}
    assert {"animatic", "wan", "ltx"} <= names and registry.default("video.generate") == "animatic"
    readiness = registry.backend("video.generate", "wan").readiness()
    if torch.cuda.is_available():
        assert readiness.ready and "cuda" in readiness.reason
    else:
        assert not readiness.ready and "no GPU" in readiness.reason
