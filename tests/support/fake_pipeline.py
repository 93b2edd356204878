"""A stand-in for a diffusers pipeline that runs out of GPU memory where a test says, for the planner's tests.

It loads like one (`from_pretrained(..., use_safetensors=True)`), records
where `engine.generate.pipelines.place` put it (all on the GPU, model or
group offload, VAE tiling), and raises torch's OutOfMemoryError when it is
called while placed as `fails` names ("model", or "group 1280x720" for a
placement at a size). The subclasses answer as a still or a music pipeline
does, so the real image and score backends run on them; `pretend_cuda`
makes the engine believe it has a CUDA card without one.
"""

from __future__ import annotations

import json
import threading
import weakref
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import numpy as np

GPU, MODEL, GROUP = "gpu", "model", "group"


class FakePipeline:
    """Loads like a diffusers pipeline; runs out of GPU memory where `fails` says ("group 1280x720")."""

    fails: tuple[str, ...] = ()
    error = "oom"
    made: ClassVar[list[weakref.ref]] = []
    ran: ClassVar[list[str]] = []  # where each call that did not run out of memory ran

    def __init__(self) -> None:
        self.placement = "?"
        self.tiled = False
        self.vae = self
        self.config = SimpleNamespace(sampling_rate=48_000)

    @classmethod
    def from_pretrained(cls, path: str, use_safetensors: bool, **options: Any) -> FakePipeline:
        assert use_safetensors
        pipe = cls()
        cls.made.append(weakref.ref(pipe))
        return pipe

    def to(self, device: str) -> None:
        self.placement = GPU

    def enable_model_cpu_offload(self, device: str) -> None:
        self.placement = MODEL

    def enable_group_offload(self, **options: Any) -> None:
        self.placement = GROUP

    def enable_tiling(self) -> None:
        self.tiled = True

    def set_progress_bar_config(self, **options: Any) -> None:
        pass

    def __call__(self, width: int | None = None, height: int | None = None, **arguments: Any) -> Any:
        where = self.placement if width is None else f"{self.placement} {width}x{height}"
        if self.placement in self.fails or where in self.fails:
            import torch

            if self.error == "oom":
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
            raise RuntimeError("CUDA error: out of memory")
        type(self).ran.append(where)
        return self.result(where, width, height, arguments)

    def result(self, where: str, width: int | None, height: int | None, arguments: dict[str, Any]) -> Any:
        return where


class FakeImagePipeline(FakePipeline):
    """Answers as a still pipeline does: one grey picture of the size asked."""

    def result(self, where: str, width: int | None, height: int | None, arguments: dict[str, Any]) -> Any:
        return SimpleNamespace(images=[np.full((height or 64, width or 64, 3), 128, np.uint8)])


class FakeMusicPipeline(FakePipeline):
    """Answers as ACE-Step does: (channels, samples) of 48 kHz audio, as long as asked."""

    def result(self, where: str, width: int | None, height: int | None, arguments: dict[str, Any]) -> Any:
        samples = round(float(arguments["audio_duration"]) * 48_000)
        return SimpleNamespace(audios=[np.full((2, samples), 0.1, np.float32)])


def fake_model_folder(folder: Path, pipeline: str, shotline: dict[str, Any] | None = None) -> Path:
    """A model folder the engine's loader accepts (safetensors, model_index.json) for the fake to stand in."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model_index.json").write_text(json.dumps({"_class_name": pipeline}))
    (folder / "weights.safetensors").write_bytes(b"")
    if shotline is not None:
        (folder / "shotline.json").write_text(json.dumps(shotline))
    return folder


def pretend_cuda(monkeypatch: Any, pipelines: dict[str, type[FakePipeline]]) -> None:
    """The engine sees a CUDA card (whose memory each job states as vram_gb) and loads the fakes.

    torch's CUDA generator is replaced by a CPU one: a seed still seeds, and
    no CUDA library is needed.
    """
    import diffusers
    import torch

    import engine.generate.pipelines as shared

    for name, fake in pipelines.items():
        monkeypatch.setattr(diffusers, name, fake, raising=False)
        monkeypatch.setattr(fake, "made", [])
        monkeypatch.setattr(fake, "ran", [])
    cpu_generator = torch.Generator
    monkeypatch.setattr(shared, "_device", lambda asked, torch: "cuda")
    monkeypatch.setattr(shared, "system_memory_gb", lambda: 256.0)  # a workstation: offload fits in RAM
    monkeypatch.setattr(torch, "Generator", lambda device="cpu": cpu_generator("cpu"))


class Listener:
    """The job queue's listener, keeping each job's log, stages and ending for a test to read."""

    def __init__(self) -> None:
        self.logs: dict[str, list[str]] = {}
        self.stages: dict[str, list[str]] = {}
        self.endings: dict[str, tuple] = {}
        self.ended: dict[str, threading.Event] = {}

    def wait(self, job: str) -> tuple:
        assert self.ended.setdefault(job, threading.Event()).wait(60), f"{job} never ended"
        return self.endings[job]

    def _end(self, job: str, *ending: Any) -> None:
        self.endings[job] = ending
        self.ended.setdefault(job, threading.Event()).set()

    def progress(self, job: str, report: Any, eta: Any) -> None:
        self.stages.setdefault(job, []).append(report.stage)

    def log(self, job: str, text: str) -> None:
        self.logs.setdefault(job, []).append(text)

    def done(self, job: str, result: Any, cached: bool) -> None:
        self._end(job, "done", result)

    def failed(self, job: str, message: str) -> None:
        self._end(job, "failed", message)

    def cancelled(self, job: str) -> None:
        self._end(job, "cancelled")

    def plan_lines(self, job: str) -> list[str]:
        """The job's "Plan: ..." and "Out of GPU memory ..." log lines, in order."""
        return [line for line in self.logs.get(job, []) if line.startswith(("Plan:", "Out of GPU"))]
