"""Clip > Animate This Still: the still is the first frame of an image-to-video take of the same clip."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from editor.context import EditorContext
from editor.generate.controller import GenerationController
from editor.jobs.model import JobsModel
from editor.jobs.runner import JobRunner
from editor.settings import EditorSettings
from editor.stills.animate_controller import AnimateStillController
from engine.errors import GenerateError
from engine.generate.batch import Batch
from engine.generate.video.animate_still import still_path
from engine.media.reference import clips_for
from engine.project import document, persistence, provenance, takes
from engine.project.document import new_project
from engine.project.kenburns import LINEAR, move_of, set_ken_burns
from engine.render.video import video_frame
from tests.support.fake_engine import FakeEngine
from tests.support.mediagen import write_video

RATE = 24.0


def made(spec: dict[str, Any]) -> dict[str, Any]:
    """What the engine's `done` says for a spec: the spec run for real on the in-process queue."""
    outcomes = []
    Batch(1).run([spec], lambda _i, outcome: outcomes.append(outcome))
    assert outcomes[0].result is not None, outcomes[0].error
    return {**outcomes[0].result, "cached": outcomes[0].cached}


@pytest.fixture
def editor(qtbot, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    photo = tmp_path / "harbour.png"
    rgb = np.zeros((180, 320, 3), np.uint8)
    rgb[:, :, 2] = 200
    Image.fromarray(rgb).save(photo)
    timeline = new_project("film", rate=RATE, size=(320, 180))
    still = clips_for(photo, RATE, 48)[0]
    still.name = "Harbour at dawn"
    document.track(timeline, "V1").append(still)
    document.track(timeline, "V1").append(
        clips_for(write_video(tmp_path / "shot.mp4", frames=24, rate=Fraction(24)), RATE, 24)[0]
    )
    project = tmp_path / "film.otio"
    persistence.save(timeline, project)
    owner, window = QObject(), QWidget()
    qtbot.addWidget(window)
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    context.session.replace(persistence.load(project).timeline, project)
    engine = FakeEngine()
    runner = JobRunner(engine, JobsModel())
    generation = GenerationController(context, runner, window)
    animate = AnimateStillController(context, generation, runner, window)
    clips = [document.clip_id(c) for _, c in document.iter_clips(context.session.timeline)]
    return context, engine, animate, clips, photo, (owner, window)


def test_animating_a_still_makes_a_video_take_that_starts_from_it_and_undo_plays_the_still(
    editor, monkeypatch
) -> None:
    context, engine, animate, (still, _footage), photo, _keep = editor
    assert context.actions.action("clip.animate_still").text() == "&Animate This Still…"
    context.selection.set([still])
    dialog = animate._generation.dialog
    shown = {}

    def accept() -> QDialog.DialogCode:
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        shown.update(title=dialog.windowTitle(), image=dialog.image.text(), button=ok.text())
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog, "exec", accept)
    context.actions.action("clip.animate_still").trigger()
    assert shown == {"title": "Animate This Still", "image": str(photo), "button": "Animate"}
    (spec,) = engine.submitted
    assert spec["task"] == "video.generate"
    assert spec["params"]["image"] == str(photo) and spec["params"]["frames"] == 48
    engine.done.emit("1", made(spec))

    _, clip = document.find_clip(context.session.timeline, still)
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]
    assert clip.active_media_reference_key == "take-2"
    made_from = provenance.read(clip.media_reference)
    assert made_from.task == "video.generate" and str(photo) in made_from.references
    first = video_frame(context.session.timeline, 0)
    assert first[..., 2].mean() > 2 * first[..., 0].mean()  # it opens on the blue harbour still
    assert document.find_clip(context.session.timeline, still)[1].source_range.duration.value == 48
    context.session.undo_stack.undo()
    _, clip = document.find_clip(context.session.timeline, still)
    assert clip.media_reference.metadata["shotline"].get("still")


def test_animating_a_still_with_a_ken_burns_move_drops_the_move_and_undo_brings_it_back(
    editor, monkeypatch
) -> None:
    context, engine, animate, (still, _footage), _photo, _keep = editor
    context.session.apply(set_ken_burns, still, (0, 0, 1, 1), (0.25, 0.25, 0.5, 0.5), LINEAR)
    context.selection.set([still])
    monkeypatch.setattr(animate._generation.dialog, "exec", lambda: QDialog.DialogCode.Accepted)
    context.actions.action("clip.animate_still").trigger()
    (spec,) = engine.submitted
    engine.done.emit("1", made(spec))

    _, clip = document.find_clip(context.session.timeline, still)
    assert clip.active_media_reference_key == "take-2"
    assert move_of(clip) is None  # the video carries the motion: no push over it
    assert context.session.undo_stack.undoText() == "Animate Harbour at dawn"
    context.session.undo_stack.undo()  # one step: the still plays again, with its move
    _, clip = document.find_clip(context.session.timeline, still)
    assert clip.media_reference.metadata["shotline"].get("still")
    assert move_of(clip) is not None and move_of(clip).end == (0.25, 0.25, 0.5, 0.5)
    context.session.undo_stack.redo()
    _, clip = document.find_clip(context.session.timeline, still)
    assert clip.active_media_reference_key == "take-2" and move_of(clip) is None


def test_footage_is_not_a_still_and_nothing_is_queued(editor) -> None:
    context, engine, animate, (_still, footage), _photo, _keep = editor
    context.selection.set([footage])
    assert animate.animate_selected() == []  # no dialog: the status line says why
    assert engine.submitted == []
    with pytest.raises(GenerateError, match="is not a still"):
        still_path(context.session.timeline, footage)
