"""Cut, Copy, Paste and Paste Insert as an editor uses them: click clips, press the keys, compare the cut."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtWidgets import QApplication

from editor.main_window import MainWindow
from editor.timeline import clipboard as timeline_clipboard
from editor.timeline.geometry import HEADER_WIDTH
from editor.timeline.hits import row_top
from engine.playback.audio_output import AudioUnavailable
from engine.project import document, edits, links
from tests.editor.test_three_point import mark_source, open_source
from tests.editor.test_timeline import three_shots
from tests.editor.test_viewer import otio_text, two_shot_timeline
from tests.support.editing import av_shot, frames, project, shot
from tests.support.timeline_harness import Harness, make_harness

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _empty_clipboard():
    QApplication.clipboard().clear()
    yield
    QApplication.clipboard().clear()


@pytest.fixture
def tl(qtbot, tmp_path, monkeypatch) -> Harness:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    harness = make_harness(qtbot, tmp_path)
    harness.open(three_shots())  # V1: A 0-60, B 60-120, C 120-180; A1: a1 0-90, a2 90-180
    return harness


def ident(timeline: otio.schema.Timeline, name: str, track: str | None = None) -> str:
    return next(
        document.clip_id(c)
        for t, c in document.iter_clips(timeline)
        if c.name == name and (track is None or t.name == track)
    )


def enabled(tl: Harness, action_id: str) -> bool:
    return tl.context.actions.action(action_id).isEnabled()


def test_copy_two_clips_then_paste_at_the_playhead_as_one_undo_step(tl: Harness) -> None:
    assert not enabled(tl, "edit.copy") and not enabled(tl, "edit.paste")  # nothing selected, nothing held
    tl.click(tl.at(30, "V1"))
    tl.click(tl.at(150, "V1"), SHIFT)  # A and C, with B's length between them
    assert enabled(tl, "edit.copy") and enabled(tl, "edit.cut")
    before = tl.serialized()
    tl.key(Qt.Key.Key_C, CTRL)
    assert tl.serialized() == before  # copying edits nothing
    assert enabled(tl, "edit.paste") and enabled(tl, "edit.paste_insert")
    assert "2 clips" in QApplication.clipboard().text()  # a plain-text summary for other programs
    tl.context.playhead.move_to(200)
    tl.key(Qt.Key.Key_V, CTRL)
    assert tl.layout("V1") == [
        ("A", 0, 60),
        ("B", 60, 120),
        ("C", 120, 180),
        ("gap", 180, 200),
        ("A", 200, 260),
        ("gap", 260, 320),  # the space between the copied clips is kept, empty
        ("C", 320, 380),
    ]
    assert tl.layout("A1") == [("a1", 0, 90), ("a2", 90, 180)]
    assert tl.context.playhead.frame == 380  # past the pasted material, as Premiere leaves it
    assert HEADER_WIDTH < tl.view.geometry_.x_of(380) < tl.view.width()  # scrolled into view
    v1 = document.track(tl.timeline, "V1")
    assert set(tl.context.selection.ids) == {document.clip_id(v1[4]), document.clip_id(v1[6])}
    assert tl.context.session.undo_stack.undoText() == "Paste"
    tl.undo_redo_restores(before, tl.serialized())
    tl.context.playhead.move_to(60)
    tl.key(Qt.Key.Key_V, CTRL)  # paste again over B: A replaces B, the copy's gap leaves C be
    assert tl.layout("V1")[:4] == [("A", 0, 60), ("A", 60, 120), ("C", 120, 180), ("C", 180, 240)]


def test_paste_insert_pushes_later_clips_on_the_tracks_it_lands_on(tl: Harness) -> None:
    tl.click(tl.at(90, "V1"))  # B, 60 frames
    tl.key(Qt.Key.Key_C, CTRL)
    tl.context.playhead.move_to(30)
    before = tl.serialized()
    tl.key(Qt.Key.Key_V, CTRL | SHIFT)
    assert tl.layout("V1") == [("A", 0, 30), ("B", 30, 90), ("A", 90, 120), ("B", 120, 180), ("C", 180, 240)]
    assert tl.layout("A1") == [("a1", 0, 90), ("a2", 90, 180)]  # insert moves only the tracks it lands on
    assert tl.context.playhead.frame == 90
    assert tl.context.session.undo_stack.undoText() == "Paste Insert"
    tl.undo_redo_restores(before, tl.serialized())


def test_cut_leaves_a_gap_and_the_clip_pastes_back_elsewhere(tl: Harness) -> None:
    tl.click(tl.at(90, "V1"))
    before = tl.serialized()
    tl.key(Qt.Key.Key_X, CTRL)
    assert tl.layout("V1") == [("A", 0, 60), ("gap", 60, 120), ("C", 120, 180)]
    assert tl.context.session.undo_stack.undoText() == "Cut"
    tl.undo_redo_restores(before, tl.serialized())
    tl.context.session.undo_stack.undo()
    tl.context.session.undo_stack.redo()
    tl.context.playhead.move_to(180)
    tl.key(Qt.Key.Key_V, CTRL)
    assert tl.layout("V1") == [("A", 0, 60), ("gap", 60, 120), ("C", 120, 180), ("B", 180, 240)]


def test_linked_picture_and_sound_paste_as_a_new_linked_pair(qtbot, tmp_path) -> None:
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 40)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)
    tl.click(tl.at(20, "V1"))  # the picture only: its sound comes along
    tl.key(Qt.Key.Key_C, CTRL)
    tl.context.playhead.move_to(60)
    tl.key(Qt.Key.Key_V, CTRL)
    assert tl.layout("V1") == [("Talk", 0, 40), ("gap", 40, 60), ("Talk", 60, 100)]
    assert tl.layout("A1") == [("Talk", 0, 40), ("gap", 40, 60), ("Talk", 60, 100)]
    new_video = document.track(tl.timeline, "V1")[2]
    partners = links.partners(tl.timeline, new_video)
    assert [c for _, c in partners] == [document.track(tl.timeline, "A1")[2]]  # linked to the new sound only
    tl.click(tl.at(80, "V1"))
    tl.key(Qt.Key.Key_Delete)  # deleting the pasted picture takes its own sound, not the original's
    assert tl.layout("V1") == [("Talk", 0, 40)]
    assert tl.layout("A1") == [("Talk", 0, 40)]


def test_paste_goes_to_the_lowest_targeted_track_and_makes_the_tracks_it_needs(tl: Harness) -> None:
    tl.context.session.apply(edits.overwrite, frames(0), {"V2": shot("title", 30)})
    tl.click(tl.at(10, "V2"))
    tl.click(tl.at(90, "V1"), SHIFT)  # title on V2 and B on V1: two video tracks
    tl.key(Qt.Key.Key_C, CTRL)
    tl.click(tl.button("V1", "target"))  # only V2 (and the audio tracks) targeted now
    tl.context.playhead.move_to(200)
    before = tl.serialized()
    tl.key(Qt.Key.Key_V, CTRL)
    assert [t.name for t in document.tracks(tl.timeline, "Video")] == ["V1", "V2", "V3"]
    assert tl.layout("V2")[-1] == ("B", 260, 320)  # the lower copied track on the targeted one
    assert tl.layout("V3") == [("gap", 0, 200), ("title", 200, 230)]  # the upper one on a new track
    assert tl.view.layout.row("V3") is not None  # drawn
    tl.undo_redo_restores(before, tl.serialized())
    tl.context.session.undo_stack.undo()
    assert [t.name for t in document.tracks(tl.timeline, "Video")] == ["V1", "V2"]  # one step took it all


def test_a_locked_target_track_refuses_the_paste_with_a_message(tl: Harness) -> None:
    messages: list[str] = []
    tl.context.status.message.connect(lambda text, _ms: messages.append(text))
    tl.click(tl.at(90, "V1"))
    tl.key(Qt.Key.Key_C, CTRL)
    tl.click(tl.button("V1", "locked"))
    before = tl.serialized()
    tl.context.playhead.move_to(200)
    tl.key(Qt.Key.Key_V, CTRL)
    assert tl.serialized() == before
    assert messages[-1] == "Track V1 is locked; unlock it to paste there"
    assert tl.context.playhead.frame == 200


def test_plain_text_on_the_clipboard_turns_paste_off(tl: Harness) -> None:
    tl.click(tl.at(90, "V1"))
    tl.key(Qt.Key.Key_C, CTRL)
    assert enabled(tl, "edit.paste")
    QApplication.clipboard().setText("some words from another program")
    assert not enabled(tl, "edit.paste") and not enabled(tl, "edit.paste_insert")
    broken = QMimeData()
    broken.setData(timeline_clipboard.MIME_TYPE, b"not json")
    QApplication.clipboard().setMimeData(broken)
    messages: list[str] = []
    tl.context.status.message.connect(lambda text, _ms: messages.append(text))
    before = tl.serialized()
    tl.context.actions.action("edit.paste").trigger()
    assert tl.serialized() == before
    assert messages == ["The clipboard does not hold clips copied from Shotline"]


def test_equals_zooms_in_as_plus_does(tl: Harness) -> None:
    start = tl.view.geometry_.pixels_per_frame
    tl.key(Qt.Key.Key_Equal)
    after_equal = tl.view.geometry_.pixels_per_frame
    assert after_equal > start
    tl.key(Qt.Key.Key_Plus)
    assert tl.view.geometry_.pixels_per_frame > after_equal


# the whole window ----------------------------------------------------------------------------


def open_window(qtbot, tmp_path, monkeypatch, name: str) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / f"data-{name}"))
    folder = tmp_path / name
    folder.mkdir()
    window = MainWindow()
    qtbot.addWidget(window)
    window.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no device"))
    window.show_timeline(two_shot_timeline(folder), None)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def win(qtbot, tmp_path, monkeypatch):
    window = open_window(qtbot, tmp_path, monkeypatch, "one")
    yield window
    window.viewer.shutdown()


def click_clip(qtbot, window: MainWindow, frame: int, track: str, modifiers=Qt.KeyboardModifier.NoModifier):
    view = window.timeline_view
    row = view.layout.row(track)
    assert row is not None
    y = round(row_top(row, view.geometry_) + row.height * 0.6)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, modifiers, QPoint(round(view.geometry_.x_of(frame)), y))


def menu_texts(window: MainWindow, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_the_edit_menu_has_cut_copy_paste_after_undo_redo_with_their_keys(win) -> None:
    assert menu_texts(win, "Edit")[:6] == ["Undo", "Redo", "Cut", "Copy", "Paste", "Paste Insert"]
    actions = win.context.actions
    keys = [actions.shortcut(f"edit.{n}") for n in ("cut", "copy", "paste", "paste_insert")]
    assert keys == ["Ctrl+X", "Ctrl+C", "Ctrl+V", "Ctrl+Shift+V"]
    assert "view.zoom_in_equal" in actions and actions.shortcut("view.zoom_in") == "+"
    assert not actions.conflicts()


def test_clips_copied_in_one_window_paste_into_the_project_of_another(
    win, qtbot, tmp_path, monkeypatch
) -> None:
    win.timeline_view.setFocus()
    click_clip(qtbot, win, 10, "V1")  # red, with its linked tone
    qtbot.keyClick(win.timeline_view, Qt.Key.Key_C, CTRL)
    other = open_window(qtbot, tmp_path, monkeypatch, "two")
    try:
        assert other.context.actions.action("edit.paste").isEnabled()
        other.context.playhead.move_to(50)
        other.timeline_view.setFocus()
        qtbot.keyClick(other.timeline_view, Qt.Key.Key_V, CTRL)
        timeline = other.context.session.timeline
        v1, a1 = document.track(timeline, "V1"), document.track(timeline, "A1")
        assert (v1[-1].name, a1[-1].name) == ("red", "red")
        assert [c for _, c in links.partners(timeline, v1[-1])] == [a1[-1]]
        assert round(v1[-1].source_range.duration.value) == 30
        assert other.context.session.undo_stack.undoText() == "Paste"
        red_url = v1[-1].media_reference.target_url
        assert red_url.endswith("one/red.mp4")  # the first project's file, by its absolute path
        assert win.context.session.undo_stack.count() == 0  # the first window's project is untouched
    finally:
        other.viewer.shutdown()


def test_text_fields_keep_their_own_copy_and_paste(win, qtbot) -> None:
    win.timeline_view.setFocus()
    click_clip(qtbot, win, 10, "V1")
    qtbot.keyClick(win.timeline_view, Qt.Key.Key_C, CTRL)
    before = otio_text(win)
    undo_steps = win.context.session.undo_stack.count()
    field = win.viewer.timecode
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_V, CTRL)  # clips are on the clipboard: the field gets its text summary
    assert field.text().startswith("Shotline:")
    assert otio_text(win) == before and win.context.session.undo_stack.count() == undo_steps
    field.setText("00:00:01:05")
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_C, CTRL)
    assert QApplication.clipboard().text() == "00:00:01:05"  # the field's text, not the selected clips
    assert not win.context.actions.action("edit.paste").isEnabled()
    field.setReadOnly(True)  # a read-only field still keeps Ctrl+V from pasting clips
    qtbot.keyClick(win.timeline_view, Qt.Key.Key_C, CTRL)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_V, CTRL)
    assert otio_text(win) == before
    # the inspector's name field, with a clip selected: Ctrl+X cuts its text, not the clip
    win.timeline_view.setFocus()
    click_clip(qtbot, win, 42, "V2")  # the flash on V2 (made from red.mp4), a clip of its own
    name = win.inspector.name
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_X, CTRL)
    assert name.text() == "" and QApplication.clipboard().text() == "red"
    assert [c.name for c in document.track(win.context.session.timeline, "V2")] == ["", "red"]


def test_i_and_o_in_the_source_viewer_mark_the_source_not_the_timeline(win, qtbot, tmp_path) -> None:
    head = win.context.playhead
    head.mark_in(3)
    open_source(qtbot, win, tmp_path / "one" / "blue.mp4")
    mark_source(qtbot, win, 4, 12)  # the I and O keys, with the source viewer showing
    assert (win.viewer.source_playhead.in_point, win.viewer.source_playhead.out_point) == (4, 12)
    assert (head.in_point, head.out_point) == (3, None)  # the timeline's marks are its own
