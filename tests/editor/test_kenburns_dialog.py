"""Clip > Ken Burns…: a still gets a push-in from the dialog, as one undo step, and shows it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from editor.context import EditorContext
from editor.settings import EditorSettings
from editor.stills.kenburns_controller import KenBurnsController
from editor.stills.kenburns_dialog import rect_for
from engine.media.reference import clips_for
from engine.project import document
from engine.project.document import clip_id, new_project
from engine.project.kenburns import EASE, LINEAR, move_of
from engine.render.video import video_frame


@pytest.fixture
def editor(qtbot, tmp_path: Path):
    owner = QObject()
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    still = tmp_path / "photo.png"
    rgb = np.zeros((240, 320, 3), np.uint8)
    rgb[:, :160] = (200, 30, 30)
    rgb[:, 160:] = (30, 30, 200)
    Image.fromarray(rgb).save(still)
    timeline = new_project(size=(160, 120), rate=30.0)
    clip = clips_for(still, 30.0, 60)[0]
    document.track(timeline, "V1").append(clip)
    context.session.replace(timeline, None)
    window = QWidget()
    qtbot.addWidget(window)
    controller = KenBurnsController(context, window)
    return context, controller, clip_id(clip), (owner, window)


def test_a_framing_near_an_edge_slides_inside_the_picture() -> None:
    assert rect_for(100, 50, 50) == (0.0, 0.0, 1.0, 1.0)
    assert rect_for(200, 0, 100) == (0.0, 0.5, 0.5, 0.5)
    assert rect_for(200, 50, 50) == (0.25, 0.25, 0.5, 0.5)


def test_a_pan_set_in_the_dialog_moves_the_still_and_undoes_in_one_step(editor) -> None:
    context, controller, ident, _owner = editor
    context.selection.set([ident])
    assert context.actions.action("clip.kenburns").text() == "&Ken Burns…"
    dialog = controller.dialog
    dialog.fill(None, "photo")
    assert dialog.preset.currentText() == "Push in" and not dialog.remove.isEnabled()
    dialog.preset.setCurrentIndex(dialog.preset.findText("Pan left to right"))
    dialog.preset.activated.emit(dialog.preset.currentIndex())
    dialog.easing.setCurrentIndex(dialog.easing.findData(LINEAR))
    controller.apply(ident)
    _, clip = document.find_clip(context.session.timeline, ident)
    move = move_of(clip)
    assert move is not None and move.easing == LINEAR
    assert move.start[0] == 0.0 and move.end[0] == pytest.approx(1 - 100 / 120)
    first = video_frame(context.session.timeline, 0)
    last = video_frame(context.session.timeline, 59)
    assert first[:, :40, 0].mean() > 150  # the red half at the left edge first
    assert last[:, -40:, 2].mean() > 150  # the blue half at the right edge at the end
    context.session.undo_stack.undo()
    _, clip = document.find_clip(context.session.timeline, ident)
    assert move_of(clip) is None


def test_the_dialog_shows_the_clips_move_and_remove_takes_it_off(editor) -> None:
    context, controller, ident, _owner = editor
    controller.dialog.fill(None, "photo")
    controller.apply(ident)
    _, clip = document.find_clip(context.session.timeline, ident)
    controller.dialog.fill(move_of(clip), "photo")
    assert controller.dialog.end.zoom.value() == pytest.approx(130.0)
    assert controller.dialog.easing.currentData() == EASE and controller.dialog.remove.isEnabled()
    assert controller.dialog.preset.currentText() == "Custom"
    controller.dialog.preset.setCurrentIndex(controller.dialog.preset.findText("Pull out"))
    controller.dialog.preset.activated.emit(controller.dialog.preset.currentIndex())
    assert controller.dialog.start.zoom.value() == pytest.approx(130.0)
    controller.dialog.end.x.setValue(30.0)  # a framing changed by hand: the user's own move
    assert controller.dialog.preset.currentText() == "Custom"
    controller.dialog._remove()
    controller.apply(ident)
    _, clip = document.find_clip(context.session.timeline, ident)
    assert move_of(clip) is None
