"""The mask bar on screen: it fits beside the other panels, and its overlay opacity is the user's to set.

The bar was one row about 1070 pixels wide at its narrowest: turning Mask
mode on forced the viewer that wide and left the inspector and media bin as
slivers. These tests look at what a user sees: panel widths, the bar's
labels in full, and the tint over the picture at each opacity.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider

from editor.main_window import MainWindow
from editor.masks.canvas import OUTLINE_ALPHA, mask_edge, overlay_image
from editor.masks.mode import OPACITY_KEY
from editor.settings import EditorSettings
from engine.playback.audio_output import AudioUnavailable
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.document import new_project
from tests.editor.test_mask_mode import SIZE, at, drag, enter_mask_mode, tool
from tests.support.maskmedia import write_moving_square

RATE = 30.0


def _window(qtbot, tmp_path, settings: EditorSettings) -> MainWindow:
    shot = tmp_path / "square.mp4"
    if not shot.exists():
        write_moving_square(shot, 20, SIZE)
    timeline = new_project("masks", rate=RATE, size=SIZE)
    edits.append(timeline, placements(source_timeline(shot, RATE, SIZE), 0, 20))
    win = MainWindow(settings=settings)
    qtbot.addWidget(win)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    win.show_timeline(timeline, None)
    win.resize(1600, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def settings(tmp_path, monkeypatch) -> EditorSettings:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return EditorSettings(tmp_path / "settings.ini")


@pytest.fixture
def window(qtbot, tmp_path, settings):
    win = _window(qtbot, tmp_path, settings)
    yield win
    win.masks.shutdown()
    win.viewer.shutdown()


def test_mask_mode_leaves_the_inspector_and_bin_their_width_and_every_label_whole(qtbot, window):
    win = window
    qtbot.wait(50)
    before = (win.inspector.width(), win.bin.width())
    assert win.viewer.side_by_side  # source and timeline monitors, until the bar needs the room
    enter_mask_mode(qtbot, win)
    assert not win.viewer.side_by_side and win.viewer.program.isVisible()  # the timeline's alone
    assert win.masks.bar.info.text().endswith(": 0 keys, 0 tracked frames")
    win.masks.bar.info.setText("A clip with a very long name indeed: 12 keys, 3000 tracked frames, and more")
    qtbot.wait(50)
    assert win.masks.bar.minimumSizeHint().width() <= win.viewer.width()
    assert win.inspector.width() >= min(before[0], 300) and win.bin.width() >= min(before[1], 250)
    bar = win.masks.bar
    buttons = [*bar.tool_buttons.values(), bar.invert, bar.clear, bar.track, bar.inpaint]
    for button in buttons:
        assert button.isVisible() and button.width() >= button.sizeHint().width(), button.text()
    assert bar.size_label.width() >= bar.size_label.sizeHint().width()
    assert bar.opacity_label.text() == "50%"
    chosen, other = (bar.tool_buttons[t].grab().toImage() for t in ("brush", "eraser"))
    assert chosen.pixelColor(4, chosen.height() // 2) != other.pixelColor(4, other.height() // 2), (
        "the chosen tool stands out"
    )
    assert bar.info.shown_text().endswith("…") and bar.info.toolTip().startswith("A clip with")
    # off again: nothing was squeezed for good
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert not bar.isVisible() and win.inspector.width() >= min(before[0], 300)
    qtbot.waitUntil(lambda: win.viewer.side_by_side)  # both monitors again


def _tint(win: MainWindow, x: float, y: float) -> int:
    """How much redder than green the viewer shows media pixel (x, y)."""
    point: QPoint = at(win, x, y)
    colour = win.viewer.picture.grab().toImage().pixelColor(point)
    return colour.red() - colour.green()


def _drag_slider(qtbot, slider: QSlider, where: float) -> None:
    """Drag the slider's handle to `where` (0 left end .. 1 right end) with the mouse."""
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    style = slider.style()
    handle = style.subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, slider
    )
    groove = style.subControlRect(
        QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, slider
    )
    span = groove.width() - handle.width()
    target = QPoint(groove.x() + handle.width() // 2 + round(where * span), handle.center().y())
    qtbot.mousePress(slider, Qt.MouseButton.LeftButton, pos=handle.center())
    qtbot.mouseMove(slider, (handle.center() + target) / 2)
    qtbot.mouseMove(slider, target)
    qtbot.mouseRelease(slider, Qt.MouseButton.LeftButton, pos=target)


def test_overlay_opacity_is_set_with_the_slider_and_remembered(qtbot, window, tmp_path, settings):
    win = window
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(10, 10), (30, 30), (50, 50)])
    assert win.masks.masks.mask_at(0)[30, 30] == 255
    slider = win.masks.bar.opacity
    assert slider.value() == 50
    half = _tint(win, 30, 30)
    _drag_slider(qtbot, slider, 1.0)
    assert slider.value() == 100 and win.masks.bar.opacity_label.text() == "100%"
    full = _tint(win, 30, 30)
    _drag_slider(qtbot, slider, 0.0)  # 0%: the picture as it is
    assert slider.value() == 0
    none = _tint(win, 30, 30)
    assert full > half + 30 and half > none + 30
    _drag_slider(qtbot, slider, 0.3)
    assert 25 <= slider.value() <= 35
    chosen = slider.value()
    assert int(settings.value(OPACITY_KEY)) == chosen
    win.masks.shutdown()
    win.viewer.shutdown()

    again = _window(qtbot, tmp_path, EditorSettings(tmp_path / "settings.ini"))
    try:
        assert again.masks.bar.opacity.value() == chosen and again.masks.opacity == pytest.approx(
            chosen / 100
        )
    finally:
        again.masks.shutdown()
        again.viewer.shutdown()


def test_the_overlay_draws_the_masks_edge_so_it_shows_over_red_footage():
    mask = np.zeros((20, 30), np.uint8)
    mask[5:15, 10:25] = 255
    edge = mask_edge(mask)
    assert edge[5, 12] and edge[14, 12] and edge[8, 10] and edge[8, 24]
    assert not edge[8, 12] and not edge[2, 2] and edge.sum() == 2 * 15 + 2 * 8
    image = overlay_image(mask, 0.5)
    inner, rim = image.pixelColor(15, 9), image.pixelColor(10, 9)
    assert inner.alpha() == 128 and (inner.red(), inner.green()) == (230, 40)
    assert rim.alpha() == OUTLINE_ALPHA and rim.green() > 200, "a light line, not the red tint"
    assert image.pixelColor(2, 2).alpha() == 0
    assert overlay_image(mask, 0.0).pixelColor(10, 9).alpha() == 0, "0% hides the overlay, edge too"


def test_the_inpaint_dialog_names_the_clip_and_its_mask_and_fits(qtbot, window, monkeypatch):
    win = window
    monkeypatch.setattr(win.engine, "start", lambda: None)  # the backends the dialog falls back to will do
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(10, 10), (30, 30)])
    seen: dict[str, str | int] = {}

    def look() -> None:
        dialog = win.inpaint.dialog
        if not dialog.isVisible():
            QTimer.singleShot(20, look)
            return
        seen.update(title=dialog.windowTitle(), about=dialog.about.text(), width=dialog.width())
        dialog.reject()

    QTimer.singleShot(0, look)
    qtbot.mouseClick(win.masks.bar.inpaint, Qt.MouseButton.LeftButton)
    name = win.masks.target.name
    assert seen["title"] == f"Inpaint {name}"
    assert f"{name} in all 20 frames" in str(seen["about"]) and "same mask on every frame" in str(
        seen["about"]
    )
    assert int(seen["width"]) <= 640
