"""Regenerate Shot uses the shot's Cast as Generate All does: the described prompt, the references
(for a VACE model), and a take that records them, so changing Mara's picture marks it stale."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.generate.controller import GenerationController
from editor.jobs.model import JobsModel
from editor.jobs.runner import JobRunner
from editor.settings import EditorSettings
from engine.generate.batch import Batch
from engine.project import cast, document, persistence, provenance
from engine.project.cast import CastMember
from engine.project.document import VIDEO
from engine.project.mediapaths import file_identity
from tests.support.fake_engine import FakeEngine
from tests.support.screenplays import keeper_project


def made(spec: dict[str, Any]) -> dict[str, Any]:
    """What the engine's `done` says for a spec: the spec run for real on the in-process queue."""
    outcomes = []
    Batch(1).run([spec], lambda _i, outcome: outcomes.append(outcome))
    assert outcomes[0].result is not None, outcomes[0].error
    return {**outcomes[0].result, "cached": outcomes[0].cached}


def open_keeper(qtbot, tmp_path: Path, monkeypatch) -> tuple[EditorContext, GenerationController, FakeEngine]:
    """The Keeper's script as a project, Mara described and pictured in the Cast, in an editor."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = QWidget()
    qtbot.addWidget(window)
    owner = QObject(window)  # the session lives as long as the window
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    project = keeper_project(tmp_path)
    context.session.replace(persistence.load(project).timeline, project)
    face = tmp_path / "mara.png"
    Image.new("RGB", (48, 64), (200, 30, 30)).save(face)
    mara = CastMember("Mara", description="a keeper in a red coat", references=(str(face),))
    context.session.apply(cast.set_member, mara)
    engine = FakeEngine()
    controller = GenerationController(context, JobRunner(engine, JobsModel()), window)
    return context, controller, engine


def first_shot(context: EditorContext) -> str:
    clips = document.iter_clips(context.session.timeline)
    return next(document.clip_id(c) for t, c in clips if t.kind == VIDEO)


def tag_mara(context: EditorContext, ident: str) -> None:
    """The storyboard's tags: Mara in the Lighthouse."""
    assert context.session.apply(cast.set_shot_cast, ident, ["Mara", "Lighthouse"]) is not None


