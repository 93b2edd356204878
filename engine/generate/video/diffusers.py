"""The diffusers `video.generate` backends for real GPUs: Wan 2.1/2.2 and LTX-Video.

Each backend drives one family of checkpoints, described by presets in
resources/models/video.json (engine.generate.presets). A model is a hub id
or a local folder; either way it is loaded only with
`from_pretrained(..., use_safetensors=True)`, so a checkpoint can never run
code hidden in a pickle, and it is loaded through the job's ModelPool, so
regenerating five shots with one model loads it once.

The model makes what it is good at (its native size, its frame-count rule,
its frame rate), and the result is conformed to exactly the shot the user
asked for (frames, rate, size; fit or crop), then written as a mezzanine
file. Progress is reported at every denoising step, and a cancel lands at
the next one: the step callback raises JobCancelled, which leaves the
pipeline's loop at once (diffusers does not catch it).

torch and diffusers are imported only inside `run` and `readiness`, so the
registry, `shotline generate --list` and the editor never pay for them
until a job or a readiness check needs them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Output
from engine.generate.conform import conform
from engine.generate.mezzanine import write_video
from engine.generate.pipelines import (
    DECODED,
    LOADED,
    PresetBackend,
    _reference,
    _step_callback,
    model_facts,
)
from engine.generate.presets import I2V_PIPELINES
from engine.generate.video.request import VideoRequest
from engine.jobs.progress import ENCODING, LOADING, JobContext


class DiffusersVideoBackend(PresetBackend):
    """Text- or image-to-video with one family of diffusers pipelines (`wan` or `ltx`)."""

    task = "video.generate"

    # running -------------------------------------------------------------------------

    def run(self, request: VideoRequest, context: JobContext) -> Output:
        preset, model, local = self.model_for(request.model)
        if request.image and not preset.image_to_video:
            raise GenerateError(
                f"{preset.label} makes video from text only: choose a model that takes a reference image"
            )
        if not request.image and not preset.text_to_video:
            raise GenerateError(f"{preset.label} needs a reference image (image-to-video)")
        import torch

        pipe, device, dtype = self.loaded(preset, model, local, request, context)
        if request.image and type(pipe).__name__ not in I2V_PIPELINES:
            import diffusers

            pipe = getattr(diffusers, str(preset.i2v_pipeline)).from_pipe(pipe)  # same weights, no reload
        context.progress(LOADED, LOADING)

        width, height = preset.generation_size(request.width, request.height)
        count, played_rate = preset.frame_count(request.frames, request.rate)
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        negative = request.negative_prompt or preset.negative_prompt
        context.log(
            f"{self.name}: {count} frames at {width}x{height}, {float(preset.native_fps):g} fps, "
            f"{steps} steps, for {request.frames} frames at {request.width}x{request.height}"
        )
        arguments: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": negative or None,
            "width": width,
            "height": height,
            "num_frames": count,
            "num_inference_steps": steps,
            "guidance_scale": guidance,
            "generator": torch.Generator(device).manual_seed(request.seed),
            "output_type": "np",
            "callback_on_step_end": _step_callback(context, steps),
            **preset.call_options,
        }
        if self.name == "ltx":
            arguments["frame_rate"] = float(preset.native_fps)  # LTX conditions its motion on the rate
        if preset.timesteps and request.steps in (None, len(preset.timesteps)):
            arguments["timesteps"] = list(preset.timesteps)
            steps = arguments["num_inference_steps"] = len(preset.timesteps)
        if request.image:
            arguments["image"] = _reference(request.image, (width, height))

        context.check_cancelled()
        result = pipe(**arguments)
        frames = np.asarray(result.frames[0])  # (frames, height, width, 3), floats 0..1
        context.check_cancelled()
        context.progress(DECODED, ENCODING)

        path = context.workdir / f"{self.name}.mp4"
        size = (request.width, request.height)

        def encoded(n: int) -> None:
            context.progress(DECODED + (1 - DECODED) * n / request.frames, ENCODING, n, request.frames)
            context.check_cancelled()

        pictures = conform(list(frames), played_rate, request.frames, request.rate, size, request.fit)
        write_video(path, pictures, request.rate, size, on_frame=encoded)
        provenance = request.provenance(
            **model_facts(self.name, preset, model, local, pipe, device, dtype),
            steps=steps,
            guidance=guidance,
            negative_prompt=negative,
            generated_width=width,
            generated_height=height,
            native_frames=int(frames.shape[0]),
            native_rate=f"{played_rate.numerator}/{played_rate.denominator}",
            fit=request.fit,
        )
        return Output([path], provenance)


def video_backends() -> list[DiffusersVideoBackend]:
    """The backends the registry adds for `video.generate` (the animatic stays the default)."""
    return [
        DiffusersVideoBackend("wan", "Wan 2.1 / 2.2 (diffusers, GPU)", needs=("ftfy",)),
        DiffusersVideoBackend("ltx", "LTX-Video (diffusers, GPU)"),
    ]
