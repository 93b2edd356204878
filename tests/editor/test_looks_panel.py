"""Grading in the inspector as an editor does it: the Colour section, the Effects stack, and
Edit > Paste Attributes… to give other clips the same look; every step undoable."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QDialogButtonBox, QFileDialog

from editor.inspector.panel import Inspector
from editor.main_window import MainWindow
from engine.project import document, edits, looks
from engine.project.document import clip_id, new_project
from tests.support.editing import RATE, av_shot, shot


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    timeline = new_project("cut", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Dawn", 30, start=5)})
    video, sound = av_shot("City", 45, start=10)
    edits.append(timeline, {"V1": video, "A1": sound})
    edits.append(timeline, {"V1": shot("Night", 20)})
    win.show_timeline(timeline, None)
    return win


def ids(window: MainWindow, track: str = "V1") -> list[str]:
    return [clip_id(c) for c in document.track(window.timeline, track) if isinstance(c, otio.schema.Clip)]


def stack(window: MainWindow, ident: str) -> list[tuple[str, dict]]:
    clip = document.find_clip(window.timeline, ident)[1]
    return [(looks.kind_of(e), dict(e.metadata["shotline"])) for e in looks.looks(clip)]


def inspector(window: MainWindow) -> Inspector:
    return window.findChild(Inspector)


def undo(window: MainWindow) -> None:
    window.context.actions.action("edit.undo").trigger()


def type_value(qtbot, field, value: str) -> None:
    box = field.box
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, value)
    qtbot.keyClick(box, Qt.Key.Key_Return)


def test_the_colour_section_grades_the_selected_clip(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    dawn, *_ = ids(window)
    window.context.selection.set([dawn])
    colour = inspector(window).colour
    assert colour.isVisible()
    type_value(qtbot, colour.fields["exposure"], "1.5")
    type_value(qtbot, colour.fields["saturation"], "0.5")
    kind, params = stack(window, dawn)[0]
    assert kind == "colour" and params["exposure"] == 1.5 and params["saturation"] == 0.5
    lut = tmp_path / "warm.cube"
    lut.write_text("LUT_1D_SIZE 2\n0 0 0\n1 0.9 0.8\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(lut), "")))
    colour.choose.click()  # the user clicks Choose… and picks warm.cube
    assert [k for k, _ in stack(window, dawn)] == ["colour", "lut"]
    assert colour.lut.text() == str(lut)
    undo(window)
    assert [k for k, _ in stack(window, dawn)] == ["colour"]
    undo(window)
    assert "saturation" not in stack(window, dawn)[0][1] and colour.fields["saturation"].value() == 1.0


def test_the_colour_section_hides_for_sound(window: MainWindow) -> None:
    window.context.selection.set(ids(window, "A1"))
    assert not inspector(window).colour.isVisible() and not inspector(window).effects.isVisible()


def test_the_effects_stack_adds_switches_off_reorders_and_removes(qtbot, window: MainWindow) -> None:
    dawn, *_ = ids(window)
    window.context.selection.set([dawn])
    effects = inspector(window).effects
    effects.add_menu.findChild(type(effects.add_menu.actions()[0]), "effects-add-grain").trigger()
    effects.add_menu.findChild(type(effects.add_menu.actions()[0]), "effects-add-vhs").trigger()
    assert [effects.list.item(i).text() for i in range(effects.list.count())] == ["Film Grain", "VHS"]
    assert effects.list.currentRow() == 1 and "wobble" in effects.fields
    type_value(qtbot, effects.fields["wobble"], "0.9")
    assert stack(window, dawn)[1][1]["wobble"] == 0.9
    effects.list.item(0).setCheckState(Qt.CheckState.Unchecked)  # the user clears the check box
    assert stack(window, dawn)[0][1]["enabled"] is False
    effects.up.click()
    assert [k for k, _ in stack(window, dawn)] == ["vhs", "grain"]
    assert effects.list.currentRow() == 0 and effects.list.item(0).text() == "VHS"
    effects.remove.click()
    assert [k for k, _ in stack(window, dawn)] == ["grain"]
    assert effects.list.item(0).checkState() == Qt.CheckState.Unchecked
    for _ in range(3):
        undo(window)
    assert [k for k, p in stack(window, dawn)] == ["grain", "vhs"] and stack(window, dawn)[0][1]["enabled"]


def test_paste_attributes_copies_the_chosen_looks(qtbot, window: MainWindow, tmp_path: Path) -> None:
    dawn, city, night = ids(window)
    timeline = window.timeline
    looks.set_colour(timeline, dawn, {"exposure": 1.0})
    looks.add_look(timeline, dawn, "grain", {"amount": 0.2})
    looks.add_look(timeline, dawn, "vignette")
    window.context.selection.set([dawn])
    window.context.actions.action("edit.copy").trigger()
    window.context.selection.set([city, night, *ids(window, "A1")])  # the linked sound comes along

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.findChild(QCheckBox, "paste-vignette").setChecked(False)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, choose)
    action = window.context.actions.action("edit.paste_attributes")
    assert action.shortcut().toString() == "Ctrl+Alt+V"
    action.trigger()
    for ident in (city, night):
        assert [k for k, _ in stack(window, ident)] == ["colour", "grain"]
        assert stack(window, ident)[1][1]["amount"] == 0.2
    undo(window)
    assert stack(window, city) == [] and stack(window, night) == []


@pytest.fixture
def still_window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    """A cut of one grey still that the viewer can show (the `window` cut's media are offline)."""
    from engine.media.reference import clips_for
    from tests.engine.test_compositing import GREY, write_still

    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    grey = write_still(tmp_path / "grey.png", (64, 36), GREY)
    timeline = new_project("grade", rate=RATE, size=(64, 36))
    document.track(timeline, "V1").append(clips_for(grey, RATE, 30)[0])
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.show_timeline(timeline, None)
    yield win
    win.viewer.shutdown()


def test_dragging_a_slider_previews_in_the_viewer_and_commits_one_step_on_release(
    qtbot, still_window: MainWindow
) -> None:
    from tests.editor.test_viewer import to_array

    window = still_window

    dawn, *_ = ids(window)
    window.context.selection.set([dawn])
    window.context.playhead.move_to(10)
    picture = window.viewer.picture
    qtbot.waitUntil(lambda: picture.image is not None and picture.frame == 10)
    plain = to_array(picture.image).astype(float).mean()
    slider = inspector(window).colour.fields["exposure"].slider
    steps = window.context.session.undo_stack.index()
    slider.setSliderDown(True)  # the user grabs the exposure slider and drags it up
    for position in (600, 700, 800):
        slider.setSliderPosition(position)
    qtbot.waitUntil(lambda: to_array(picture.image).astype(float).mean() > plain + 20)
    assert window.context.session.undo_stack.index() == steps  # only a preview so far
    assert stack(window, dawn) == []
    slider.setSliderDown(False)  # released: one undo step with the value under the slider
    assert window.context.session.undo_stack.index() == steps + 1
    ((kind, params),) = stack(window, dawn)
    assert kind == "colour" and params["exposure"] == inspector(window).colour.fields["exposure"].value() > 0
    undo(window)
    assert stack(window, dawn) == []
    qtbot.waitUntil(lambda: abs(to_array(picture.image).astype(float).mean() - plain) < 1)


def test_dragging_a_look_parameter_previews_without_undo_steps(qtbot, still_window: MainWindow) -> None:
    from tests.editor.test_viewer import to_array

    window = still_window

    dawn, *_ = ids(window)
    window.context.selection.set([dawn])
    window.context.playhead.move_to(10)
    picture = window.viewer.picture
    qtbot.waitUntil(lambda: picture.image is not None and picture.frame == 10)
    effects = inspector(window).effects
    effects.add("vignette")
    effects.list.setCurrentRow(0)
    steps = window.context.session.undo_stack.index()
    field = next(iter(effects.fields.values()))
    shown = to_array(picture.image).astype(float).mean()
    field.slider.setSliderDown(True)
    field.slider.setSliderPosition(0 if field.slider.value() > 500 else 1000)
    qtbot.waitUntil(lambda: abs(to_array(picture.image).astype(float).mean() - shown) > 1)
    assert window.context.session.undo_stack.index() == steps
    field.slider.setSliderDown(False)
    assert window.context.session.undo_stack.index() == steps + 1
