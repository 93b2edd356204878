"""The diffusers `video.inpaint` backends for GPUs: Wan VACE on the whole clip, SD inpainting per frame.

`vace` gives WanVACEPipeline the clip and its mask (white = regenerate), in
chunks of at most the model's longest clip; each chunk is asked as the next
4k+1 frame count (the last frame repeated) and trimmed back. `sd-inpaint`
runs StableDiffusionInpaintPipeline on each frame with the same seed on
every frame, so a still region gets the same noise and changes less from
frame to frame: the fallback for GPUs too small for VACE.

Both see the source at the model's size and hand back a fill that is scaled
to the media's size and composited over the source with the (feathered)
mask, so outside the mask the output is the source. Model loading, devices,
dtypes, the safetensors-only rule, progress and cancel are those of the
`video.generate` backends (engine.generate.video.diffusers); the presets are
in resources/models/inpaint.json. torch is imported only when a job runs.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from engine.errors import GenerateError
from engine.generate.base import Output
from engine.generate.conform import to_uint8, valid_count
from engine.generate.draft import step_cache
from engine.generate.draft_choice import draft_facts, job_draft
from engine.generate.inpaint.media import ClipWindow, composite
from engine.generate.inpaint.request import InpaintRequest
from engine.generate.mezzanine import write_video
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
from engine.jobs.progress import ENCODING, LOADING, JobContext

INPAINT_PRESETS = presets_file("inpaint.json")
VACE, SD_INPAINT = "vace", "sd-inpaint"


class DiffusersInpaintBackend(PresetBackend):
    """Inpainting with one family of diffusers pipelines (`vace` or `sd-inpaint`)."""

    task = "video.inpaint"
    presets_file = INPAINT_PRESETS

    def works(self, preset: VideoPreset, request: Any) -> tuple[list[tuple[float, ...]], list[Any]]:
        """Per-frame inpainting (SD) asks the model for one frame a call; VACE for the whole range."""
        works, sizes = super().works(preset, request)
        if self.name == SD_INPAINT:
            works = [(width, height, 1) for width, height, _frames in works]
        return works, sizes

    def run(self, request: InpaintRequest, context: JobContext) -> Output:
        preset, model, local = self.model_for(request.model)
        masks = request.masks()
        import torch

        pipe, device, dtype = self.loaded(preset, model, local, request, context)
        context.progress(LOADED, LOADING)
        width, height = generation_size(preset, request, context)
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        negative = request.negative_prompt or preset.negative_prompt
        common: dict[str, Any] = {
            "prompt": request.prompt,
            "negative_prompt": negative or None,
            "width": width,
            "height": height,
            "num_inference_steps": steps,
            "guidance_scale": guidance,
            "output_type": "np",
        }
        if preset.guidance_2 is not None and getattr(pipe, "transformer_2", None) is not None:
            common["guidance_scale_2"] = preset.guidance_2  # Wan 2.2 VACE Fun A14B's low-noise expert
        context.log(
            f"{self.name}: {request.frames} frames at {width}x{height}, {steps} steps, "
            f"for {request.width}x{request.height}"
        )
        with ClipWindow(request, masks) as clip:
            sources = list(clip.frames())
            alphas = [masks.mask_at(request.start + n) for n in range(request.frames)]
        call = _vace if self.name == VACE else _per_frame
        size = (width, height)
        draft = job_draft(preset_draft(preset), request.quality, context.log, self.name)
        with step_cache(pipe, draft):
            fills, asked = call(pipe, torch, device, request, preset, sources, alphas, size, common, context)
        context.check_cancelled()
        context.progress(DECODED, ENCODING)
        path = context.workdir / f"{self.name}.mp4"

        def pictures():
            for n, (source, fill, alpha) in enumerate(zip(sources, fills, alphas, strict=True)):
                fraction = DECODED + (1 - DECODED) * n / request.frames
                context.progress(fraction, ENCODING, n + 1, request.frames)
                context.check_cancelled()
                full = cv2.resize(to_uint8(np.asarray(fill)), request.size, interpolation=cv2.INTER_CUBIC)
                yield composite(source, full, alpha)

        write_video(path, pictures(), request.rate, request.size)
        provenance = request.provenance(
            masks,
            **model_facts(self.name, preset, model, local, pipe, device, dtype),
            steps=steps,
            guidance=guidance,
            guidance_2=common.get("guidance_scale_2"),
            experts=2 if getattr(pipe, "transformer_2", None) is not None else 1,
            plan=context.plan.describe() if context.plan is not None else "",
            negative_prompt=negative,
            generated_width=width,
            generated_height=height,
            native_frames=asked,
            **draft_facts(draft),
        )
        return Output([path], provenance)


def inpaint_backends() -> list[DiffusersInpaintBackend]:
    """The backends the registry adds for `video.inpaint` (opencv stays the default)."""
    return [
        DiffusersInpaintBackend(VACE, "Wan 2.1 VACE (diffusers, GPU)", needs=("ftfy",)),
        DiffusersInpaintBackend(SD_INPAINT, "Stable Diffusion inpainting per frame (diffusers, GPU)"),
    ]


def _at(picture: np.ndarray, size: tuple[int, int]) -> Any:
    from PIL import Image

    return Image.fromarray(cv2.resize(picture, size, interpolation=cv2.INTER_AREA))


def _hard(alpha: np.ndarray, size: tuple[int, int]) -> Any:
    """The model regenerates everything the feathered mask touches; the feather blends it back."""
    from PIL import Image

    grown = cv2.resize(np.where(alpha > 0, 255, 0).astype(np.uint8), size, interpolation=cv2.INTER_AREA)
    return Image.fromarray(np.where(grown > 0, 255, 0).astype(np.uint8))


def _vace(
    pipe: Any,
    torch: Any,
    device: str,
    request: InpaintRequest,
    preset: VideoPreset,
    sources: list[np.ndarray],
    alphas: list[np.ndarray],
    size: tuple[int, int],
    common: dict[str, Any],
    context: JobContext,
) -> tuple[list[np.ndarray], int]:
    """The clip in chunks of at most the model's longest clip, each padded to 4k+1 frames and trimmed."""
    longest = preset.max_frames or len(sources)
    longest = (longest - 1) // preset.frame_multiple * preset.frame_multiple + 1
    chunks = [range(s, min(len(sources), s + longest)) for s in range(0, len(sources), longest)]
    fills: list[np.ndarray] = []
    asked = 0
    for part, chunk in enumerate(chunks):
        count = valid_count(len(chunk), preset.frame_multiple, 1)
        padded = list(chunk) + [chunk[-1]] * (count - len(chunk))
        context.check_cancelled()
        result = pipe(
            video=[_at(sources[n], size) for n in padded],
            mask=[_hard(alphas[n], size) for n in padded],
            num_frames=count,
            generator=torch.Generator(device).manual_seed(request.seed),
            callback_on_step_end=_step_callback(context, common["num_inference_steps"], part, len(chunks)),
            **common,
        )
        fills.extend(np.asarray(result.frames[0])[: len(chunk)])
        asked += count
    return fills, asked


def _per_frame(
    pipe: Any,
    torch: Any,
    device: str,
    request: InpaintRequest,
    preset: VideoPreset,
    sources: list[np.ndarray],
    alphas: list[np.ndarray],
    size: tuple[int, int],
    common: dict[str, Any],
    context: JobContext,
) -> tuple[list[np.ndarray], int]:
    """Each frame on its own, the same seed every time: a still region gets the same noise."""
    fills: list[np.ndarray] = []
    for n, (source, alpha) in enumerate(zip(sources, alphas, strict=True)):
        context.check_cancelled()
        if not alpha.any():
            fills.append(source)  # nothing to fill here: the composite keeps the source
            continue
        result = pipe(
            image=_at(source, size),
            mask_image=_hard(alpha, size),
            strength=1.0,
            generator=torch.Generator(device).manual_seed(request.seed),
            callback_on_step_end=_step_callback(context, common["num_inference_steps"], n, len(sources)),
            **common,
        )
        fills.append(np.asarray(result.images[0]))
    if not fills:
        raise GenerateError("The model returned no frames")
    return fills, len(fills)
