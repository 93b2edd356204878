"""Generate Shot from the editor: a real window, the real engine (animatic), a new clip or bin item."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from editor.bin.model import NAME
from editor.generate.new_shot_dialog import GenerateShotDialog
from editor.main_window import MainWindow
from editor.timeline import menus
from editor.timeline.hits import row_top
from engine.media.reference import clips_for
from engine.project import bin as media_bin
from engine.project import document, edits, provenance, takes, trackedit
from engine.project.document import new_project
from engine.project.times import rt
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)


@pytest.fixture
def window(engine_window, tmp_path: Path):
    """V1: Harbour [0, 20), a gap [20, 40), Pier [40, 60)."""
    footage = write_video(tmp_path / "footage.mp4", frames=48, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    (first,) = clips_for(footage, RATE, 20, 0)[:1]
    (second,) = clips_for(footage, RATE, 20, 10)[:1]
    first.name, second.name = "Harbour", "Pier"
    edits.append(timeline, {"V1": first})
    edits.overwrite(timeline, rt(40, RATE), {"V1": second})
    return engine_window(timeline)


def layout(win: MainWindow, track: str = "V1") -> list[tuple[str, int, int]]:
    found = trackedit.layout(document.track(win.context.session.timeline, track), RATE)
    return [(s.item.name if hasattr(s.item, "media_reference") else "gap", s.start, s.end) for s in found]


def bin_names(win: MainWindow) -> list[str]:
    model = win.bin.model
    return [model.index(row, NAME).data() for row in range(model.rowCount())]


def answer(qtbot, dialog: GenerateShotDialog, prompt: str, name: str = "", frames: int | None = None):
    """Type into the dialog when it opens and press Generate, as a user would; returns what it showed."""
    seen: dict[str, object] = {}

    def fill() -> None:
        try:
            seen["where"], seen["frames"] = dialog.where.text(), dialog.frames.value()
            seen["title"] = dialog.windowTitle()
            qtbot.keyClicks(dialog.prompt, prompt)
            qtbot.keyClicks(dialog.name, name)
            if frames is not None:
                dialog.frames.selectAll()
                qtbot.keyClicks(dialog.frames, str(frames))
            dialog.backend.setCurrentIndex(dialog.backend.findData("animatic"))
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, fill)
    return seen


def right_click_menu(win: MainWindow, monkeypatch, frame: int, track: str, text: str) -> list[str]:
    """Right-click the timeline at `frame` on `track` and choose the entry called `text`."""
    view = win.timeline_view
    offered: list[str] = []

    def run(menu: QMenu, at: QPoint) -> None:
        offered.extend(a.text() for a in menu.actions())
        next(a for a in menu.actions() if a.text() == text).trigger()

    monkeypatch.setattr(view, "run_menu", run)
    row = view.layout.row(track)
    pos = QPoint(round(view.geometry_.x_of(frame)), round(row_top(row, view.geometry_) + row.height * 0.6))
    QApplication.sendEvent(
        view, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.mapToGlobal(pos))
    )
    return offered


def test_right_click_a_gap_generates_a_shot_of_the_gaps_length_as_one_undo_step(window, qtbot, monkeypatch):
    window.timeline_view.zoom_to_fit()
    seen = answer(qtbot, window.new_shot.dialog, "A gull takes off from the pier", name="Gull")
    offered = right_click_menu(window, monkeypatch, 30, "V1", "Generate Shot in Gap…")
    assert "Add Video Track" in offered
    assert seen["frames"] == 20 and "On V1 from 00:00:00:20 to 00:00:01:15" in str(seen["where"])
    assert "overwritten" in str(seen["where"])
    qtbot.waitUntil(lambda: layout(window)[1][0] == "Gull", timeout=60000)

    assert layout(window) == [("Harbour", 0, 20), ("Gull", 20, 40), ("Pier", 40, 60)]
    assert [j.title for j in window.jobs_panel.model.jobs()] == [
        "Generate Gull on V1 00:00:00:20–00:00:01:16"
    ]
    session = window.context.session
    track = document.track(session.timeline, "V1")
    gull = track[1]
    [take] = takes.takes(gull)
    assert take.key == "take-1" and take.active
    made = provenance.read(gull.media_reference)
    assert made.backend == "animatic" and made.prompt == "A gull takes off from the pier"
    with av.open(gull.media_reference.target_url.removeprefix("file://")) as container:
        assert sum(1 for _ in container.decode(video=0)) == 20
    row, box = window.timeline_view.layout.find(document.clip_id(gull))
    assert box.generated and row.track == "V1"  # the generated badge
    assert window.context.selection.ids == [document.clip_id(gull)]
    assert session.undo_stack.undoText() == "Generate Gull"
    assert "Gull · take 1" in bin_names(window)  # in the bin as its clip and take, not animatic.mp4
    window.context.actions.action("edit.undo").trigger()
    assert layout(window) == [("Harbour", 0, 20), ("gap", 20, 40), ("Pier", 40, 60)]
    assert "Gull · take 1" in bin_names(window)  # the clip is gone, the result is not
    window.context.actions.action("edit.redo").trigger()
    assert layout(window)[1] == ("Gull", 20, 40)
    assert bin_names(window).count("Gull · take 1") == 1


def test_sequence_generate_shot_overwrites_the_marked_range_on_the_target_track(window, qtbot) -> None:
    context = window.context
    action = context.actions.action("sequence.generate_shot")
    action.trigger()  # no marks: it says what to do
    assert "Mark In and Out" in window.statusBar().currentMessage()

    context.playhead.mark_in(10)
    context.playhead.mark_out(29)  # inclusive: 20 frames
    seen = answer(qtbot, window.new_shot.dialog, "Fog rolls in", frames=16)
    action.trigger()
    assert seen["frames"] == 20 and "On V1 from 00:00:00:10" in str(seen["where"])
    qtbot.waitUntil(lambda: any(name == "Shot" for name, _, _ in layout(window)), timeout=60000)
    # the user shortened it to 16 frames: it starts at the mark and overwrites what is under it
    assert layout(window) == [("Harbour", 0, 10), ("Shot", 10, 26), ("gap", 26, 40), ("Pier", 40, 60)]


def test_an_empty_prompt_keeps_the_dialog_open_and_says_why(window, qtbot) -> None:
    dialog = window.new_shot.dialog
    dialog.set_backends(window.engine.info["tasks"]["video.generate"])
    dialog.fill_new("On V1", 12, RATE, with_previous=False)
    dialog.show()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "needs a prompt" in dialog.where.text()
    assert dialog.length_text.text() == "= 00:00:00:12 at 24 fps"
    dialog.reject()


def test_new_generated_shot_from_the_bin_lands_in_the_bin_under_its_name(window, qtbot) -> None:
    session = window.context.session
    seen = answer(qtbot, window.new_shot.dialog, "A storm over the bay", name="Storm", frames=12)
    window.context.actions.action("file.new_generated_shot").trigger()
    assert "media bin" in str(seen["where"])
    qtbot.waitUntil(
        lambda: any(p.name == "Storm.mp4" for p in media_bin.entries(session.timeline)), timeout=60000
    )
    [path] = [p for p in media_bin.entries(session.timeline) if p.name == "Storm.mp4"]
    assert path.parent.parent == session.path.parent / "shotline-cache"  # it lives in the cache entry
    with av.open(str(path)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 12
    qtbot.waitUntil(lambda: window.bin.model.item(path) is not None)
    assert layout(window) == [("Harbour", 0, 20), ("gap", 20, 40), ("Pier", 40, 60)]  # the cut is untouched
    assert session.undo_stack.undoText() == "Import Storm.mp4"


def test_the_gap_under_the_mouse_is_found_and_after_the_last_clip_it_is_open_ended(window) -> None:
    row = window.timeline_view.layout.row("V1")
    assert menus.gap_at(row, 25) == (20, 20)
    assert menus.gap_at(row, 90) == (60, None)  # the dialog then offers five seconds
    empty = window.timeline_view.layout.row("V2")
    assert menus.gap_at(empty, 7) == (0, None)