def test_regenerating_a_tagged_shot_with_vace_sends_the_described_prompt_and_the_cast_pictures(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    context, controller, engine = open_keeper(qtbot, tmp_path, monkeypatch)
    ident = first_shot(context)
    tag_mara(context, ident)

    controller.regenerate([ident], {"prompt": "Mara climbs the stairs", "seed": 3}, "wan-vace")

    (spec,) = engine.submitted
    assert spec["backend"] == "wan-vace"
    assert spec["params"]["prompt"].startswith("Mara climbs the stairs. ")
    assert "Mara: a keeper in a red coat." in spec["params"]["prompt"]
    assert {"path": str(tmp_path / "mara.png"), "name": "Mara"} in spec["params"]["references"]


def test_an_image_to_video_backend_gets_the_description_but_no_reference_list(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    context, controller, engine = open_keeper(qtbot, tmp_path, monkeypatch)
    ident = first_shot(context)
    tag_mara(context, ident)

    controller.regenerate([ident], {"prompt": "", "seed": 3}, None)

    (spec,) = engine.submitted
    assert "Mara: a keeper in a red coat." in spec["params"]["prompt"]
    assert "references" not in spec["params"]


def test_a_regenerated_shot_goes_stale_when_maras_picture_changes(qtbot, tmp_path: Path, monkeypatch) -> None:
    context, controller, engine = open_keeper(qtbot, tmp_path, monkeypatch)
    ident = first_shot(context)
    tag_mara(context, ident)

    controller.regenerate([ident], {"prompt": "Mara climbs the stairs", "seed": 3}, None)
    engine.done.emit("1", made(engine.submitted[0]))

    _, shot = document.find_clip(context.session.timeline, ident)
    take = provenance.read(shot.media_reference)
    assert "Mara" in take.extra["cast"] and take.extra["shot_prompt"] == "Mara climbs the stairs"
    face = tmp_path / "mara.png"
    assert {"name": "Mara", **file_identity(face)} in take.extra["reference_files"]
    assert ident not in [s.clip_id for s in cast.stale_clips(context.session.timeline)]

    Image.new("RGB", (48, 64), (30, 30, 200)).save(face)  # a better picture of Mara, same file

    (stale,) = [s for s in cast.stale_clips(context.session.timeline) if s.clip_id == ident]
    assert any("Mara's reference mara.png has changed" in why for why in stale.reasons)


def test_the_dialog_shows_the_shots_cast_and_ticking_mara_is_its_own_undo_step(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    context, controller, engine = open_keeper(qtbot, tmp_path, monkeypatch)
    ident = first_shot(context)
    context.session.apply(cast.set_shot_cast, ident, ["Lighthouse"])
    before = ["Lighthouse"]
    monkeypatch.setattr(controller, "picture_clips", lambda: [ident])
    seen: dict[str, Any] = {}

    def user(*_args: object) -> QDialog.DialogCode:
        dialog = controller.dialog
        items = [dialog.cast.members.item(i) for i in range(dialog.cast.members.count())]
        seen["listed"] = [i.data(Qt.ItemDataRole.UserRole) for i in items]
        seen["ticked"] = dialog.cast_names()
        mara = next(i for i in items if i.data(Qt.ItemDataRole.UserRole) == "Mara")
        mara.setCheckState(Qt.CheckState.Checked)
        seen["sent"] = dialog.cast.sent.text()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(controller.dialog, "exec", user)
    controller.regenerate_selected()

    assert "Mara" in seen["listed"] and seen["ticked"] == before
    assert seen["sent"].startswith("Sent: ") and "Mara: a keeper in a red coat." in seen["sent"]
    (spec,) = engine.submitted
    assert "Mara: a keeper in a red coat." in spec["params"]["prompt"]
    _, shot = document.find_clip(context.session.timeline, ident)
    assert cast.shot_cast(shot) == ["Mara", "Lighthouse"]  # in the Cast's order
    context.session.undo_stack.undo()  # the Cast change is its own step
    _, shot = document.find_clip(context.session.timeline, ident)
    assert cast.shot_cast(shot) == before


def test_keyframe_first_runs_generate_alls_two_jobs_for_the_shot_with_the_dialogs_settings(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from editor.storyboard.generate_all import GenerateAllController

    context, controller, engine = open_keeper(qtbot, tmp_path, monkeypatch)
    window = QWidget()
    qtbot.addWidget(window)
    batch = GenerateAllController(context, controller._runner, window)
    controller.keyframe_first = batch.generate_shot  # as the main window wires them
    ident = first_shot(context)
    tag_mara(context, ident)
    monkeypatch.setattr(controller, "picture_clips", lambda: [ident])
    offered: list[bool] = []

    def user(*_args: object) -> QDialog.DialogCode:
        dialog = controller.dialog
        offered.append(not dialog.keyframe_first.isHidden())
        dialog.prompt.setPlainText("Mara climbs the iron stairs")
        dialog.seed_lock.setChecked(True)
        dialog.seed.setValue(77)
        dialog.keyframe_first.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(controller.dialog, "exec", user)
    controller.regenerate_selected()

    assert offered == [True]
    (keyframe,) = engine.submitted
    assert keyframe["task"] == "image.edit"
    assert keyframe["params"]["prompt"].startswith("Mara climbs the iron stairs. ")
    assert "Mara: a keeper in a red coat." in keyframe["params"]["prompt"]
    assert {"path": str(tmp_path / "mara.png"), "name": "Mara"} in keyframe["params"]["references"]
    engine.done.emit("1", made(keyframe))

    shot = engine.submitted[1]
    assert shot["task"] == "video.generate" and shot["params"]["seed"] == 77
    assert shot["params"]["prompt"] == keyframe["params"]["prompt"]
    assert Path(shot["params"]["image"]).is_file()  # made from the keyframe's picture
    engine.done.emit("2", made(shot))

    _, clip = document.find_clip(context.session.timeline, ident)
    take = provenance.read(clip.media_reference)
    assert take.extra["cast"] == ["Mara", "Lighthouse"] and take.extra["keyframe"] == shot["params"]["image"]
    Image.new("RGB", (48, 64), (30, 30, 200)).save(tmp_path / "mara.png")
    assert ident in [s.clip_id for s in cast.stale_clips(context.session.timeline)]


@pytest.mark.slow
def test_a_tiny_wan_vace_regenerate_is_given_maras_picture_and_records_it(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    """The real WanVACEPipeline (tiny random weights, loaded as a user's are) gets the call args."""
    pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")
    import json

    import numpy as np
    import torch
    from diffusers import WanVACEPipeline

    from tests.support.tinymodels import tiny_vace

    torch.set_num_threads(1)
    torch.manual_seed(0)
    folder = tmp_path / "tiny-wan-vace"
    tiny_vace(folder)
    (folder / "shotline.json").write_text(json.dumps({"native_sizes": [[64, 64]], "steps": 2}))
    calls: list[dict[str, Any]] = []
    original = WanVACEPipeline.__call__

    def recording(self, *args, **kwargs):
        calls.append(kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(WanVACEPipeline, "__call__", recording)
    context, controller, engine = open_keeper(qtbot, tmp_path, monkeypatch)
    ident = first_shot(context)
    tag_mara(context, ident)

    values = {"prompt": "Mara climbs the stairs", "seed": 3, "model": str(folder), "steps": 2}
    controller.regenerate([ident], values, "wan-vace")
    spec = engine.submitted[0]
    spec["params"] |= {"size": "64x64", "frames": 5}  # a tiny model's size and length
    engine.done.emit("1", made(spec))

    (call,) = calls
    assert "Mara: a keeper in a red coat." in call["prompt"]
    (picture,) = call["reference_images"]
    red = np.asarray(picture.convert("RGB"), dtype=int).mean(axis=(0, 1))
    assert picture.size == (48, 64) and np.abs(red - (200, 30, 30)).max() < 3
    _, clip = document.find_clip(context.session.timeline, ident)
    take = provenance.read(clip.media_reference)
    assert take.backend == "wan-vace" and take.extra["pipeline"] == "WanVACEPipeline"
    assert take.extra["reference_images"] == [str(tmp_path / "mara.png")]
    Image.new("RGB", (48, 64), (30, 30, 200)).save(tmp_path / "mara.png")
    assert ident in [s.clip_id for s in cast.stale_clips(context.session.timeline)]
