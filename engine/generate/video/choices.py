"""What a shot dialog offers for the chosen backend and model, before any job: anchors, plans, quality.

The editor reads this without torch: presets are JSON, the planner is
arithmetic, and the card's memory is what the engine reported at
`initialize`. The engine plans again when the job starts (from the memory
then free); a plan the user chose here travels in the job as `plan` and
the engine starts its ladder at that rung.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from engine.errors import GenerateError
from engine.generate.draft_choice import (
    DISTILLED,
    DRAFT,
    FINAL,
    FIRST_BLOCK_CACHE,
    TAYLORSEER_CACHE,
    DraftChoice,
    draft_choice,
)
from engine.generate.planner import CPU, Plan, choose, ladder
from engine.generate.presets import LTX2_PIPELINES, PRESETS_FILE, VideoPreset, preset_for_model

FIRST, LAST, BOTH = "first", "last", "both"
#: The dialog's quality switch: Draft for a fast first look, Final for the model's real steps.
QUALITIES = (DRAFT, FINAL)
#: The video backend that takes the Cast's reference images (engine.generate.video.vace).
VACE_BACKEND = "wan-vace"


def anchors(preset: VideoPreset) -> frozenset[str]:
    """Which neighbours' frames the preset can anchor a shot on: "first", "last" (or both together).

    A dialog greys out what the chosen preset cannot do: Wan 2.2 TI2V-5B
    starts from a picture but ignores a last one; Wan 2.2 I2V A14B ends on
    one only when it also starts from one; LTX-2 conditions on any frame.
    """
    found = set()
    if preset.image_to_video:
        found.add(FIRST)
    if preset.last_image:
        found.add(LAST)
    return frozenset(found)


@dataclass(frozen=True)
class AnchorChoice:
    """One anchor choice of the dialog: whether the chosen model can do it, and if not, why."""

    anchor: str  # FIRST, LAST or BOTH
    allowed: bool
    reason: str = ""


def anchor_choices(preset: VideoPreset | None) -> dict[str, AnchorChoice]:
    """The three anchor choices for a preset (None: a backend without presets, the animatic)."""
    if preset is None:
        why = "The animatic draws its panel from one picture: it cannot end on another"
        return {
            FIRST: AnchorChoice(FIRST, True),
            LAST: AnchorChoice(LAST, False, why),
            BOTH: AnchorChoice(BOTH, False, why),
        }
    can = anchors(preset)
    name = preset.short_name
    first = AnchorChoice(FIRST, FIRST in can, "" if FIRST in can else f"{name} makes video from text only")
    if LAST not in can:
        why = f"{name} cannot end on a given picture: choose LTX-2 or Wan 2.2 image-to-video"
        return {FIRST: first, LAST: AnchorChoice(LAST, False, why), BOTH: AnchorChoice(BOTH, False, why)}
    alone = preset.pipeline in LTX2_PIPELINES  # LTX-2 conditions on any frame; Wan 2.2 I2V needs a first
    why = "" if alone else f"{name} ends on a picture only when it also starts from one"
    last = AnchorChoice(LAST, alone, why)
    both = AnchorChoice(BOTH, first.allowed, first.reason)
    return {FIRST: first, LAST: last, BOTH: both}


def chosen_preset(backend: str | None, model: str | None, path: Path = PRESETS_FILE) -> VideoPreset | None:
    """The preset a job on `backend` with `model` (a preset, hub id or folder) would run; None without one.

    `path` is the task's presets file (extend.json for video.extend).
    """
    if not backend:
        return None
    try:
        return preset_for_model(backend, model or None, path)
    except GenerateError:
        return None  # a backend with no presets (the animatic) or a damaged presets file


def gpu_gb(info: dict | None) -> float | None:
    """The first GPU's memory in GB as the engine reported it at `initialize`; None on a CPU-only engine."""
    for device in (info or {}).get("devices", []):
        if str(device.get("name", "")).startswith(("cuda", "mps")) and device.get("memory"):
            return float(device["memory"]) / 2**30
    return None


def shot_plans(
    preset: VideoPreset,
    frames: int,
    rate: Fraction,
    size: tuple[int, int],
    vram_gb: float | None,
    cpu_offload: bool = False,
    vae_tiling: bool = False,
) -> tuple[list[Plan], int]:
    """(every plan for this shot, the index of the one the planner picks) on a card of `vram_gb`.

    No GPU: the one plan "on the CPU" (everything in system memory).
    """
    if vram_gb is None:
        return [Plan(preset.short_name, CPU)], 0
    count, _ = preset.frame_count(frames, rate)
    width, height = preset.generation_size(*size)
    works: list[tuple[float, ...]] = [(width, height, count)]
    sizes: list[tuple[int, int] | None] = [None]
    smaller = preset.smaller_size(*size)
    if smaller is not None:
        works.append((smaller[0], smaller[1], count))
        sizes.append(smaller)
    plans = ladder(preset.short_name, preset.footprint, preset.dtype, works, vram_gb,
                   cpu_offload=cpu_offload, vae_tiling=vae_tiling, sizes=sizes)  # fmt: skip
    return plans, choose(plans)


def preset_draft(preset: VideoPreset | None) -> DraftChoice:
    """Draft for an extend or inpaint preset: distilled steps, the cache its pipeline takes, or why not."""
    if preset is None:
        return DraftChoice(None, "No model to load: nothing to make faster")
    distilled = bool(preset.timesteps or preset.lora or preset.call_options.get("sigmas"))
    return draft_choice(preset.short_name, preset.pipeline, distilled)


def draft_method(preset: VideoPreset | None) -> str:
    """How Draft is made faster with this preset, as provenance and the dialog's tooltip say it.

    A distilled checkpoint (a schedule of its own, or a Lightning LoRA) is
    already the fast version: Draft runs its own few steps. Otherwise a cache
    that reuses the transformer's work between steps: TaylorSeer for LTX-2
    (diffusers' FirstBlockCache refuses LTX-2 blocks), FirstBlockCache for
    the others. Final always runs the real steps without a cache.
    """
    if preset is None:
        return "the animatic is always fast"
    if preset.timesteps or preset.lora or preset.call_options.get("sigmas"):
        return DISTILLED
    return TAYLORSEER_CACHE if preset.pipeline in LTX2_PIPELINES else FIRST_BLOCK_CACHE
