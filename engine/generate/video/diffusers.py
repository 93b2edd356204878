"""The diffusers `video.generate` backends for real GPUs: LTX-2 (with sound), Wan 2.1/2.2 and LTX-Video.

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
from engine.generate.draft import step_cache
from engine.generate.mezzanine import write_video
from engine.generate.pipelines import (
    DECODED,
    LOADED,
    PresetBackend,
    _reference,
    _step_callback,
    generation_size,
    model_facts,
)
from engine.generate.planner import Plan
from engine.generate.presets import I2V_PIPELINES, LTX2_PIPELINES, VideoPreset
from engine.generate.sound import write_take_sound
from engine.generate.video.choices import DRAFT, draft_method
from engine.generate.video.request import VideoRequest
from engine.jobs.progress import ENCODING, LOADING, JobContext


class DiffusersVideoBackend(PresetBackend):
    """Text- or image-to-video with one family of diffusers pipelines (`wan`, `ltx` or `ltx2`)."""

    task = "video.generate"

    # running -------------------------------------------------------------------------

    def run(self, request: VideoRequest, context: JobContext) -> Output:
        preset, model, local = self.model_for(request.model)
        self.check_anchors(preset, request)
        import torch

        pipe, device, dtype = self.loaded(preset, model, local, request, context)
        pipe = self.for_anchors(pipe, preset, request)
        context.progress(LOADED, LOADING)

        width, height = generation_size(preset, request, context)
        count, played_rate = preset.frame_count(request.frames, request.rate)
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        negative = request.negative_prompt or preset.negative_prompt
        context.log(
            f"{self.name}: {count} frames at {width}x{height}, {float(preset.native_fps):g} fps, "
            f"{steps} steps, for {request.frames} frames at {request.width}x{request.height}"
        )
        options = dict(preset.call_options)
        sigmas = options.pop("sigmas", None)
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
            **options,
        }
        if preset.guidance_2 is not None and getattr(pipe, "transformer_2", None) is not None:
            arguments["guidance_scale_2"] = preset.guidance_2  # the low-noise expert's
        if self.name in ("ltx", "ltx2"):
            arguments["frame_rate"] = float(preset.native_fps)  # LTX conditions its motion on the rate
        if preset.timesteps and request.steps in (None, len(preset.timesteps)):
            arguments["timesteps"] = list(preset.timesteps)
            steps = arguments["num_inference_steps"] = len(preset.timesteps)
        if sigmas and request.steps in (None, len(sigmas)):  # a distilled model's own schedule
            arguments["sigmas"] = [float(v) for v in sigmas]
            steps = arguments["num_inference_steps"] = len(sigmas)
        arguments |= self.anchor_arguments(pipe, request, (width, height), count)
        draft = draft_method(preset) if request.quality == DRAFT else None
        if draft:
            context.log(f"{self.name}: Draft quality, {draft}")

        context.check_cancelled()
        with step_cache(pipe, draft):
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
        files = [path]
        sound = _sound(pipe, result, preset, played_rate, request, context)
        if sound is not None:
            files.append(sound[0])
        plan = context.plan
        provenance = request.provenance(
            **model_facts(self.name, preset, model, local, pipe, device, dtype),
            steps=steps,
            guidance=guidance,
            guidance_2=arguments.get("guidance_scale_2"),
            negative_prompt=negative,
            generated_width=width,
            generated_height=height,
            native_frames=int(frames.shape[0]),
            native_rate=f"{played_rate.numerator}/{played_rate.denominator}",
            fit=request.fit,
            plan=plan.describe() if isinstance(plan, Plan) else "",
            has_audio=sound is not None,
            audio=sound[0].name if sound else None,
            audio_samples=sound[1] if sound else None,
            quality=request.quality,
            draft=draft,
        )
        return Output(files, provenance)

    # what a family takes besides the prompt (VACE overrides these: engine.generate.video.vace) ------

    def check_anchors(self, preset: VideoPreset, request: VideoRequest) -> None:
        check_anchors(preset, request)

    def for_anchors(self, pipe: Any, preset: VideoPreset, request: VideoRequest) -> Any:
        return _for_anchors(pipe, preset, request)

    def anchor_arguments(
        self, pipe: Any, request: VideoRequest, size: tuple[int, int], count: int
    ) -> dict[str, Any]:
        """The pipeline's arguments for the request's pictures, for `count` frames at `size`."""
        return _anchor_arguments(pipe, request, size)


def check_anchors(preset: VideoPreset, request: VideoRequest) -> None:
    """Refuse, before loading, anchors the preset cannot honour (never silently ignore one)."""
    if request.references:
        raise GenerateError(
            f"{preset.short_name} takes no reference images: choose Wan VACE (wan-vace), "
            "or make the shot from a keyframe made from them"
        )
    if request.image and not preset.image_to_video:
        raise GenerateError(
            f"{preset.label} makes video from text only: choose a model that takes a reference image"
        )
    if request.last_image and not preset.last_image:
        raise GenerateError(
            f"{preset.short_name} cannot end on a given picture: choose LTX-2 or Wan 2.2 image-to-video"
        )
    if request.last_image and not request.image and preset.pipeline not in LTX2_PIPELINES:
        raise GenerateError(f"{preset.short_name} ends on a picture only when it also starts from one")
    if not request.image and not request.last_image and not preset.text_to_video:
        raise GenerateError(f"{preset.label} needs a reference image (image-to-video)")


def _for_anchors(pipe: Any, preset: VideoPreset, request: VideoRequest) -> Any:
    """The pipeline class the anchors need, sharing the loaded weights (no reload)."""
    import diffusers

    name = type(pipe).__name__
    if name in LTX2_PIPELINES:
        wanted = (
            "LTX2ConditionPipeline" if request.last_image
            else "LTX2ImageToVideoPipeline" if request.image else "LTX2Pipeline"
        )  # fmt: skip
    elif request.image and name not in I2V_PIPELINES:
        wanted = str(preset.i2v_pipeline)
    else:
        return pipe
    return pipe if wanted == name else getattr(diffusers, wanted).from_pipe(pipe)


def _anchor_arguments(pipe: Any, request: VideoRequest, size: tuple[int, int]) -> dict[str, Any]:
    """The first and last pictures as the pipeline takes them (LTX-2: conditions at frames 0 and -1)."""
    first = _reference(request.image, size) if request.image else None
    last = _reference(request.last_image, size) if request.last_image else None
    if type(pipe).__name__ == "LTX2ConditionPipeline":
        from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

        conditions = [LTX2VideoCondition(frames=first, index=0)] if first is not None else []
        conditions.append(LTX2VideoCondition(frames=last, index=-1))
        return {"conditions": conditions}
    found: dict[str, Any] = {}
    if first is not None:
        found["image"] = first
    if last is not None:
        found["last_image"] = last
    return found


def _sound(
    pipe: Any, result: Any, preset: VideoPreset, played_rate: Any, request: VideoRequest, context: JobContext
) -> tuple[Any, int] | None:
    """The take's sound as a WAV beside its picture, as long as the shot; None for a silent model.

    A shot longer than the model's longest clip is played slower to fit, and
    slowed sound would not be the sound of that picture: it is left out, and
    the log says so.
    """
    audio = getattr(result, "audio", None)
    if audio is None or not preset.makes_audio:
        return None
    if played_rate != preset.native_fps:
        context.log(f"{preset.short_name}: the picture was slowed to fit the shot, so its sound is left out")
        return None
    samples = np.asarray(audio[0].float().cpu() if hasattr(audio, "float") else audio[0], np.float32)
    rate = int(pipe.vocoder.config.output_sampling_rate)
    path = context.workdir / "sound.wav"
    count = write_take_sound(path, samples, rate, request.frames, request.rate)
    return path, count


def video_backends() -> list[DiffusersVideoBackend]:
    """The backends the registry adds for `video.generate` (the animatic stays the default)."""
    return [
        DiffusersVideoBackend("ltx2", "LTX-2 (diffusers, GPU; picture and sound)"),
        DiffusersVideoBackend("wan", "Wan 2.1 / 2.2 (diffusers, GPU)", needs=("ftfy",)),
        DiffusersVideoBackend("ltx", "LTX-Video (diffusers, GPU)"),
    ]
