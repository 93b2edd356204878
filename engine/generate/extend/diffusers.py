"""The diffusers `video.extend` backends for real GPUs: LTX-Video with a video condition, and Wan VACE.

Both show the model the clip's frames next to the cut and ask it for more:

- `ltx-extend` (LTXConditionPipeline) conditions on those frames at the start
  of the video it makes (strength 1: they are kept) and asks for more frames
  than it was given, so what follows continues them. LTX counts frames as
  8k+1, and its condition video too. A head extension runs the context
  backwards and reverses what the model makes (LTX's condition sits at
  frame 0), which the provenance records.
- `ltx2-extend` (LTX2ConditionPipeline) does the same with LTX-2, which also
  makes sound: the take's sound continues with the model's over the new
  frames (engine.generate.extend.sound).
- `vace-extend` (WanVACEPipeline) is given a video of the known frames plus
  grey frames where the new ones go, and a mask that is black (keep) on the
  known frames and white (make) on the new ones; Wan counts 4k+1. A head
  extension simply puts the masked frames first.

Models work at their own rate and size (LTX 24 fps, Wan 16 fps): the
context is sampled at the model's rate, and the new frames are conformed
back to the clip's rate and size. The clip's own frames never pass through
the model: `extend_video` writes them bit for bit, so only the new frames
show the model's hand. Loading (safetensors only, through the job's
ModelPool), devices, dtypes, progress and cancel are those of the
`video.generate` backends (engine.generate.video.diffusers).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Output
from engine.generate.conform import fit_picture, to_uint8, valid_count
from engine.generate.draft import step_cache
from engine.generate.draft_choice import draft_facts, job_draft
from engine.generate.extend.request import ExtendRequest, extend_video
from engine.generate.extend.sound import extended_sound
from engine.generate.pipelines import (
    DECODED,
    LOADED,
    PresetBackend,
    _step_callback,
    generation_size,
    model_facts,
)
from engine.generate.presets import VideoPreset, presets_file
from engine.generate.video.choices import preset_draft
from engine.jobs.progress import DECODING, LOADING, JobContext

PRESETS_FILE = presets_file("extend.json")
#: Grey (0.5) marks frames VACE is to make, as its authors' own tools do.
VACE_FILL = 127


class DiffusersExtendBackend(PresetBackend):
    """Extend a clip with one family of diffusers pipelines: `ltx-extend` or `vace-extend`."""

    task = "video.extend"
    presets_file = PRESETS_FILE

    def works(self, preset: VideoPreset, request: Any) -> tuple[list[tuple[float, ...]], list[Any]]:
        """The model makes the clip's context frames and the new ones in one call: all of them count."""
        total = _Plan.make(preset, request).total
        width, height = preset.generation_size(request.width, request.height)
        works: list[tuple[float, ...]] = [(width, height, total)]
        sizes: list[Any] = [None]
        smaller = preset.smaller_size(request.width, request.height)
        if smaller is not None:
            works.append((smaller[0], smaller[1], total))
            sizes.append(smaller)
        return works, sizes

    def run(self, request: ExtendRequest, context: JobContext) -> Output:
        preset, model, local = self.model_for(request.model)
        plan = _Plan.make(preset, request)
        import torch

        pipe, device, dtype = self.loaded(preset, model, local, request, context)
        context.progress(LOADED, LOADING)
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        negative = request.negative_prompt or preset.negative_prompt
        width, height = generation_size(preset, request, context)  # smaller when the plan says so
        context.log(
            f"{self.name}: {plan.total} frames at {width}x{height}, {float(preset.native_fps):g} fps, "
            f"{plan.known} of them the clip's, {steps} steps, for {request.frames} new frames"
        )
        draft = job_draft(preset_draft(preset), request.quality, context.log, self.name)
        facts: dict[str, Any] = draft_facts(draft)
        heard: dict[str, Any] = {}  # the model's sound, when it makes sound

        def continuation(shown: list[np.ndarray]) -> list[np.ndarray]:
            known = plan.context(shown, request.rate, preset.native_fps)
            arguments: dict[str, Any] = {
                "prompt": request.prompt,
                "negative_prompt": negative or None,
                "width": width,
                "height": height,
                "num_frames": plan.total,
                "num_inference_steps": steps,
                "guidance_scale": guidance,
                "generator": torch.Generator(device).manual_seed(request.seed),
                "output_type": "np",
                "callback_on_step_end": _step_callback(context, steps),
                **preset.call_options,
            }
            if preset.timesteps and request.steps in (None, len(preset.timesteps)):
                arguments["timesteps"] = list(preset.timesteps)
                arguments["num_inference_steps"] = len(preset.timesteps)
            sigmas = arguments.pop("sigmas", None)
            if sigmas and request.steps in (None, len(sigmas)):  # a distilled model's own schedule
                arguments["sigmas"] = [float(v) for v in sigmas]
                arguments["num_inference_steps"] = len(sigmas)
            pictures = [_pil(fit_picture(rgb, (width, height), "crop")) for rgb in known]
            chronological = request.head and self.name == "vace-extend"
            if self.name == "ltx-extend":
                from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

                arguments["conditions"] = [LTXVideoCondition(video=pictures, frame_index=0, strength=1.0)]
                arguments["frame_rate"] = float(preset.native_fps)
            elif self.name == "ltx2-extend":
                from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

                arguments["conditions"] = [LTX2VideoCondition(frames=pictures, index=0, strength=1.0)]
                arguments["frame_rate"] = float(preset.native_fps)
            else:
                arguments |= _vace_inputs(pictures, plan.total, (width, height), head=chronological)
            context.check_cancelled()
            with step_cache(pipe, draft):
                result = pipe(**arguments)
            frames = np.asarray(result.frames[0])
            audio = getattr(result, "audio", None)
            if audio is not None and preset.makes_audio:
                heard["samples"] = np.asarray(audio[0].float().cpu() if hasattr(audio, "float") else audio[0])
                heard["rate"] = int(pipe.vocoder.config.output_sampling_rate)
                heard["from"] = Fraction(plan.known, plan.total)  # of the sound it made for all its frames
            context.check_cancelled()
            context.progress(DECODED, DECODING)
            # with the new frames first (in time order), the one nearest the clip is the last of them
            new = frames[: plan.total - plan.known][::-1] if chronological else frames[plan.known :]
            facts.update(native_frames=int(plan.total), reversed=bool(request.head and not chronological))
            size = (request.width, request.height)
            return [
                fit_picture(to_uint8(new[i]), size, "crop")
                for i in plan.new_indices(request.frames, request.rate, preset.native_fps, len(new))
            ]

        path = context.workdir / f"{self.name}.mp4"
        written = extend_video(request, context, path, continuation)
        files = [path]
        if preset.makes_audio:
            if request.head:
                context.log(
                    f"{self.name}: new frames before the clip are made backwards in time: no sound for them"
                )
            sound = context.workdir / "sound.wav"
            samples = extended_sound(
                sound, request.sound, request.start, request.count, request.frames, request.rate,
                heard.get("samples"), heard.get("rate", 0), heard.get("from", Fraction(1)), request.head,
            )  # fmt: skip
            files.append(sound)
            facts.update(has_audio=True, audio=sound.name, audio_samples=samples)
        provenance = request.provenance(
            **model_facts(self.name, preset, model, local, pipe, device, dtype),
            steps=steps,
            guidance=guidance,
            negative_prompt=negative,
            generated_width=width,
            generated_height=height,
            plan=context.plan.describe() if context.plan is not None else "",
            native_rate=f"{preset.native_fps.numerator}/{preset.native_fps.denominator}",
            **facts,
            **written,
        )
        return Output(files, provenance)


