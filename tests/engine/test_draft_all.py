"""Draft beyond video.generate: which extend, inpaint and score presets it makes faster, and how.

The table of step caches (engine.generate.draft_choice.CACHES) is checked
against the installed diffusers: a FirstBlockCache pipeline's denoiser must
take a cache and its blocks must be ones FirstBlockCache knows. The runs
themselves are in test_inpaint_diffusers (VACE), test_extend_diffusers (LTX)
and test_planner_tasks (ACE-Step).
"""

from __future__ import annotations

import pytest

from engine.generate.draft_choice import CACHES, DISTILLED, FIRST_BLOCK_CACHE, TAYLORSEER_CACHE
from engine.generate.job_plans import inpaint_draft, score_draft
from engine.generate.presets import load_presets, presets_file
from engine.generate.video.choices import preset_draft

#: (denoiser class, its block class) per pipeline family that takes FirstBlockCache.
DENOISERS = {
    "LTX": ("LTXVideoTransformer3DModel", "LTXVideoTransformerBlock"),
    "Wan": ("WanTransformer3DModel", "WanTransformerBlock"),
    "WanVACE": ("WanVACETransformer3DModel", "WanTransformerBlock"),
}


def test_every_first_block_cache_pipeline_has_blocks_diffusers_can_cache() -> None:
    diffusers = pytest.importorskip("diffusers")
    from diffusers.hooks import _helpers
    from diffusers.models.cache_utils import CacheMixin

    _helpers._register_transformer_blocks_metadata()
    known = {block.__name__ for block in _helpers.TransformerBlockRegistry._registry}
    for pipeline, method in CACHES.items():
        if method != FIRST_BLOCK_CACHE:
            continue
        family = next(f for f in ("WanVACE", "Wan", "LTX") if pipeline.startswith(f))
        model, block = DENOISERS[family]
        assert issubclass(getattr(diffusers, model), CacheMixin), pipeline
        assert block in known, f"{pipeline}: FirstBlockCache does not know {block}"


@pytest.mark.parametrize(
    ("preset", "method"),
    [
        ("ltx-0.9.5-condition", FIRST_BLOCK_CACHE),
        ("ltx-0.9.7-distilled-condition", DISTILLED),
        ("wan2.1-vace-14b", FIRST_BLOCK_CACHE),
        ("ltx-2.3-distilled-condition", DISTILLED),
        ("ltx-2.3-condition", TAYLORSEER_CACHE),
    ],
)
def test_each_extend_preset_drafts_with_its_distilled_steps_or_its_blocks_cache(preset, method) -> None:
    assert preset_draft(load_presets(presets_file("extend.json"))[preset]).method == method


def test_draft_for_inpaint_and_score_is_greyed_with_the_reason_where_it_cannot_apply() -> None:
    assert inpaint_draft("vace", None).method == FIRST_BLOCK_CACHE
    assert inpaint_draft("vace", "wan2.2-vace-fun-a14b").method == FIRST_BLOCK_CACHE
    sd = inpaint_draft("sd-inpaint", None)
    assert not sd.allowed and sd.reason.endswith("no step cache for its UNet: only Final")
    assert not inpaint_draft("opencv", None).allowed
    assert score_draft("ace-step", None).method == DISTILLED  # turbo: its 8 steps are the draft
    stable = score_draft("stable-audio", None)
    assert not stable.allowed and "Stable Audio Open 1.0 has no distilled steps" in stable.reason
    assert not score_draft("stable-audio", "audioldm2-music").allowed
    assert score_draft("composer", None).reason == "No model to make faster"
