"""The diffusers still backends for GPUs: Z-Image-Turbo, FLUX.2 klein and Qwen-Image (and their edits).

Each backend drives one family of checkpoints named by presets in
resources/models/image.json. A model is a hub id or a local folder, loaded
only with `from_pretrained(..., use_safetensors=True)` through the job's
ModelPool (engine.generate.pipelines), so a storyboard of twenty keyframes
loads its model once. The model draws at the area it was trained at, in the
still's aspect, and the picture is cropped to exactly the size asked.

For image.edit the request's references are passed as the pipeline's
`image` list (FLUX.2 klein takes several, Qwen-Image-Edit-2511 up to three):
that is how a Cast member's face comes back in every keyframe.

torch and diffusers are imported only inside `run` and `readiness`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import GenerateError
from engine.generate import pipelines as shared
from engine.generate.base import Output, Readiness
from engine.generate.conform import fit_picture
from engine.generate.footprint import Footprint, parse_footprint
from engine.generate.image.request import ImageRequest
from engine.generate.image.storyboard import write_still
from engine.generate.planner import Plan
from engine.generate.presets import FOLDER_PRESET, presets_file, read_presets
from engine.jobs.progress import ENCODING, LOADING, JobContext

PRESETS_FILE = presets_file("image.json")
PIPELINES = frozenset(
    {"ZImagePipeline", "Flux2KleinPipeline", "QwenImagePipeline", "QwenImageEditPlusPipeline"}
)
#: Pipelines that take reference pictures as `image`.
EDIT_PIPELINES = frozenset({"Flux2KleinPipeline", "QwenImageEditPlusPipeline"})
GUIDANCE_ARGUMENTS = frozenset({"guidance_scale", "true_cfg_scale"})


@dataclass(frozen=True)
class ImagePreset:
    name: str
    backend: str
    label: str
    model: str
    pipeline: str
    tasks: tuple[str, ...]
    pixels: int  # the area it was trained at
    size_multiple: int
    steps: int
    guidance: float
    guidance_argument: str = "guidance_scale"
    negative_prompt: str = ""
    max_references: int = 0
    dtype: str = "bfloat16"
    default: bool = False
    footprint: Footprint | None = None  # its memory figures, for the VRAM planner (engine.generate.planner)

    @property
    def short_name(self) -> str:
        return self.label.split(" (")[0]

    def generation_size(self, width: int, height: int) -> tuple[int, int]:
        """The model's area in the still's aspect, each side a multiple of size_multiple."""
        m = self.size_multiple
        w = max(m, round(math.sqrt(self.pixels * width / height) / m) * m)
        h = max(m, round(math.sqrt(self.pixels * height / width) / m) * m)
        return w, h


def _preset(name: str, entry: dict[str, Any], where: str) -> ImagePreset:
    try:
        preset = ImagePreset(
            name=name,
            backend=str(entry["backend"]),
            label=str(entry.get("label") or name),
            model=str(entry["model"]),
            pipeline=str(entry["pipeline"]),
            tasks=tuple(str(t) for t in entry["tasks"]),
            pixels=int(entry["pixels"]),
            size_multiple=int(entry["size_multiple"]),
            steps=int(entry["steps"]),
            guidance=float(entry["guidance"]),
            guidance_argument=str(entry.get("guidance_argument") or "guidance_scale"),
            negative_prompt=str(entry.get("negative_prompt") or ""),
            max_references=int(entry.get("max_references") or 0),
            dtype=str(entry.get("dtype", "bfloat16")),
            default=bool(entry.get("default", False)),
            footprint=parse_footprint(entry.get("footprint"), f"{where}, preset {name}"),
        )
    except KeyError as missing:
        raise GenerateError(f"{where}, preset {name}: {missing.args[0]} is missing") from None
    except (TypeError, ValueError) as error:
        raise GenerateError(f"{where}, preset {name}: {error}") from None
    if preset.pipeline not in PIPELINES:
        raise GenerateError(f"{where}, preset {name}: unknown pipeline {preset.pipeline}")
    if preset.guidance_argument not in GUIDANCE_ARGUMENTS:
        raise GenerateError(
            f"{where}, preset {name}: guidance_argument must be one of {sorted(GUIDANCE_ARGUMENTS)}"
        )
    if preset.pixels < 64 or preset.size_multiple < 1 or preset.steps < 1:
        raise GenerateError(f"{where}, preset {name}: pixels, size_multiple and steps must be positive")
    return preset


@cache
def load_presets(path: Path = PRESETS_FILE) -> dict[str, ImagePreset]:
    return {name: _preset(name, entry, Path(path).name) for name, entry in read_presets(path).items()}


def preset_for(backend: str, task: str, model: str | None, path: Path = PRESETS_FILE) -> ImagePreset:
    """The preset that drives `model` (a preset name, hub id or local folder) for `task` on `backend`.

    A local folder is matched by its model_index.json's class, and its
    `shotline.json` may override fields (a tiny test model draws at 64x64).
    """
    presets = sorted(
        (p for p in load_presets(path).values() if p.backend == backend and task in p.tasks),
        key=lambda p: not p.default,
    )
    if not presets:
        raise GenerateError(f"No {task} model preset for the {backend} backend in {Path(path).name}")
    if model is None:
        return presets[0]
    for preset in presets:
        if model in (preset.name, preset.model):
            return preset
    folder = Path(model).expanduser()
    if not folder.is_dir():
        return presets[0]
    kind = _read_json(folder / "model_index.json").get("_class_name")
    chosen = next((p for p in presets if p.pipeline == kind), presets[0])
    overrides = _read_json(folder / FOLDER_PRESET)
    known = {f.name for f in fields(ImagePreset)} - {"name", "backend", "tasks", "pipeline", "footprint"}
    changed = {k: v for k, v in overrides.items() if k in known}
    if not changed:
        return chosen
    entry = {**_as_entry(chosen), **changed}
    made = _preset(chosen.name, entry, str(folder / FOLDER_PRESET))
    return replace(made, default=False, footprint=chosen.footprint)


def _as_entry(preset: ImagePreset) -> dict[str, Any]:
    return {f.name: getattr(preset, f.name) for f in fields(ImagePreset) if f.name != "footprint"}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class DiffusersImageBackend:
    """Stills with one family of diffusers image pipelines, for image.generate or image.edit."""

    gpu = True

    def __init__(self, name: str, task: str, label: str, presets: Path = PRESETS_FILE) -> None:
        self.name = name
        self.task = task
        self.label = label
        self.presets_file = presets

    def readiness(self) -> Readiness:
        machine = shared._machine(())
        if not machine.ready:
            return machine
        try:
            preset = preset_for(self.name, self.task, None, self.presets_file)
        except GenerateError as error:
            return Readiness(False, str(error))
        state = "downloaded" if shared._cached(preset.model) else "downloads on first use"
        return Readiness(True, f"{machine.reason}; {preset.model} {state}")

    def plans(self, request: ImageRequest) -> list[Plan]:
        """The VRAM planner's ladder for this still (engine.generate.fitting runs the job on it)."""
        preset = preset_for(self.name, self.task, request.model, self.presets_file)
        width, height = preset.generation_size(request.width, request.height)
        return shared.fitted_plans(preset.short_name, preset, request, [(width, height, 1)])

    def run(self, request: ImageRequest, context: JobContext) -> Output:
        preset = preset_for(self.name, self.task, request.model, self.presets_file)
        model = preset.model if request.model in (None, preset.name) else str(request.model)
        local = shared._check_model(model)
        if request.references and preset.pipeline not in EDIT_PIPELINES:
            raise GenerateError(f"{preset.label} draws from text only: choose a model that takes references")
        given = len(request.references)
        if given > max(1, preset.max_references):
            raise GenerateError(f"{preset.label} takes {preset.max_references} references, not {given}")
        import torch

        device = shared._device(request.device, torch)
        dtype = shared._dtype(request.dtype, device, preset, torch)
        context.check_cancelled()
        context.progress(0.0, LOADING)
        plan = shared.job_plan(preset.short_name, request, context, device)
        key = (self.name, model, preset.pipeline, device, str(dtype), plan.key())
        pipe = context.models.get(
            key, lambda: shared._load(preset.pipeline, model, local, device, dtype, plan, context.log, preset)
        )
        context.progress(shared.LOADED, LOADING)
        width, height = preset.generation_size(request.width, request.height)
        steps = request.steps or preset.steps
        guidance = request.guidance if request.guidance is not None else preset.guidance
        negative = request.negative_prompt or preset.negative_prompt
        arguments = call_arguments(preset, request, (width, height), steps, guidance, negative)
        arguments |= {
            "generator": torch.Generator(device).manual_seed(request.seed),
            "callback_on_step_end": shared._step_callback(context, steps),
        }
        context.log(f"{self.name}: {width}x{height}, {steps} steps, {len(request.references)} reference(s)")
        result = pipe(**arguments)
        context.check_cancelled()
        context.progress(shared.DECODED, ENCODING)
        picture = np.asarray(result.images[0])
        if picture.dtype != np.uint8:
            picture = (np.clip(picture, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
        still = fit_picture(picture[..., :3], (request.width, request.height), "crop")
        path = write_still(context.workdir / f"{self.name}.png", still)
        made = request.provenance(
            **shared.model_facts(self.name, preset, model, local, pipe, device, dtype),
            steps=steps,
            guidance=guidance,
            negative_prompt=negative,
            generated_width=width,
            generated_height=height,
            plan=plan.describe(),
        )
        return Output([path], made)


def call_arguments(
    preset: ImagePreset,
    request: ImageRequest,
    size: tuple[int, int],
    steps: int,
    guidance: float,
    negative: str,
) -> dict[str, Any]:
    """What the pipeline is called with, the references (cropped to the generation size) as `image`."""
    width, height = size
    arguments: dict[str, Any] = {
        "prompt": request.prompt,
        "width": width,
        "height": height,
        "num_inference_steps": steps,
        preset.guidance_argument: guidance,
        "output_type": "np",
    }
    if negative and preset.pipeline != "Flux2KleinPipeline":  # klein is distilled: no negative prompt
        arguments["negative_prompt"] = negative
    if request.references:
        arguments["image"] = [shared._reference(r.path, size) for r in request.references]
    return arguments


def image_backends() -> list[DiffusersImageBackend]:
    """image.generate on GPUs (the storyboard panel stays the default)."""
    return [
        DiffusersImageBackend("z-image", "image.generate", "Z-Image-Turbo (diffusers, GPU)"),
        DiffusersImageBackend("flux2-klein", "image.generate", "FLUX.2 klein (diffusers, GPU)"),
        DiffusersImageBackend("qwen-image", "image.generate", "Qwen-Image (diffusers, GPU)"),
    ]


def edit_backends() -> list[DiffusersImageBackend]:
    """image.edit on GPUs: stills from reference pictures."""
    return [
        DiffusersImageBackend(
            "flux2-klein", "image.edit", "FLUX.2 klein, several references (diffusers, GPU)"
        ),
        DiffusersImageBackend("qwen-image-edit", "image.edit", "Qwen-Image-Edit-2511 (diffusers, GPU)"),
    ]