class _Plan:
    """How many of the clip's frames the model sees (`known`) and how many it makes in all (`total`)."""

    def __init__(self, known: int, total: int) -> None:
        self.known, self.total = known, total

    @classmethod
    def make(cls, preset: VideoPreset, request: ExtendRequest) -> _Plan:
        from engine.generate.extend.request import CONTEXT_FRAMES

        shown = min(CONTEXT_FRAMES, request.count)
        # the clip's frames at the model's rate, reaching back as far as the context does
        at_native = math.floor(Fraction(shown - 1) / request.rate * preset.native_fps) + 1
        multiple = preset.frame_multiple
        known = (
            (at_native - 1) // multiple * multiple + 1
            if preset.pipeline in ("LTXConditionPipeline", "LTX2ConditionPipeline")
            else at_native
        )
        new = max(1, math.ceil(Fraction(request.frames) / request.rate * preset.native_fps))
        total = valid_count(known + new, multiple, 1)
        if preset.max_frames is not None and total > preset.max_frames:
            room = preset.max_frames - known
            seconds = Fraction(room) / preset.native_fps
            raise GenerateError(
                f"{preset.label} makes at most {room} new frames at {float(preset.native_fps):g} fps "
                f"({float(seconds):.1f} s) in one go: extend by {math.floor(seconds * request.rate)} "
                "frames or fewer, and extend again"
            )
        return cls(known, total)

    def context(self, shown: list[np.ndarray], rate: Fraction, native: Fraction) -> list[np.ndarray]:
        """The clip's frames at the model's rate, `known` of them, the nearest the cut last."""
        last = len(shown) - 1
        picks = [last - round((self.known - 1 - m) * rate / native) for m in range(self.known)]
        return [shown[max(0, i)] for i in picks]

    def new_indices(self, frames: int, rate: Fraction, native: Fraction, made: int) -> list[int]:
        """For each new frame at the clip's rate, the model's new frame showing at its time."""
        return [min(made - 1, max(0, round(Fraction(j) / rate * native) - 1)) for j in range(1, frames + 1)]


def _pil(rgb: np.ndarray) -> Any:
    from PIL import Image

    return Image.fromarray(rgb)


def _vace_inputs(known: list[Any], total: int, size: tuple[int, int], head: bool) -> dict[str, Any]:
    """VACE's video and mask: the known frames kept (black), grey frames to make (white)."""
    from PIL import Image

    count = total - len(known)
    grey = Image.new("RGB", size, (VACE_FILL,) * 3)
    keep, make = Image.new("L", size, 0), Image.new("L", size, 255)
    if head:
        chronological = known[::-1]
        return {"video": [grey] * count + chronological, "mask": [make] * count + [keep] * len(known)}
    return {"video": known + [grey] * count, "mask": [keep] * len(known) + [make] * count}


def extend_backends() -> list[DiffusersExtendBackend]:
    """The backends the registry adds for `video.extend` (motion continuation stays the default)."""
    return [
        DiffusersExtendBackend("ltx-extend", "LTX-Video, video condition (diffusers, GPU)"),
        DiffusersExtendBackend("ltx2-extend", "LTX-2, video condition with sound (diffusers, GPU)"),
        DiffusersExtendBackend(
            "vace-extend", "Wan VACE, masked new frames (diffusers, GPU)", needs=("ftfy",)
        ),
    ]
