"""The ACE-Step 1.5 `music.score` backend: a cue with lyrics, BPM and key, or one section of a cue made anew.

ACE-Step makes 10 s to 10 min of 48 kHz stereo in one call, so unlike the
Stable Audio backend there are no chunks. "Rescore this section" sends the
existing cue as `src_audio` and the section as `repainting_start/_end`; the
model regenerates the section in the context of the rest, and the engine
then keeps every sample outside the section exactly as it was (the model's
own output there has passed through its VAE and is close, not equal),
joining the new section with short equal-power crossfades inside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate import pipelines as shared
from engine.generate.base import Output, Readiness
from engine.generate.draft import step_cache
from engine.generate.draft_choice import draft_facts, job_draft
from engine.generate.planner import Plan
from engine.generate.score.diffusers import LOADED, loaded_music, preset_for
from engine.generate.score.music.master import master, read_wav, write_wav
from engine.generate.score.request import RATE, ScoreRequest
from engine.generate.sound import to_48k
from engine.jobs.progress import ENCODING, LOADING, JobContext

#: The crossfade at each edge of a rescored section, inside it (10 ms).
EDGE = RATE // 100


class AceStepBackend:
    name = "ace-step"
    task = "music.score"
    label = "ACE-Step 1.5 (diffusers, GPU; lyrics, rescore a section)"
    gpu = True

    def readiness(self) -> Readiness:
        machine = shared._machine(())
        if not machine.ready:
            return machine
        preset = preset_for(None, self.name)
        state = "downloaded" if shared._cached(preset.model) else "downloads on first use"
        return Readiness(True, f"{machine.reason}; {preset.model} {state}")

    def plans(self, request: ScoreRequest) -> list[Plan]:
        """The VRAM planner's ladder for this cue (engine.generate.fitting runs the job on it)."""
        preset = preset_for(request.model, self.name)
        return shared.fitted_plans(preset.short_name, preset, request, preset.works(request))

    def run(self, request: ScoreRequest, context: JobContext) -> Output:
        preset = preset_for(request.model, self.name)
        model = preset.model if request.model in (None, preset.name) else str(request.model)
        local = shared._check_model(model)
        source = _source(request) if request.src_audio else None
        import torch

        device = shared._device(request.device, torch)
        dtype = shared._dtype(request.dtype, device, preset, torch)
        context.progress(0.0, LOADING)
        pipe, plan = loaded_music(preset, model, local, device, dtype, request, context)
        context.progress(LOADED, LOADING)
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        arguments: dict[str, Any] = {
            "prompt": request.prompt or "instrumental film score",
            "lyrics": request.lyrics,
            "audio_duration": request.samples / RATE,
            "num_inference_steps": steps,
            "guidance_scale": guidance,
            "generator": torch.Generator(device).manual_seed(request.seed),
            "bpm": round(request.bpm) if request.bpm else None,
            "keyscale": request.key,
            "callback_on_step_end": shared._step_callback(context, steps),
        }
        if source is not None and request.repaint is not None:
            start, end = request.repaint
            arguments |= {
                "task_type": "repaint",
                "src_audio": torch.from_numpy(np.ascontiguousarray(source.T)),
                "repainting_start": start / RATE,
                "repainting_end": end / RATE,
            }
        section = f", samples {request.repaint[0]} to {request.repaint[1]} anew" if request.repaint else ""
        context.log(f"{self.name}: {request.duration:.2f} s at 48 kHz, {steps} steps{section}")
        context.check_cancelled()
        draft = job_draft(preset.draft(), request.quality, context.log, self.name)
        with step_cache(pipe, draft):
            made = pipe(**arguments).audios[0]
        made = np.asarray(made.float().cpu() if hasattr(made, "float") else made, np.float32)
        made = to_48k(made, int(pipe.vae.config.sampling_rate))
        context.progress(0.9, ENCODING)
        if source is not None and request.repaint is not None:
            audio = splice(source, made, *request.repaint)
        else:
            audio = master(made, request.samples)
        path = write_wav(context.workdir / "score.wav", audio)
        context.progress(1.0, ENCODING)
        provenance = request.provenance(
            **shared.model_facts(self.name, preset, model, local, pipe, device, dtype),  # type: ignore[arg-type]
            steps=steps,
            guidance=guidance,
            native_rate=int(pipe.vae.config.sampling_rate),
            chunks=1,
            soundfont="",
            plan=plan.describe(),
            **draft_facts(draft),
            tempo=request.bpm,
            key=request.key,
            progression="",
        )
        return Output([path], provenance)


def splice(source: np.ndarray, made: np.ndarray, start: int, end: int) -> np.ndarray:
    """`source` with samples start..end from `made`, faded in and out inside the section, the rest kept."""
    out = source.copy()
    new = np.zeros((end - start, 2), np.float32)
    piece = made[start:end, :2]
    new[: len(piece)] = piece
    edge = min(EDGE, (end - start) // 2)
    if edge:
        theta = np.linspace(0.0, np.pi / 2, edge, dtype=np.float32)[:, None]
        if start > 0:  # fade from the old cue into the new section
            new[:edge] = new[:edge] * np.sin(theta) + source[start : start + edge] * np.cos(theta)
        if end < len(source):  # and back at its end
            new[-edge:] = new[-edge:] * np.cos(theta) + source[end - edge : end] * np.sin(theta)
    out[start:end] = np.clip(new, -1.0, 1.0)
    return out


def _source(request: ScoreRequest) -> np.ndarray:
    """The cue to rescore: 48 kHz stereo, exactly the request's length."""
    path = Path(str(request.src_audio))
    try:
        audio, rate = read_wav(path)
    except (OSError, EOFError) as error:
        raise GenerateError(f"The cue {path.name} cannot be read: {error}") from None
    if rate != RATE:
        raise GenerateError(f"The cue {path.name} is {rate} Hz; a cue to rescore is 48 kHz")
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    if len(audio) != request.samples:
        raise GenerateError(
            f"The cue {path.name} is {len(audio)} samples long, not the {request.samples} the range lasts"
        )
    return audio[:, :2]


def acestep_backends() -> list[AceStepBackend]:
    return [AceStepBackend()]
