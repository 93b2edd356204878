"""Whether Draft can make a preset faster, and how: for every task, read from the presets (no torch).

Draft is a fast first look. A distilled checkpoint (its own short schedule,
a Lightning LoRA, ACE-Step turbo) is already the fast version, so Draft runs
its own few steps. Otherwise diffusers 0.42.1 can cache a transformer's work
between steps where it knows the model's blocks: FirstBlockCache for LTX-Video
0.9 and Wan (VACE included: its main blocks are Wan's), TaylorSeer for LTX-2
(FirstBlockCache refuses LTX-2's blocks; ../shared/notes/models-2026.md).
A UNet (SD inpainting, AudioLDM 2) or a DiT diffusers has no cache for
(Stable Audio) cannot be made faster: the dialogs grey Draft out with the
reason, and a job that asks anyway runs Final and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DRAFT, FINAL = "draft", "final"
DISTILLED = "distilled steps"
FIRST_BLOCK_CACHE, TAYLORSEER_CACHE = "FirstBlockCache", "TaylorSeer cache"  # engine.generate.draft
#: The step cache diffusers 0.42.1 accepts for each pipeline's denoiser (tests/engine/test_draft_all.py).
CACHES = {
    "LTXPipeline": FIRST_BLOCK_CACHE,
    "LTXImageToVideoPipeline": FIRST_BLOCK_CACHE,
    "LTXConditionPipeline": FIRST_BLOCK_CACHE,
    "LTX2Pipeline": TAYLORSEER_CACHE,
    "LTX2ImageToVideoPipeline": TAYLORSEER_CACHE,
    "LTX2ConditionPipeline": TAYLORSEER_CACHE,
    "WanPipeline": FIRST_BLOCK_CACHE,
    "WanImageToVideoPipeline": FIRST_BLOCK_CACHE,
    "WanVACEPipeline": FIRST_BLOCK_CACHE,
}
#: What the denoiser of a pipeline without a cache is, for the reason a person reads.
DENOISER_WORDS = {
    "StableDiffusionInpaintPipeline": "its UNet",
    "AudioLDM2Pipeline": "its UNet",
    "StableAudioPipeline": "its DiT",
    "AceStepPipeline": "its DiT",
}


@dataclass(frozen=True)
class DraftChoice:
    method: str | None  # DISTILLED, a cache, or None where Draft cannot apply
    reason: str = ""  # why not, when method is None

    @property
    def allowed(self) -> bool:
        return self.method is not None


def draft_choice(name: str, pipeline: str, distilled: bool) -> DraftChoice:
    """How Draft is made for a preset called `name` that loads `pipeline` (distilled: its own few steps)."""
    if distilled:
        return DraftChoice(DISTILLED)
    method = CACHES.get(pipeline)
    if method is not None:
        return DraftChoice(method)
    denoiser = DENOISER_WORDS.get(pipeline, "its denoiser")
    return DraftChoice(
        None, f"{name} has no distilled steps and diffusers has no step cache for {denoiser}: only Final"
    )


def job_draft(choice: DraftChoice, quality: str, log: Callable[[str], None], name: str) -> str | None:
    """The Draft method a job runs with (None: Final), saying in the job's log which, or why not."""
    if quality != DRAFT:
        return None
    if not choice.allowed:
        log(f"{name}: Draft does not apply ({choice.reason}); made as Final")
        return None
    log(f"{name}: Draft quality, {choice.method}")
    return choice.method


def draft_facts(method: str | None) -> dict[str, str | None]:
    """What a take's provenance says about its quality: "draft" with how, or "final"."""
    return {"quality": DRAFT if method else FINAL, "draft": method}
