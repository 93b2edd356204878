"""Dragging a multi-selection across tracks: one block, one undo step, refused where it cannot go."""

from __future__ import annotations

from PySide6.QtCore import Qt

from editor.timeline import headers
from engine.project import document, edits, tracks
from engine.project.document import AUDIO, VIDEO
from engine.project.times import rt
from tests.support.editing import av_shot, project, shot
from tests.support.timeline_harness import Harness, make_harness

CTRL = Qt.KeyboardModifier.ControlModifier


def open_block(qtbot, tmp_path) -> Harness:
    """V1 + A1: 'Talk' 0-60 (linked picture and sound); V2: 'Title' 100-130; A2: 'Music' 100-160; V3 empty."""
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    while len(document.tracks(timeline, VIDEO)) < 3:
        tracks.add_track(timeline, VIDEO)
    while len(document.tracks(timeline, AUDIO)) < 2:
        tracks.add_track(timeline, AUDIO)
    video, audio = av_shot("Talk", 60)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.overwrite(timeline, rt(100, 30.0), {"V2": shot("Title", 30)})
    edits.overwrite(timeline, rt(100, 30.0), {"A2": shot("Music", 60, audio=True)})
    tl.open(timeline)
    tl.view.set_snapping(False)
    return tl


def select_talk_and_title(tl: Harness) -> None:
    tl.click(tl.at(30, "V1"))
    tl.click(tl.at(110, "V2"), CTRL)
    assert len(tl.context.selection.ids) == 3  # Talk's picture and sound, and the title


def test_a_selection_dragged_up_moves_every_clip_one_track_up_as_one_undo_step(qtbot, tmp_path) -> None:
    tl = open_block(qtbot, tmp_path)
    select_talk_and_title(tl)
    before = tl.serialized()
    tl.drag(tl.at(30, "V1"), tl.at(40, "V2"), release=False)
    ghosts = {(g.track, g.start, g.end) for g in tl.view.gesture.overlay.ghosts}
    assert ghosts == {("V2", 10, 70), ("A1", 10, 70), ("V3", 110, 140)}  # the ghost shows the block landing
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, pos=tl.at(40, "V2"))
    assert tl.layout("V1") == []
    assert tl.layout("V2") == [("gap", 0, 10), ("Talk", 10, 70)]
    assert tl.layout("V3") == [("gap", 0, 110), ("Title", 110, 140)]
    assert tl.layout("A1") == [("gap", 0, 10), ("Talk", 10, 70)]  # the sound follows in time on its track
    assert tl.layout("A2") == [("gap", 0, 100), ("Music", 100, 160)]  # not selected: untouched
    assert tl.context.session.undo_stack.undoText() == "Move Clips"
    tl.undo_redo_restores(before, tl.serialized())


def test_audio_clips_move_down_among_audio_tracks(qtbot, tmp_path) -> None:
    tl = open_block(qtbot, tmp_path)
    tracks.add_track(tl.timeline, AUDIO)  # A3
    tl.context.session.changed.emit()
    tl.click(tl.at(30, "A1"))
    tl.click(tl.at(130, "A2"), CTRL)
    tl.drag(tl.at(30, "A1"), tl.at(30, "A2"))
    assert tl.layout("A1") == []
    assert tl.layout("A2") == [("Talk", 0, 60)]
    assert tl.layout("A3") == [("gap", 0, 100), ("Music", 100, 160)]
    assert tl.layout("V1") == [("Talk", 0, 60)]  # the picture keeps its track


def test_a_block_that_would_leave_the_tracks_is_refused(qtbot, tmp_path) -> None:
    tl = open_block(qtbot, tmp_path)
    select_talk_and_title(tl)
    before = tl.serialized()
    messages: list[str] = []
    tl.context.status.message.connect(lambda text, _ms: messages.append(text))
    tl.drag(tl.at(30, "V1"), tl.at(30, "V3"), release=False)  # the title would go to a V4 there is not
    assert "past the last video track" in tl.view.gesture.overlay.note
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, pos=tl.at(30, "V3"))
    assert tl.serialized() == before
    assert any("past the last video track" in m for m in messages)


def test_a_block_that_would_land_on_a_locked_track_is_refused(qtbot, tmp_path) -> None:
    tl = open_block(qtbot, tmp_path)
    tl.click(tl.button("V3", "locked"))
    select_talk_and_title(tl)
    before = tl.serialized()
    messages: list[str] = []
    tl.context.status.message.connect(lambda text, _ms: messages.append(text))
    tl.drag(tl.at(30, "V1"), tl.at(30, "V2"))
    assert tl.serialized() == before
    assert any("V3 is locked" in m for m in messages)
    assert headers.SOURCE  # the header's source cell does not get in the way of the lock button
