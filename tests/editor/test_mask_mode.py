"""Mask mode as a user drives it: paint in the viewer, track, correct, save and reopen, undo, inpaint."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from editor.jobs.model import JobsModel, State
from editor.jobs.runner import JobRunner
from editor.main_window import MainWindow
from editor.masks.target import media_rect
from engine.playback.audio_output import AudioUnavailable
from engine.playback.source import placements, source_timeline
from engine.project import document, edits, takes
from engine.project.document import new_project
from engine.project.masks import mask_of
from tests.support import mediagen
from tests.support.fake_engine import FakeEngine
from tests.support.maskmedia import iou, square_mask, write_moving_square

RATE = 30.0
SIZE = (96, 64)


@pytest.fixture
def shot(tmp_path) -> Path:
    return write_moving_square(tmp_path / "square.mp4", 20, SIZE)


def open_window(qtbot, timeline, path: Path | None = None) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    if path is None:
        win.show_timeline(timeline, None)
    else:
        assert win.open_project(path)
    win.resize(1200, 800)
    win.show()
    win.activateWindow()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, shot):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    timeline = new_project("masks", rate=RATE, size=SIZE)
    edits.append(timeline, placements(source_timeline(shot, RATE, SIZE), 0, 20))
    win = open_window(qtbot, timeline)
    yield win
    win.masks.shutdown()
    win.viewer.shutdown()


def picture_clip(win: MainWindow) -> str:
    return next(document.clip_id(c) for t, c in document.iter_clips(win.timeline) if t.kind == document.VIDEO)


def enter_mask_mode(qtbot, win: MainWindow, from_menu: bool = False) -> None:
    win.context.selection.set([picture_clip(win)])
    if from_menu:  # View > Mask Mode (a second window need not have the keyboard)
        win.context.actions.action("view.mask_mode").trigger()
    else:
        qtbot.keyClick(win.viewer.picture, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert win.masks.active and win.masks.bar.isVisible()
    qtbot.waitUntil(lambda: win.masks.masks is not None and win.viewer.picture.image is not None)


def at(win: MainWindow, x: float, y: float) -> QPoint:
    """Where media pixel (x, y) is on screen in the viewer."""
    picture = win.viewer.picture
    shown = media_rect(picture.picture_rect(), SIZE, SIZE)
    return QPointF(
        shown.x() + (x + 0.5) * shown.width() / SIZE[0], shown.y() + (y + 0.5) * shown.height() / SIZE[1]
    ).toPoint()


def drag(qtbot, win: MainWindow, points: list[tuple[float, float]]) -> None:
    picture = win.viewer.picture
    qtbot.mousePress(picture, Qt.MouseButton.LeftButton, pos=at(win, *points[0]))
    for point in points[1:]:
        qtbot.mouseMove(picture, at(win, *point))
    qtbot.mouseRelease(picture, Qt.MouseButton.LeftButton, pos=at(win, *points[-1]))


def tool(qtbot, win: MainWindow, name: str) -> None:
    qtbot.mouseClick(win.masks.bar.tool_buttons[name], Qt.MouseButton.LeftButton)


def shown_mask(win: MainWindow, frame: int) -> np.ndarray:
    return win.masks.masks.mask_at(frame)


def test_brush_eraser_shapes_invert_and_clear_paint_the_clips_mask_with_undo(qtbot, window):
    win, ident = window, picture_clip(window)
    enter_mask_mode(qtbot, win)
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_BracketLeft)
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_BracketLeft)
    assert win.masks.size == 12
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_BracketRight)
    assert win.masks.size == 16 and win.masks.bar.size_label.text() == "Size 16 px"
    qtbot.keyClick(win.viewer.picture, Qt.Key.Key_BracketLeft)  # 12 px
    drag(qtbot, win, [(20, 30), (40, 30), (60, 30)])
    mask = shown_mask(win, 0)
    assert mask[30, 20] == mask[30, 40] == mask[30, 60] == 255
    assert mask[30, 80] == 0 and mask[10, 40] == 0 and mask[38, 40] == 0  # 12 px wide
    first = mask_of(document.find_clip(win.timeline, ident)[1])
    assert first is not None and win.context.session.undo_stack.undoText() == "Paint Mask"
    assert np.array_equal(shown_mask(win, 19), mask)  # one painted frame covers the whole clip

    tool(qtbot, win, "eraser")
    drag(qtbot, win, [(40, 20), (40, 40)])
    assert shown_mask(win, 0)[30, 40] == 0 and shown_mask(win, 0)[30, 20] == 255
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(70, 5), (75, 8), (80, 15)])
    assert shown_mask(win, 0)[10, 75] == 255 and shown_mask(win, 0)[20, 75] == 0
    tool(qtbot, win, "ellipse")
    drag(qtbot, win, [(4, 44), (24, 60)])
    painted = shown_mask(win, 0)
    assert painted[52, 14] == 255 and painted[45, 5] == 0  # the centre is in, the corner is out

    qtbot.mouseClick(win.masks.bar.invert, Qt.MouseButton.LeftButton)
    assert np.array_equal(shown_mask(win, 0), 255 - painted)
    win.masks.bar.feather.setValue(3)
    qtbot.waitUntil(lambda: win.masks.masks.feather == 3)
    assert 0 < shown_mask(win, 0)[29, 20] < 255 or 0 < shown_mask(win, 0)[23, 20] < 255

    undo = win.context.actions.action("edit.undo")
    undo.trigger()  # feather
    undo.trigger()  # invert
    qtbot.waitUntil(lambda: np.array_equal(shown_mask(win, 0), painted))
    qtbot.mouseClick(win.masks.bar.clear, Qt.MouseButton.LeftButton)
    assert mask_of(document.find_clip(win.timeline, ident)[1]) is None and not shown_mask(win, 0).any()
    undo.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown_mask(win, 0), painted))
    for _ in range(3):  # ellipse, rectangle, eraser: back to the first stroke
        undo.trigger()
    assert win.masks.version == first and np.array_equal(shown_mask(win, 0), mask)
    win.context.actions.action("edit.redo").trigger()
    assert shown_mask(win, 0)[30, 40] == 0


def track(qtbot, win: MainWindow) -> None:
    jobs = win.jobs_panel.model
    before = jobs.rowCount()
    qtbot.mouseClick(win.masks.bar.track, Qt.MouseButton.LeftButton)
    token = jobs.job_at(before).job_id if hasattr(jobs, "job_at") else None
    qtbot.waitUntil(
        lambda: win.masks._tracking == {} and win.context.session.undo_stack.undoText() == "Track Mask",
        timeout=20000,
    )
    assert token is None or jobs.job(token).state == State.DONE


def test_tracking_follows_the_square_and_a_correction_becomes_a_key_it_follows(qtbot, window):
    win = window
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(6, 6), (21, 21)])
    assert iou(shown_mask(win, 0), square_mask(0, SIZE)) > 0.8
    track(qtbot, win)
    win.context.playhead.move_to(12)  # scrubbing shows the tracked mask of each frame
    assert win.masks.current_frame() == 12
    assert iou(win.masks.masks.hard_mask_at(12), square_mask(12, SIZE)) > 0.7
    qtbot.waitUntil(lambda: win.viewer.picture.frame == 12)

    # a correction on frame 10: the user marks the static patch instead; re-tracking follows it from there
    win.context.playhead.move_to(10)
    qtbot.mouseClick(win.masks.bar.clear, Qt.MouseButton.LeftButton)
    win.context.actions.action("edit.undo").trigger()  # (clear undone: the tracked mask is back)
    drag(qtbot, win, [(60, 40), (75, 55)])
    assert 10 in win.masks.masks.keys and all(f < 10 for f in win.masks.masks.tracked)
    track(qtbot, win)
    assert iou(win.masks.masks.hard_mask_at(5), square_mask(5, SIZE)) > 0.7
    assert win.masks.masks.hard_mask_at(15)[48, 68] == 255  # the corrected region, carried on


def test_masks_survive_save_and_reopen_and_undo_after_the_first_save(qtbot, window, tmp_path):
    win, ident = window, picture_clip(window)
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(10, 10), (30, 30)])
    painted = shown_mask(win, 0)
    project = tmp_path / "film.otio"
    assert win.project_files.write(project)
    win.masks.store.flush()
    folder = mask_of(document.find_clip(win.timeline, ident)[1])
    assert (tmp_path / "film.masks" / folder / "mask.json").is_file()
    tool(qtbot, win, "brush")
    drag(qtbot, win, [(80, 50), (80, 50)])  # a stroke after saving is written beside the project
    assert win.project_files.write(project)
    win.masks.store.flush()

    again = open_window(qtbot, None, project)
    try:
        enter_mask_mode(qtbot, again, from_menu=True)
        reopened = again.masks.masks
        assert reopened.mask_at(0)[50, 80] == 255 and reopened.mask_at(0)[20, 20] == 255
        again.context.actions.action("edit.undo").trigger()  # nothing to undo in a freshly opened project
        win.context.actions.action("edit.undo").trigger()  # in the first window: before the stroke
        assert np.array_equal(shown_mask(win, 0), painted)
    finally:
        again.masks.shutdown()
        again.viewer.shutdown()


def test_inpaint_shot_submits_the_clips_media_mask_and_range_and_the_result_becomes_a_take(
    qtbot, window, tmp_path, shot
):
    win, ident = window, picture_clip(window)
    enter_mask_mode(qtbot, win)
    tool(qtbot, win, "rectangle")
    drag(qtbot, win, [(10, 10), (30, 30)])
    engine, jobs = FakeEngine(), JobsModel()
    engine.info = {"tasks": {"video.inpaint": [{"name": "opencv", "default": True}, {"name": "wan-vace"}]}}
    runner = JobRunner(engine, jobs)
    controller = win.inpaint
    controller.runner = runner  # the engine's part is played by the test
    controller.dialog.set_backends(runner.backends("video.inpaint"))
    assert controller.dialog.backend.currentData() == "opencv"
    token = controller.inpaint(ident, {"prompt": "empty street", "seed": 7}, "opencv")
    qtbot.waitUntil(lambda: len(engine.submitted) == 1)
    spec = engine.submitted[0]
    folder = mask_of(document.find_clip(win.timeline, ident)[1])
    assert spec["task"] == "video.inpaint" and spec["backend"] == "opencv"
    params = spec["params"]
    assert (params["input"], params["start"], params["frames"]) == (str(shot), 0, 20)
    assert (
        Path(params["mask"]) == win.masks.store.root / folder
        and (Path(params["mask"]) / "mask.json").is_file()
    )
    assert (params["prompt"], params["seed"]) == ("empty street", 7)

    result_file = mediagen.write_video(tmp_path / "inpainted.mp4", 20, size=SIZE)
    made = {
        "task": "video.inpaint",
        "backend": "opencv",
        "frames": 20,
        "rate": "30",
        "mask": params["mask"],
        "seed": 7,
    }
    engine.done.emit("1", {"files": [str(result_file)], "provenance": made})
    assert jobs.job(token).state == State.DONE
    clip = document.find_clip(win.timeline, ident)[1]
    active = next(t for t in takes.takes(clip) if t.active)
    assert (
        active.reference.target_url == result_file.as_uri() or str(result_file) in active.reference.target_url
    )
    assert active.provenance.mask == params["mask"] and active.provenance.backend == "opencv"
    win.context.actions.action("edit.undo").trigger()
    clip = document.find_clip(win.timeline, ident)[1]
    assert [t.key for t in takes.takes(clip) if t.active] == ["take-1"] and len(takes.takes(clip)) == 2
