"""The plans a dialog shows before a score, a still or an inpaint job, read without torch.

Like engine.generate.video.choices.shot_plans for shots: the preset the job
would load (the model the user named, else the one Settings > Models chose,
else the backend's default) is found in the presets catalog, and the
planner walks its ladder for the work this job asks (seconds of audio, or a
picture's size and frames) on the card the engine reported. The engine
plans again when the job starts, with the memory free then; a rung the user
picks travels as the job's `plan`.
"""

from __future__ import annotations

from fractions import Fraction

from engine.generate.catalog import CatalogEntry, catalog
from engine.generate.draft_choice import DraftChoice, draft_choice
from engine.generate.model_choices import model_backend
from engine.generate.planner import CPU, Plan, choose, ladder
from engine.generate.presets import presets_file, read_presets
from engine.generate.score.request import RATE
from engine.generate.video.choices import chosen_preset, preset_draft, shot_plans

INPAINT_PRESETS = presets_file("inpaint.json")
MUSIC_PRESETS = presets_file("music.json")

#: What a dialog knows before the job: the plans, and the index of the one the planner picks.
Plans = tuple[list[Plan], int]


def preset_entry(task: str, backend: str | None, model: str | None) -> CatalogEntry | None:
    """The preset a job of `task` on `backend` with `model` would load; None when none can be told.

    None for a backend that loads no model (the composer, opencv) and for a
    model no preset names (a local folder: its figures are not known here).
    """
    chosen = model_backend(task, backend)
    if chosen is None:
        return None
    model = model or chosen.default_model()
    found = (e for e in catalog() if (e.task, e.backend) == (task, backend) and model in (e.name, e.model))
    return next(found, None)


def entry_plans(
    entry: CatalogEntry, works: list[tuple[float, ...]], vram_gb: float | None,
    cpu_offload: bool = False, vae_tiling: bool = False, sizes: list[tuple[int, int] | None] | None = None,
) -> Plans:  # fmt: skip
    """Every plan for this work on a card of `vram_gb` (None: the CPU, one plan), the planner's pick."""
    if vram_gb is None:
        return [Plan(entry.short_name, CPU)], 0
    plans = ladder(entry.short_name, entry.footprint, entry.dtype, works, vram_gb,
                   cpu_offload=cpu_offload, vae_tiling=vae_tiling, sizes=sizes)  # fmt: skip
    return plans, choose(plans)


def score_plans(entry: CatalogEntry, frames: int, rate: Fraction, vram_gb: float | None, load: dict) -> Plans:
    """A cue of `frames` at the timeline's `rate`: ACE-Step makes it in one call; Stable Audio and AudioLDM 2
    in pieces of at most their own length (their footprint's reference), so a long cue needs no more."""
    seconds = float(Fraction(round(Fraction(frames) / rate * RATE), RATE))
    if entry.backend == "stable-audio" and entry.footprint is not None:
        seconds = min(seconds, entry.footprint.at[0])
    return entry_plans(
        entry, [(seconds,)], vram_gb, bool(load.get("cpu_offload")), bool(load.get("vae_tiling"))
    )


def inpaint_plans(
    backend: str | None, model: str | None, frames: int, rate: Fraction, size: tuple[int, int],
    vram_gb: float | None, load: dict,
) -> Plans | None:  # fmt: skip
    """An inpaint of a clip's `frames` at `size`: VACE fills them in one call, SD inpainting one frame a call.

    None for a backend that loads no model (opencv, the clean plate) or a model no preset names.
    """
    preset = chosen_preset(backend, load.get("model") if model is None else model, INPAINT_PRESETS)
    if preset is None or model_backend("video.inpaint", backend) is None:
        return None
    per_call = 1 if backend == "sd-inpaint" else frames
    offload, tiling = bool(load.get("cpu_offload")), bool(load.get("vae_tiling"))
    return shot_plans(preset, per_call, rate, size, vram_gb, offload, tiling)


def score_draft(backend: str | None, model: str | None) -> DraftChoice:
    """Draft for a score job: ACE-Step turbo's own few steps; Stable Audio and AudioLDM 2 have no cache."""
    entry = preset_entry("music.score", backend, model)
    if entry is None:
        return DraftChoice(None, "No model to make faster" if model_backend("music.score", backend) is None
                           else "A model no preset names: only Final")  # fmt: skip
    data = read_presets(MUSIC_PRESETS)[entry.name]
    return draft_choice(entry.short_name, str(data.get("pipeline")), bool(data.get("distilled")))


def inpaint_draft(backend: str | None, model: str | None) -> DraftChoice:
    """Draft for an inpaint job: VACE's FirstBlockCache; per-frame SD inpainting's UNet has none."""
    if model_backend("video.inpaint", backend) is None:
        return DraftChoice(None, "No model to make faster")
    return preset_draft(chosen_preset(backend, model, INPAINT_PRESETS))
