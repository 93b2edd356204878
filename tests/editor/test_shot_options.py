"""The Regenerate dialog offers what the chosen model can do: anchors, the memory plan, Draft/Final."""

from __future__ import annotations

from fractions import Fraction

import pytest

from editor.generate.dialog import RegenerateDialog
from engine.generate.video.timeline import ShotDefaults

BACKENDS = [
    {"name": "animatic", "label": "Animatic (no download)", "ready": True, "default": True},
    {"name": "ltx2", "label": "LTX-2 (diffusers, GPU; picture and sound)", "ready": True},
    {
        "name": "wan",
        "label": "Wan 2.1 / 2.2 (diffusers, GPU)",
        "ready": True,
        "settings_model": "wan2.2-ti2v-5b",
    },
]


@pytest.fixture
def dialog(qtbot, tmp_path):
    shown = RegenerateDialog()
    qtbot.addWidget(shown)
    shown.set_backends(BACKENDS)
    shown.fill(ShotDefaults("c1", "Harbour", 48, None, {"prompt": "A harbour at dawn"}))
    shown.set_shot(48, Fraction(24), (1280, 720), 24.0, {})
    return shown


def choose(dialog: RegenerateDialog, backend: str, model: str = "") -> None:
    dialog.backend.setCurrentIndex(dialog.backend.findData(backend))
    dialog.model.setText(model)
    dialog.model.editingFinished.emit()


def test_ltx2_can_start_end_or_both_and_shows_its_plan_for_the_card(dialog) -> None:
    choose(dialog, "ltx2")
    assert dialog.from_previous.isEnabled() and dialog.to_next.isEnabled()
    dialog.from_previous.setChecked(True)
    dialog.to_next.setChecked(True)
    assert dialog.from_previous.isChecked() and dialog.to_next.isChecked()  # both together
    automatic = dialog.options.plan.itemText(0)
    assert automatic.startswith("Automatic: LTX-2.3 distilled · ") and automatic.endswith("of 24 GB")
    note = "of 24 GB\nPlanned for a 24 GB card; the engine plans again with the memory free then"
    assert dialog.options.plan_note.text().endswith(note)  # the chosen plan in full
    assert "plan" not in dialog.values()  # the planner's own choice travels as nothing
    dialog.options.plan.setCurrentIndex(dialog.options.plan.count() - 1)  # the least hungry rung
    assert dialog.values()["plan"] == dialog.options.plan.currentData()
    assert "group offload" in dialog.values()["plan"]


def test_a_model_that_ignores_a_last_picture_greys_out_ending_on_the_next_shot(dialog) -> None:
    choose(dialog, "wan")  # Settings > Models chose Wan 2.2 TI2V-5B for this backend
    assert dialog.from_previous.isEnabled()
    assert not dialog.to_next.isEnabled()
    assert dialog.to_next.toolTip().startswith("Wan 2.2 text/image-to-video 5B cannot end on a given picture")
    choose(dialog, "wan", "wan2.1-t2v-1.3b")  # text only: neither
    assert not dialog.from_previous.isEnabled() and "text only" in dialog.from_previous.toolTip()


def test_wan22_image_to_video_ends_on_the_next_shot_only_when_it_also_starts_from_the_previous(
    dialog,
) -> None:
    choose(dialog, "wan", "wan2.2-i2v-a14b")
    assert not dialog.to_next.isEnabled()
    assert "tick “Start from the previous shot's last frame” too" in dialog.to_next.toolTip()
    dialog.from_previous.setChecked(True)
    assert dialog.to_next.isEnabled()
    dialog.to_next.setChecked(True)
    dialog.from_previous.setChecked(False)
    assert not dialog.to_next.isEnabled() and not dialog.to_next.isChecked()


def test_draft_asks_for_a_fast_first_look_and_says_how(dialog) -> None:
    choose(dialog, "ltx2", "ltx-2.3")
    assert "TaylorSeer cache" in dialog.options.draft.toolTip()
    assert "quality" not in dialog.values()
    dialog.options.draft.setChecked(True)
    assert dialog.values()["quality"] == "draft"
    choose(dialog, "ltx2")  # the distilled default: its own steps are the draft
    assert "distilled steps" in dialog.options.draft.toolTip()
    choose(dialog, "animatic")
    assert not dialog.options.draft.isEnabled() and "quality" not in dialog.values()
    assert not dialog.to_next.isEnabled() and dialog.from_previous.isEnabled()
    assert dialog.options.plan.itemText(0) == "No model to load: runs anywhere"


def test_without_a_gpu_the_plan_says_the_cpu(dialog) -> None:
    dialog.set_shot(48, Fraction(24), (1280, 720), None, {})
    choose(dialog, "ltx2")
    assert dialog.options.plan.itemText(0) == "Automatic: LTX-2.3 distilled · on the CPU"
    assert "the engine found no GPU" in dialog.options.plan_note.text()


def test_the_dialog_as_the_user_sees_it(dialog, qtbot) -> None:
    choose(dialog, "wan", "wan2.2-i2v-a14b")
    dialog.from_previous.setChecked(True)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save("/tmp/regenerate-dialog-wan22.png")
    choose(dialog, "ltx2")
    qtbot.wait(50)  # the form lays itself out again for the new plan
    dialog.grab().save("/tmp/regenerate-dialog-ltx2.png")


def test_the_extend_dialog_shows_the_plan_for_the_extend_model_and_sends_a_chosen_one(
    qtbot, tmp_path
) -> None:
    from pathlib import Path

    from editor.generate.extend_dialog import ExtendDialog
    from engine.generate.extend.timeline import ExtendDefaults

    dialog = ExtendDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends([
        {"name": "motion", "label": "Motion continuation", "ready": True, "default": True},
        {"name": "ltx2-extend", "label": "LTX-2, video condition with sound", "ready": True},
    ])  # fmt: skip
    dialog.fill(ExtendDefaults("c1", "Harbour", Path("/media/harbour.mp4"), 0, 48, {"prompt": "waves"}), 24.0)
    dialog.set_machine((1280, 720), 24.0, {})
    assert dialog.options.plan.itemText(0) == "No model to load: runs anywhere"  # motion continuation
    dialog.backend.setCurrentIndex(dialog.backend.findData("ltx2-extend"))
    assert dialog.options.plan.itemText(0).startswith("Automatic: LTX-2.3 distilled · ")
    assert "plan" not in dialog.values()
    dialog.options.plan.setCurrentIndex(2)
    assert dialog.values()["plan"] == dialog.options.plan.currentData()
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(50)
    dialog.grab().save("/tmp/extend-dialog-plan.png")


def test_a_draft_take_says_so_in_the_takes_menu() -> None:
    from editor.generate.takes_menu import take_label
    from engine.project.provenance import Provenance
    from engine.project.takes import Take

    draft = Provenance.from_dict({"task": "video.generate", "backend": "ltx2", "prompt": "Gulls", "seed": 4,
                                  "quality": "draft", "draft": "TaylorSeer cache"})  # fmt: skip
    final = Provenance.from_dict({"task": "video.generate", "backend": "ltx2", "prompt": "Gulls", "seed": 4,
                                  "quality": "final"})  # fmt: skip
    assert take_label(2, Take("take-2", None, draft, True)) == "Take 2 · seed 4 · “Gulls” · draft"
    assert take_label(3, Take("take-3", None, final, False)) == "Take 3 · seed 4 · “Gulls”"
