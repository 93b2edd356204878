"""The diffusers `music.score` backend for GPUs: Stable Audio Open (default) and AudioLDM 2.

A model makes at most a few tens of seconds a call (Stable Audio's limit
is its transformer's sample_size x the VAE's hop / its sample rate), so a
longer score is made in overlapping chunks, each seeded from the request's
seed and its index, and joined with equal-power crossfades. The result is
resampled to 48 kHz stereo with libswresample (PyAV) and mastered to
exactly the range's samples, like every score. Models load only with
`from_pretrained(..., use_safetensors=True)`, through the job's ModelPool.
A diffusion model does not know where the cuts are, so "hit the cuts" is
recorded in the provenance but not honoured; the composer backend does that.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate import pipelines as shared
from engine.generate.base import Output, Readiness
from engine.generate.draft import step_cache
from engine.generate.draft_choice import DraftChoice, draft_choice, draft_facts, job_draft
from engine.generate.footprint import Footprint, parse_footprint
from engine.generate.planner import Plan
from engine.generate.presets import presets_file, read_presets
from engine.generate.score.music.master import master, write_wav
from engine.generate.score.request import RATE, ScoreRequest
from engine.generate.sound import to_48k
from engine.jobs.progress import DENOISING, ENCODING, LOADING, JobContext

PRESETS_FILE = presets_file("music.json")
PIPELINES = frozenset({"StableAudioPipeline", "AudioLDM2Pipeline", "AceStepPipeline"})
LOADED, DENOISED = 0.05, 0.9


@dataclass(frozen=True)
class MusicPreset:
    name: str
    label: str
    model: str
    pipeline: str
    steps: int
    guidance: float
    negative_prompt: str = ""
    max_seconds: float | None = None  # None: read from the model (Stable Audio)
    overlap_seconds: float = 2.0
    dtype: str = "float16"
    default: bool = False
    backend: str = "stable-audio"  # the backend that drives it (ace-step for ACE-Step)
    footprint: Footprint | None = None  # its memory figures, for the VRAM planner (engine.generate.planner)
    distilled: bool = False  # its steps are already the few a distilled model takes (ACE-Step turbo)

    @property
    def short_name(self) -> str:
        return self.label.split(" (")[0]

    def draft(self) -> DraftChoice:
        return draft_choice(self.short_name, self.pipeline, self.distilled)

    def works(self, request: ScoreRequest) -> list[tuple[float, ...]]:
        """The seconds of audio one call makes, as the footprint measures work.

        Stable Audio makes a long score in pieces of at most its own length
        (the footprint's reference); ACE-Step makes the whole cue in one call.
        """
        seconds = request.samples / RATE
        if self.backend == "stable-audio":
            longest = self.max_seconds or (self.footprint.at[0] if self.footprint else seconds)
            seconds = min(seconds, longest)
        return [(seconds,)]


@cache
def load_presets(path: Path = PRESETS_FILE) -> dict[str, MusicPreset]:
    entries = read_presets(path)
    try:
        presets = {
            name: MusicPreset(
                name=name,
                label=str(e.get("label") or name),
                model=str(e["model"]),
                pipeline=str(e["pipeline"]),
                steps=int(e["steps"]),
                guidance=float(e["guidance"]),
                negative_prompt=str(e.get("negative_prompt") or ""),
                max_seconds=float(e["max_seconds"]) if e.get("max_seconds") else None,
                overlap_seconds=float(e.get("overlap_seconds", 2.0)),
                dtype=str(e.get("dtype", "float16")),
                default=bool(e.get("default", False)),
                backend=str(e.get("backend") or "stable-audio"),
                footprint=parse_footprint(e.get("footprint"), f"{Path(path).name}, preset {name}"),
                distilled=bool(e.get("distilled", False)),
            )
            for name, e in entries.items()
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GenerateError(f"The music model presets {Path(path).name} cannot be read: {error}") from None
    bad = [p.name for p in presets.values() if p.pipeline not in PIPELINES]
    if bad:
        raise GenerateError(f"{Path(path).name}: unknown pipeline in preset {', '.join(bad)}")
    return presets


def preset_for(model: str | None, backend: str = "stable-audio") -> MusicPreset:
    """The backend's preset named or whose hub id is `model`; a local folder by its model_index.json class."""
    found = [p for p in load_presets().values() if p.backend == backend]
    presets = sorted(found, key=lambda p: not p.default)
    if model is None:
        return presets[0]
    for preset in presets:
        if model in (preset.name, preset.model):
            return preset
    index = Path(model).expanduser() / "model_index.json"
    try:
        kind = json.loads(index.read_text(encoding="utf-8")).get("_class_name")
    except (OSError, ValueError):
        kind = None
    return next((p for p in presets if p.pipeline == kind), presets[0])


class DiffusersMusicBackend:
    name = "stable-audio"
    task = "music.score"
    label = "Stable Audio Open / AudioLDM 2 (diffusers, GPU)"
    gpu = True

    def readiness(self) -> Readiness:
        machine = shared._machine(("torchsde",))
        if not machine.ready:
            return machine
        preset = preset_for(None)
        state = "downloaded" if shared._cached(preset.model) else "downloads on first use"
        return Readiness(True, f"{machine.reason}; {preset.model} {state}")

    def plans(self, request: ScoreRequest) -> list[Plan]:
        """The VRAM planner's ladder for this cue (engine.generate.fitting runs the job on it)."""
        preset = preset_for(request.model, self.name)
        return shared.fitted_plans(preset.short_name, preset, request, preset.works(request))

    def run(self, request: ScoreRequest, context: JobContext) -> Output:
        preset = preset_for(request.model)
        model = preset.model if request.model in (None, preset.name) else str(request.model)
        local = shared._check_model(model)
        import torch

        device = shared._device(request.device, torch)
        dtype = shared._dtype(request.dtype, device, preset, torch)
        context.progress(0.0, LOADING)
        pipe, fitted = loaded_music(preset, model, local, device, dtype, request, context)
        context.progress(LOADED, LOADING)
        rate = _native_rate(pipe)
        limit = _limit(pipe, preset)
        needed = math.ceil(request.samples * rate / RATE) + 8  # a little spare for the resampler's edges
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        negative = request.negative_prompt or preset.negative_prompt
        plan = chunk_plan(needed, int(limit * rate), int(min(preset.overlap_seconds, limit / 4) * rate))
        context.log(
            f"{self.name}: {request.duration:.2f} s as {len(plan)} piece(s) of up to {limit:.1f} s "
            f"at {rate} Hz, {steps} steps"
        )
        pieces = []
        draft = job_draft(preset.draft(), request.quality, context.log, self.name)
        for index, (_start, length) in enumerate(plan):
            context.check_cancelled()
            arguments = _arguments(preset.pipeline, length / rate)
            arguments |= {
                "prompt": request.prompt or "instrumental film score",
                "negative_prompt": negative or None,
                "num_inference_steps": steps,
                "guidance_scale": guidance,
                "generator": torch.Generator(device).manual_seed(request.seed + index),
                "output_type": "np",
                "callback": _step_callback(context, index, len(plan), steps),
                "callback_steps": 1,
            }
            with step_cache(pipe, draft):
                audio = np.asarray(pipe(**arguments).audios[0], np.float32)
            pieces.append(_stereo(audio)[:, :length])
        joined = crossfade(pieces, plan, needed)
        context.progress(DENOISED, ENCODING)
        resampled = to_48k(joined, rate)
        path = write_wav(context.workdir / "score.wav", master(resampled, request.samples))
        context.progress(1.0, ENCODING)
        provenance = request.provenance(
            backend=self.name,
            preset=preset.name,
            model_id=model,
            model_revision=shared._revision(model, local),
            pipeline=type(pipe).__name__,
            library_versions=shared._versions(),
            steps=steps,
            guidance=guidance,
            negative_prompt=negative,
            native_rate=rate,
            chunks=len(plan),
            chunk_seconds=round(limit, 3),
            device=device,
            dtype=str(dtype).removeprefix("torch."),
            plan=fitted.describe(),
            **draft_facts(draft),
            soundfont="",
            tempo=None,
            key=None,
            progression="",
        )
        return Output([path], provenance)


def loaded_music(
    preset: MusicPreset, model: str, local: bool, device: str, dtype: Any, request: ScoreRequest,
    context: JobContext,
) -> tuple[Any, Plan]:  # fmt: skip
    """(pipeline, plan): loaded on this try's plan through the pool, whose key holds how it is placed."""
    plan = shared.job_plan(preset.short_name, request, context, device)
    key = ("music", model, preset.pipeline, device, str(dtype), plan.key())
    pipe = context.models.get(
        key, lambda: shared._load(preset.pipeline, model, local, device, dtype, plan, context.log, preset)
    )
    return pipe, plan


def music_backends() -> list[DiffusersMusicBackend]:
    return [DiffusersMusicBackend()]


# chunks --------------------------------------------------------------------------------


def chunk_plan(total: int, longest: int, overlap: int) -> list[tuple[int, int]]:
    """(start, length) of each piece, in samples: pieces of at most `longest`, overlapping by `overlap`."""
    if longest <= 0:
        raise GenerateError("The music model makes no audio at all (its longest piece is 0 s)")
    if total <= longest:
        return [(0, total)]
    overlap = min(overlap, longest // 2)
    hop = longest - overlap
    count = math.ceil((total - overlap) / hop)
    plan = [(k * hop, longest) for k in range(count)]
    start = plan[-1][0]
    plan[-1] = (start, total - start)
    if plan[-1][1] < overlap + 1:  # a last sliver: stretch the one before to the end instead
        plan.pop()
        start = plan[-1][0]
        plan[-1] = (start, total - start) if total - start <= longest else plan[-1]
    return plan


def crossfade(pieces: list[np.ndarray], plan: list[tuple[int, int]], total: int) -> np.ndarray:
    """Pieces (channels, n) laid at their starts, each overlap an equal-power (cos/sin) crossfade."""
    out = np.zeros((2, total), np.float32)
    end = 0
    for piece, (start, _length) in zip(pieces, plan, strict=True):
        overlap = max(0, end - start)
        piece = piece.copy()
        if overlap:
            theta = np.linspace(0.0, np.pi / 2, overlap, dtype=np.float32)
            out[:, start:end] *= np.cos(theta)
            piece[:, :overlap] *= np.sin(theta)
        stop = min(total, start + piece.shape[1])
        out[:, start:stop] += piece[:, : stop - start]
        end = stop
    return out


def _stereo(audio: np.ndarray) -> np.ndarray:
    if audio.ndim == 1:
        audio = audio[None]
    if audio.shape[0] > audio.shape[-1]:  # (n, channels)
        audio = audio.T
    return np.repeat(audio, 2, axis=0) if audio.shape[0] == 1 else audio[:2]


def _native_rate(pipe: Any) -> int:
    vocoder = getattr(pipe, "vocoder", None)
    if vocoder is not None:
        return int(vocoder.config.sampling_rate)
    return int(pipe.vae.config.sampling_rate)


def _limit(pipe: Any, preset: MusicPreset) -> float:
    if preset.max_seconds:
        return preset.max_seconds
    transformer = getattr(pipe, "transformer", None)
    if transformer is None:
        return 10.0
    return float(transformer.config.sample_size) * float(pipe.vae.hop_length) / float(_native_rate(pipe))


def _arguments(pipeline: str, seconds: float) -> dict[str, Any]:
    if pipeline == "StableAudioPipeline":
        return {"audio_end_in_s": seconds}
    return {"audio_length_in_s": seconds}


def _step_callback(context: JobContext, index: int, pieces: int, steps: int) -> Any:
    def on_step(step: int, _timestep: Any, _latents: Any) -> None:
        done = index * steps + step + 1
        total = pieces * steps
        context.progress(LOADED + (DENOISED - LOADED) * done / total, DENOISING, done, total)
        context.check_cancelled()

    return on_step
