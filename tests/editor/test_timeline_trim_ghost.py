"""The trim ghost: while an edge is dragged, the linked partner's edge is previewed moving with it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt

from editor.timeline.painting import Ghost
from engine.project import edits
from tests.support.editing import av_shot, project
from tests.support.timeline_harness import Harness, make_harness

ALT = Qt.KeyboardModifier.AltModifier


def talk(qtbot, tmp_path) -> Harness:
    """V1 + A1: 'Talk' 0-90, picture and sound linked, 30 frames into 300 frames of media."""
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 90, start=30)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)
    tl.view.set_snapping(False)
    return tl


def ghosts(tl: Harness) -> set[tuple[str, int, int]]:
    return {(g.track, g.start, g.end) for g in tl.view.gesture.overlay.ghosts}


def test_dragging_a_tail_shows_the_partners_tail_moving_too(qtbot, tmp_path) -> None:
    tl = talk(qtbot, tmp_path)
    tl.drag(tl.at(89.5, "V1"), tl.at(70, "V1"), release=False)
    assert ghosts(tl) == {("V1", 0, 70), ("A1", 0, 70)}
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, pos=tl.at(70, "V1"))
    assert tl.layout("V1") == [("Talk", 0, 70)] and tl.layout("A1") == [("Talk", 0, 70)]  # as previewed


def test_dragging_the_sounds_head_shows_the_pictures_head_too(qtbot, tmp_path) -> None:
    tl = talk(qtbot, tmp_path)
    tl.drag(tl.at(0.5, "A1"), tl.at(12, "A1"), release=False)
    assert ghosts(tl) == {("A1", 12, 90), ("V1", 12, 90)}
    assert all(isinstance(g, Ghost) for g in tl.view.gesture.overlay.ghosts)


def test_a_ripple_trim_ghost_covers_the_partner(qtbot, tmp_path) -> None:
    tl = talk(qtbot, tmp_path)
    tl.drag(tl.at(0.5, "V1"), tl.at(10, "V1"), modifiers=ALT, release=False)
    tl.view.gesture.move(QPointF(tl.at(10, "V1")), ALT)  # test mouse moves carry no modifiers: Alt held
    assert ghosts(tl) == {("V1", 0, 80), ("A1", 0, 80)}  # both close up by the ten frames cut from the head
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, ALT, tl.at(10, "V1"))
    assert tl.layout("V1") == [("Talk", 0, 80)] and tl.layout("A1") == [("Talk", 0, 80)]


def with_score(qtbot, tmp_path) -> Harness:
    """'Talk' on V1/A1 0-90 and the score on A2 from 100 to 160."""
    from engine.project import document, trackedit
    from tests.support.editing import RATE, shot

    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 90, start=30)
    edits.append(timeline, {"V1": video, "A1": audio})
    score = document.track(timeline, "A2")
    score.append(trackedit.make_gap(100, RATE))
    score.append(shot("Score", 60, audio=True))
    tl.open(timeline)
    tl.view.set_snapping(False)
    return tl


def test_a_ripple_trim_ghost_shows_the_sync_locked_score_moving_with_it(qtbot, tmp_path) -> None:
    tl = with_score(qtbot, tmp_path)
    tl.drag(tl.at(89.5, "V1"), tl.at(70, "V1"), modifiers=ALT, release=False)
    tl.view.gesture.move(QPointF(tl.at(70, "V1")), ALT)
    # the tail comes in 20 frames; the score on A2 (sync-locked) moves 20 frames earlier with it
    assert ghosts(tl) == {("V1", 0, 70), ("A1", 0, 70), ("A2", 80, 140)}
    tl.view.gesture.move(QPointF(tl.at(70, "V1")), Qt.KeyboardModifier.NoModifier)
    assert ("A2", 80, 140) not in ghosts(tl)  # a plain trim moves nothing else
    tl.view.gesture.move(QPointF(tl.at(70, "V1")), ALT)
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, ALT, tl.at(70, "V1"))
    assert tl.layout("A2") == [("gap", 0, 80), ("Score", 80, 140)]  # as the ghost showed


def test_no_ghost_for_a_track_with_sync_lock_off(qtbot, tmp_path) -> None:
    from engine.project import tracks

    tl = with_score(qtbot, tmp_path)
    tl.context.session.apply(tracks.set_track_flags, "A2", sync_locked=False)
    tl.drag(tl.at(89.5, "V1"), tl.at(70, "V1"), modifiers=ALT, release=False)
    tl.view.gesture.move(QPointF(tl.at(70, "V1")), ALT)
    assert ghosts(tl) == {("V1", 0, 70), ("A1", 0, 70)}
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, ALT, tl.at(70, "V1"))
    assert tl.layout("A2") == [("gap", 0, 100), ("Score", 100, 160)]
