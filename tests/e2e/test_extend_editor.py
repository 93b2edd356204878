"""Extend a shot from the editor: Clip > Extend Shot…, and the offer after trimming past the media.

A real window and the real engine process: the dialog is answered as a user
would (fields typed, the Extend button clicked), the job runs the default
motion backend, and the clip grows on the timeline as one undo step.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QMenu

from editor.bin.model import NAME
from editor.generate.extend_dialog import FRAMES, SECONDS
from editor.main_window import MainWindow
from editor.timeline.hits import row_top
from engine.generate.extend.timeline import extend_defaults
from engine.project import document, edits, takes, trackedit
from engine.project.clips import media_clip, media_reference
from engine.project.document import new_project
from engine.project.times import rt, tr
from tests.engine.test_extend import decoded, write_square
from tests.support.editing import layout

RATE = 30.0
LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def window(engine_window, tmp_path: Path):
    square = write_square(tmp_path / "square.mp4", frames=20)
    timeline = new_project("film", rate=RATE, size=(64, 36))
    reference = media_reference(square.as_uri(), tr(0, 20, RATE))
    edits.append(timeline, {"V1": media_clip("Square", reference, RATE, 12, 4)})
    edits.insert(timeline, rt(30, RATE), {"V1": media_clip("Next", reference.clone(), RATE, 10, 0)})
    win = engine_window(timeline)
    view = win.timeline_view
    view.geometry_.pixels_per_frame = 8.0
    view.scroll_to(first_frame=0, scroll_y=0)
    return win


def _first(win: MainWindow) -> str:
    return document.clip_id(document.track(win.context.session.timeline, "V1")[0])


def _answer_dialog(win: MainWindow, qtbot, fill=None) -> list[dict]:
    """When the dialog opens, look at it (and change fields), then click Extend, as a user would."""
    seen: list[dict] = []

    def answer() -> None:
        dialog = win.extending.dialog
        if not dialog.isVisible():
            QTimer.singleShot(50, answer)
            return
        if fill is not None:
            fill(dialog)
        seen.append(
            {"frames": dialog.frames, "head": dialog.head.isChecked(), "unit": dialog.unit.currentData()}
        )
        qtbot.mouseClick(dialog._ok, LEFT)

    QTimer.singleShot(50, answer)
    return seen


def _pick_offer(menu: QMenu, at: QPoint) -> None:
    """Stand in for the user choosing "Extend with AI…" in the menu a trim past the media shows."""
    next(a for a in menu.actions() if a.objectName() == "extend-offer").trigger()


def test_clip_menu_extend_shot_adds_a_second_and_undo_restores_the_timeline(window, qtbot) -> None:
    session = window.context.session
    ident = _first(window)
    window.context.selection.set([ident])
    before = layout(session.timeline, "V1")
    assert before == [("Square", 0, 12), ("gap", 12, 30), ("Next", 30, 40)]

    def ten_frames(dialog) -> None:
        dialog.unit.setCurrentIndex(dialog.unit.findData(FRAMES))
        dialog.amount.selectAll()
        qtbot.keyClicks(dialog.amount, "10")
        assert dialog.chosen_backend == "motion"  # the default, first

    seen = _answer_dialog(window, qtbot, ten_frames)
    clip_menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Clip")
    extend = next(a for a in clip_menu.actions() if a.text() == "E&xtend Shot…")
    extend.trigger()
    assert seen == [{"frames": 10, "head": False, "unit": FRAMES}]

    def take() -> str:
        return document.find_clip(session.timeline, ident)[1].active_media_reference_key

    qtbot.waitUntil(lambda: take() == "take-2", timeout=60000)
    assert layout(session.timeline, "V1") == [("Square", 0, 22), ("gap", 22, 40), ("Next", 40, 50)]
    clip = document.find_clip(session.timeline, ident)[1]
    made = takes.takes(clip)[-1].provenance
    assert made.backend == "motion" and made.extra["method"] == "motion"
    assert len(decoded(Path(clip.media_reference.target_url.removeprefix("file://")))) == 22
    assert "10 frames added by motion continuation" in window.statusBar().currentMessage()
    [job] = window.jobs_panel.model.jobs()
    assert job.state.name.lower() == "done" and job.message == "take-2, 10 frames by motion continuation"
    assert job.title == "Extend Square by 10 frames at the end"

    model = window.bin.model
    names = [model.index(row, NAME).data() for row in range(model.rowCount())]
    assert "Square · take 2" in names  # the extended take is in the bin under its clip and take

    window.context.actions.action("edit.undo").trigger()
    assert layout(session.timeline, "V1") == before
    assert len(document.find_clip(session.timeline, ident)[1].media_references()) == 1  # as it was
    assert "Square · take 2" in [model.index(row, NAME).data() for row in range(model.rowCount())]
    window.context.actions.action("edit.redo").trigger()
    assert layout(session.timeline, "V1")[0] == ("Square", 0, 22)


def test_trimming_past_the_media_offers_extend_with_the_frames_asked(window, qtbot, monkeypatch) -> None:
    session = window.context.session
    view = window.timeline_view
    ident = _first(window)
    offered: list[str] = []

    def pick_the_offer(menu: QMenu, at: QPoint) -> None:
        offered.extend(a.text() for a in menu.actions())
        offer = next(a for a in menu.actions() if a.objectName() == "extend-offer")
        offer.trigger()

    monkeypatch.setattr(view, "run_menu", pick_the_offer)
    seen = _answer_dialog(window, qtbot)
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start = QPoint(round(view.geometry_.x_of(11.7)), y)
    end = QPoint(round(view.geometry_.x_of(20)), y)  # 8 frames more; the media has 4
    qtbot.mousePress(view, LEFT, NONE, start)
    for i in range(1, 5):
        qtbot.mouseMove(view, start + (end - start) * (i / 4))
    assert "4 f past the media" in view.gesture.overlay.note
    assert [(g.start, g.end, g.label) for g in view.gesture.overlay.ghosts][1:] == [(16, 20, "AI +4")]
    qtbot.mouseRelease(view, LEFT, NONE, end)

    assert offered == ["Extend with AI… (+4 frames)"]
    assert seen == [{"frames": 4, "head": False, "unit": FRAMES}]
    # the trim itself went to the media's end, then the job added the rest
    qtbot.waitUntil(
        lambda: len(takes.takes(document.find_clip(session.timeline, ident)[1])) == 2, timeout=60000
    )
    assert layout(session.timeline, "V1") == [("Square", 0, 20), ("gap", 20, 34), ("Next", 34, 44)]
    clip = document.find_clip(session.timeline, ident)[1]
    assert trackedit.source_frames(clip, RATE) == (0, 20)


def test_the_dialog_lists_the_engines_backends_and_converts_seconds(window, qtbot) -> None:
    session = window.context.session
    dialog = window.extending.dialog
    dialog.set_backends(window.engine.info["tasks"]["video.extend"])
    names = [dialog.backend.itemData(i) for i in range(dialog.backend.count())]
    assert names[0] == "motion" and {"ltx-extend", "vace-extend"} <= set(names)
    assert dialog.backend.itemText(0).endswith("(default)")
    dialog.fill(extend_defaults(session.timeline, _first(window)), RATE)
    assert dialog.unit.currentData() == SECONDS and dialog.frames == 30
    dialog.amount.setValue(1.5)
    assert dialog.frames == 45 and "45 frames" in dialog.exact.text()
    dialog.unit.setCurrentIndex(dialog.unit.findData(FRAMES))
    assert dialog.amount.value() == 45
    dialog.head.setChecked(True)
    dialog.overwrite.setChecked(True)
    assert dialog.values()["head"] and dialog.values()["mode"] == "overwrite"


def test_nothing_selected_says_so(window) -> None:
    window.context.selection.clear()
    window.extending.extend_selected()
    assert window.statusBar().currentMessage() == "Select a picture clip to extend"


def test_trimming_a_head_past_the_media_start_extends_before_the_first_frame(
    window, qtbot, monkeypatch
) -> None:
    session = window.context.session
    view = window.timeline_view
    following = document.clip_id(document.track(session.timeline, "V1")[2])  # "Next" shows media from 0
    monkeypatch.setattr(view, "run_menu", _pick_offer)
    seen = _answer_dialog(window, qtbot)
    row = view.layout.row("V1")
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    start, end = QPoint(round(view.geometry_.x_of(30.2)), y), QPoint(round(view.geometry_.x_of(25)), y)
    qtbot.mousePress(view, LEFT, NONE, start)
    for i in range(1, 5):
        qtbot.mouseMove(view, start + (end - start) * (i / 4))
    qtbot.mouseRelease(view, LEFT, NONE, end)
    assert seen == [{"frames": 5, "head": True, "unit": FRAMES}]
    clip_takes = lambda: takes.takes(document.find_clip(session.timeline, following)[1])  # noqa: E731
    qtbot.waitUntil(lambda: len(clip_takes()) == 2, timeout=60000)
    # ripple: the clip keeps its start and is 5 frames longer; its old first frame is now its sixth
    assert layout(session.timeline, "V1")[-1] == ("Next", 30, 45)
    made = clip_takes()[-1].provenance
    assert made.extra["extend"]["side"] == "head" and made.frames == 15
