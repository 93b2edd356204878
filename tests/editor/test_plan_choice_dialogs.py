"""The Score, Inpaint and Generate Shot dialogs show the memory plan before the job, as Regenerate does.

The same widget (editor.generate.plan_choice) in each: the planner's choice
for this job on the engine's card as "Automatic: ...", every rung below it
to pick instead, and the rung picked travelling in the job as `plan`. A
backend that loads no model says so and offers nothing to pick.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from editor.generate.new_shot_dialog import GenerateShotDialog
from editor.generate.score_dialog import ScoreDialog
from editor.masks.inpaint import InpaintDialog
from engine.generate.score.timeline import score_spec
from engine.project.document import new_project

SCORE_BACKENDS = [
    {"name": "composer", "label": "Composer (no download)", "ready": True, "default": True},
    {"name": "ace-step", "label": "ACE-Step 1.5 (diffusers, GPU)", "ready": True},
    {"name": "stable-audio", "label": "Stable Audio Open (diffusers, GPU)", "ready": True},
]
INPAINT_BACKENDS = [
    {"name": "opencv", "label": "Clean plate (no download)", "ready": True, "default": True},
    {"name": "vace", "label": "Wan VACE (diffusers, GPU)", "ready": True},
    {"name": "sd-inpaint", "label": "SD inpainting (diffusers, GPU)", "ready": True},
]
THREE_MINUTES = 3 * 60 * 24  # frames at 24 fps


def pick(box, name: str) -> None:
    box.setCurrentIndex(box.findData(name))


@pytest.fixture
def score_dialog(qtbot):
    dialog = ScoreDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(SCORE_BACKENDS)
    dialog.set_cue(THREE_MINUTES, Fraction(24), 12.0, {})
    return dialog


def test_the_score_dialog_shows_ace_steps_plan_for_a_12_gb_card_before_the_job(score_dialog) -> None:
    pick(score_dialog.backend, "ace-step")
    box = score_dialog.plans.box
    assert (
        box.itemText(0) == "Automatic: ACE-Step 1.5 XL turbo · model offload · VAE tiling · ~11 GB of 12 GB"
    )
    assert box.isEnabled()
    assert score_dialog.plans.note.text() == (
        "ACE-Step 1.5 XL turbo · model offload · VAE tiling · ~11 GB of 12 GB\n"
        "Planned for a 12 GB card; the engine plans again with the memory free then"
    )
    assert "plan" not in score_dialog.values()  # the planner's own choice travels as nothing
    box.setCurrentIndex(box.count() - 1)  # the override: the least hungry rung
    chosen = score_dialog.values()["plan"]
    assert chosen == "group offload · VAE tiling"
    spec = score_spec(new_project("t"), 0, 240, score_dialog.values(), "ace-step")
    assert spec["params"]["plan"] == chosen  # it reaches the job


def test_the_score_plan_follows_the_backend_and_the_users_offload(score_dialog) -> None:
    pick(score_dialog.backend, "composer")
    assert score_dialog.plans.box.itemText(0) == "No model to load: runs anywhere"
    assert not score_dialog.plans.box.isEnabled() and "plan" not in score_dialog.values()
    pick(score_dialog.backend, "stable-audio")  # 47 s a call, however long the cue
    assert score_dialog.plans.box.itemText(0).startswith(
        "Automatic: Stable Audio Open 1.0 · all on GPU · ~7 GB"
    )
    score_dialog.set_cue(THREE_MINUTES, Fraction(24), 24.0, {"ace-step": {"cpu_offload": True}})
    pick(score_dialog.backend, "ace-step")
    assert score_dialog.plans.box.itemText(0).startswith("Automatic: ACE-Step 1.5 XL turbo · model offload")
    score_dialog.set_cue(THREE_MINUTES, Fraction(24), None, {})  # an engine without a GPU
    assert score_dialog.plans.box.itemText(0) == "Automatic: ACE-Step 1.5 XL turbo · on the CPU"


def test_the_inpaint_dialog_shows_the_plan_of_vace_and_of_per_frame_sd(qtbot) -> None:
    dialog = InpaintDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(INPAINT_BACKENDS)
    dialog.set_clip(48, Fraction(24), (1280, 720), 12.0, {})
    assert dialog.plans.box.itemText(0) == "No model to load: runs anywhere"  # the clean plate
    pick(dialog.backend, "vace")
    assert dialog.plans.box.itemText(0) == (
        "Automatic: Wan 2.1 VACE 1.3B · group offload · VAE tiling · ~4 GB of 12 GB"
    )
    pick(dialog.backend, "sd-inpaint")  # one frame a call: the clip's length does not matter
    assert dialog.plans.box.itemText(0) == (
        "Automatic: Stable Diffusion 1.5 inpainting, per frame · all on GPU · ~4 GB of 12 GB"
    )
    dialog.plans.box.setCurrentIndex(dialog.plans.box.findData("model offload · VAE tiling"))
    assert dialog.values()["plan"] == "model offload · VAE tiling"


def test_the_generate_shot_dialog_plans_for_the_new_shots_length(qtbot) -> None:
    dialog = GenerateShotDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends([
        {"name": "animatic", "label": "Animatic (no download)", "ready": True, "default": True},
        {"name": "ltx2", "label": "LTX-2 (diffusers, GPU; picture and sound)", "ready": True},
    ])  # fmt: skip
    dialog.fill_new("On V1 from 00:00:00:00", 48, 24.0, with_previous=False)
    dialog.set_shot(48, Fraction(24), (1280, 720), 24.0, {})
    assert dialog.options.plan.itemText(0) == "No model to load: runs anywhere"
    pick(dialog.backend, "ltx2")
    short = dialog.options.plan.itemText(0)
    assert short.startswith("Automatic: LTX-2.3 distilled · ") and short.endswith("of 24 GB")
    dialog.frames.setValue(480)  # twenty seconds: more frames, more memory
    longer = dialog.options.plan.itemText(0)
    assert longer != short and longer.startswith("Automatic: LTX-2.3 distilled · ")
    dialog.options.plan.setCurrentIndex(dialog.options.plan.count() - 1)
    assert dialog.values()["plan"] == dialog.options.plan.currentData()


def test_draft_in_the_score_dialog_is_ace_step_turbos_own_steps_and_greyed_for_stable_audio(
    score_dialog,
) -> None:
    pick(score_dialog.backend, "ace-step")
    quality = score_dialog.quality
    assert quality.draft.isEnabled() and quality.draft.toolTip() == "A fast first look: distilled steps"
    quality.draft.setChecked(True)
    assert score_dialog.values()["quality"] == "draft"
    spec = score_spec(new_project("t"), 0, 240, score_dialog.values(), "ace-step")
    assert spec["params"]["quality"] == "draft"  # it reaches the job
    pick(score_dialog.backend, "stable-audio")
    assert not quality.draft.isEnabled() and quality.final.isChecked()
    assert "no step cache for its DiT" in quality.draft.toolTip()
    assert "quality" not in score_dialog.values()
    pick(score_dialog.backend, "composer")
    assert not quality.draft.isEnabled() and quality.draft.toolTip() == "No model to make faster"


def test_draft_in_the_inpaint_dialog_caches_vace_and_is_greyed_for_per_frame_sd(qtbot) -> None:
    dialog = InpaintDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(INPAINT_BACKENDS)
    dialog.set_clip(48, Fraction(24), (1280, 720), 12.0, {})
    pick(dialog.backend, "vace")
    assert dialog.quality.draft.isEnabled() and "FirstBlockCache" in dialog.quality.draft.toolTip()
    dialog.quality.draft.setChecked(True)
    assert dialog.values()["quality"] == "draft"
    pick(dialog.backend, "sd-inpaint")
    assert not dialog.quality.draft.isEnabled() and "quality" not in dialog.values()
    assert "no step cache for its UNet" in dialog.quality.draft.toolTip()


def test_the_extend_dialog_offers_draft_for_its_model(qtbot) -> None:
    from pathlib import Path

    from editor.generate.extend_dialog import ExtendDialog
    from engine.generate.extend.timeline import ExtendDefaults

    dialog = ExtendDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends([
        {"name": "motion", "label": "Motion continuation", "ready": True, "default": True},
        {"name": "ltx-extend", "label": "LTX-Video, video condition", "ready": True},
    ])  # fmt: skip
    dialog.fill(ExtendDefaults("c1", "Harbour", Path("/media/harbour.mp4"), 0, 48, {"prompt": "waves"}), 24.0)
    dialog.set_machine((1280, 720), 24.0, {})
    assert not dialog.options.draft.isEnabled()  # motion continuation loads no model
    pick(dialog.backend, "ltx-extend")
    assert dialog.options.draft.isEnabled() and "FirstBlockCache" in dialog.options.draft.toolTip()
    dialog.options.draft.setChecked(True)
    assert dialog.values()["quality"] == "draft"


def test_the_extend_plan_counts_the_clips_frames_the_model_is_shown_with_the_new_ones(qtbot) -> None:
    from pathlib import Path

    from editor.generate.extend_dialog import ExtendDialog
    from engine.generate.extend.diffusers import PRESETS_FILE
    from engine.generate.extend.timeline import ExtendDefaults
    from engine.generate.video.choices import chosen_preset, shot_plans

    dialog = ExtendDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends([{"name": "ltx-extend", "label": "LTX-Video, video condition", "ready": True}])
    dialog.fill(ExtendDefaults("c1", "Harbour", Path("/media/harbour.mp4"), 0, 48, {}), 24.0, frames=96)
    dialog.set_machine((1280, 720), 12.0, {})
    preset = chosen_preset("ltx-extend", None, PRESETS_FILE)
    plans, chosen = shot_plans(preset, 96 + 16, Fraction(24), (1280, 720), 12.0)  # 16 frames of context
    assert dialog.options.plan.itemText(0) == f"Automatic: {plans[chosen].describe()}"
