"""The timeline used as an editor uses it: tools, drags, keys, menus, header buttons; each one undo step."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from engine.project import document, edits, markers, tracks
from tests.support.editing import av_shot, project, shot
from tests.support.timeline_harness import Harness, make_harness

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def three_shots() -> otio.schema.Timeline:
    """V1: A 0-60, B 60-120, C 120-180 (each 30 frames into its 300-frame media); A1: a1 0-90, a2 90-180."""
    timeline = project()
    for name in "ABC":
        edits.append(timeline, {"V1": shot(name, 60, start=30)})
    edits.append(timeline, {"A1": shot("a1", 90, start=30, audio=True)})
    edits.append(timeline, {"A1": shot("a2", 90, start=30, audio=True)})
    return timeline


@pytest.fixture
def tl(qtbot, tmp_path, monkeypatch) -> Harness:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    harness = make_harness(qtbot, tmp_path)
    harness.open(three_shots())
    return harness


def ident(tl: Harness, name: str) -> str:
    return next(document.clip_id(c) for _, c in document.iter_clips(tl.timeline) if c.name == name)


def source_start(tl: Harness, name: str) -> int:
    clip = next(c for _, c in document.iter_clips(tl.timeline) if c.name == name)
    return round(clip.source_range.start_time.value)


# tools and keys ---------------------------------------------------------------------------


def test_razor_tool_blades_the_clip_under_the_mouse_on_that_track_only(tl: Harness) -> None:
    before = tl.serialized()
    tl.key(Qt.Key.Key_C)
    assert tl.view.tool == "razor"
    tl.qtbot.mouseMove(tl.view, tl.at(25, "V1"))
    assert tl.view.overlay is not None and tl.view.overlay.line == 25  # the blade shows where it cuts
    tl.click(tl.at(25, "V1"))
    assert tl.layout("V1") == [("A", 0, 25), ("A", 25, 60), ("B", 60, 120), ("C", 120, 180)]
    assert tl.layout("A1") == [("a1", 0, 90), ("a2", 90, 180)]  # another track, not linked: untouched
    assert tl.context.session.undo_stack.undoText().startswith("Blade")
    tl.undo_redo_restores(before, tl.serialized())


def test_razor_cuts_the_linked_partner_too(qtbot, tmp_path) -> None:
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 90)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)
    tl.key(Qt.Key.Key_C)
    tl.click(tl.at(40, "V1"))
    assert tl.layout("V1") == [("Talk", 0, 40), ("Talk", 40, 90)]
    assert tl.layout("A1") == [("Talk", 0, 40), ("Talk", 40, 90)]


def test_ctrl_k_cuts_at_the_playhead_on_targeted_tracks(tl: Harness) -> None:
    tl.context.playhead.move_to(30)
    tl.click(tl.button("A1", "target"))  # A1 no longer targeted
    assert "A1" not in tl.view.targeted_tracks()
    before = tl.serialized()
    tl.key(Qt.Key.Key_K, CTRL)
    assert tl.layout("V1")[:2] == [("A", 0, 30), ("A", 30, 60)]
    assert tl.layout("A1") == [("a1", 0, 90), ("a2", 90, 180)]
    tl.undo_redo_restores(before, tl.serialized())
    tl.click(tl.button("A1", "target"))
    tl.context.playhead.move_to(45)
    tl.key(Qt.Key.Key_K, CTRL)
    assert tl.layout("A1")[:2] == [("a1", 0, 45), ("a1", 45, 90)]


def test_ctrl_k_leaves_a_linked_partner_on_an_untargeted_track_whole(qtbot, tmp_path) -> None:
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 90)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)
    tl.click(tl.button("A1", "target"))
    tl.context.playhead.move_to(40)
    before = tl.serialized()
    tl.key(Qt.Key.Key_K, CTRL)
    assert tl.layout("V1") == [("Talk", 0, 40), ("Talk", 40, 90)]
    assert tl.layout("A1") == [("Talk", 0, 90)]
    tl.undo_redo_restores(before, tl.serialized())


def test_the_sync_lock_button_in_a_header_turns_it_off_and_on(tl: Harness) -> None:
    assert tracks.track_flags(document.track(tl.timeline, "A1")).sync_locked
    tl.click(tl.button("A1", "sync_locked"))
    assert not tracks.track_flags(document.track(tl.timeline, "A1")).sync_locked
    tl.context.session.undo_stack.undo()
    assert tracks.track_flags(document.track(tl.timeline, "A1")).sync_locked


def test_dragging_a_clip_edge_trims_it(tl: Harness) -> None:
    before = tl.serialized()
    tl.drag(tl.at(119.5, "V1"), tl.at(100, "V1"))
    assert tl.layout("V1") == [("A", 0, 60), ("B", 60, 100), ("gap", 100, 120), ("C", 120, 180)]
    assert tl.context.session.undo_stack.undoText() == "Trim Out Point"
    tl.undo_redo_restores(before, tl.serialized())


def test_alt_drag_of_a_head_is_a_ripple_trim(tl: Harness) -> None:
    before = tl.serialized()
    tl.drag(tl.at(60.5, "V1"), tl.at(70, "V1"), modifiers=ALT)
    # B starts where it did, ten frames later in its media; C follows it up
    assert tl.layout("V1") == [("A", 0, 60), ("B", 60, 110), ("C", 110, 170)]
    assert source_start(tl, "B") == 40
    assert tl.context.session.undo_stack.undoText() == "Ripple Trim In Point"
    tl.undo_redo_restores(before, tl.serialized())


def test_a_moved_clip_snaps_onto_the_playhead(tl: Harness) -> None:
    tl.context.playhead.move_to(200)
    before = tl.serialized()
    # grab C in its middle and let go with its start 2 frames (8 px) short of the playhead
    tl.drag(tl.at(150, "V1"), tl.at(150 + 78, "V1"), release=False)
    assert tl.view.gesture.overlay.line == 200  # the snap line shows on the playhead while dragging
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, pos=tl.at(150 + 78, "V1"))
    assert tl.layout("V1")[-1] == ("C", 200, 260)
    assert tl.context.session.undo_stack.undoText() == "Move"
    tl.undo_redo_restores(before, tl.serialized())


def test_without_snapping_a_move_lands_where_it_is_let_go(tl: Harness) -> None:
    tl.context.playhead.move_to(200)
    tl.key(Qt.Key.Key_S)
    assert tl.view.snapping is False
    tl.drag(tl.at(150, "V1"), tl.at(150 + 78, "V1"))
    assert tl.layout("V1")[-1] == ("C", 198, 258)


def test_a_clip_moves_across_tracks_and_its_linked_partner_follows_in_time(qtbot, tmp_path) -> None:
    tl = make_harness(qtbot, tmp_path)
    timeline = project()
    video, audio = av_shot("Talk", 60)
    edits.append(timeline, {"V1": video, "A1": audio})
    tl.open(timeline)
    tl.view.set_snapping(False)
    before = tl.serialized()
    tl.drag(tl.at(30, "V1"), tl.at(40, "V2"))
    assert tl.layout("V2") == [("gap", 0, 10), ("Talk", 10, 70)]
    assert tl.layout("V1") == []
    assert tl.layout("A1") == [("gap", 0, 10), ("Talk", 10, 70)]
    tl.undo_redo_restores(before, tl.serialized())


def test_escape_cancels_a_drag(tl: Harness) -> None:
    before = tl.serialized()
    tl.drag(tl.at(150, "V1"), tl.at(210, "V1"), release=False)
    assert tl.view.gesture is not None and tl.view.gesture.overlay.ghosts  # the ghost shows where it goes
    tl.key(Qt.Key.Key_Escape)
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, pos=tl.at(210, "V1"))
    assert tl.serialized() == before


def test_roll_tool_drags_a_cut(tl: Harness) -> None:
    before = tl.serialized()
    tl.key(Qt.Key.Key_N)
    tl.drag(tl.at(60, "V1"), tl.at(70, "V1"))
    assert tl.layout("V1") == [("A", 0, 70), ("B", 70, 120), ("C", 120, 180)]
    assert source_start(tl, "B") == 40
    tl.undo_redo_restores(before, tl.serialized())


def test_slip_tool_shows_other_media_in_the_same_place(tl: Harness) -> None:
    before = tl.serialized()
    tl.key(Qt.Key.Key_Y)
    tl.drag(tl.at(90, "V1"), tl.at(80, "V1"))  # left by ten frames: ten frames later in the media
    assert tl.layout("V1") == [("A", 0, 60), ("B", 60, 120), ("C", 120, 180)]
    assert source_start(tl, "B") == 40
    assert tl.context.session.undo_stack.undoText() == "Slip"
    tl.undo_redo_restores(before, tl.serialized())


def test_delete_lifts_and_shift_delete_ripples(tl: Harness) -> None:
    before = tl.serialized()
    tl.click(tl.at(90, "V1"))
    assert tl.context.selection.ids == [ident(tl, "B")]
    tl.key(Qt.Key.Key_Delete)
    assert tl.layout("V1") == [("A", 0, 60), ("gap", 60, 120), ("C", 120, 180)]
    tl.undo_redo_restores(before, tl.serialized())
    tl.context.session.undo_stack.undo()
    tl.click(tl.at(90, "V1"))
    tl.key(Qt.Key.Key_Delete, SHIFT)
    assert tl.layout("V1") == [("A", 0, 60), ("C", 60, 120)]
    assert tl.context.session.undo_stack.undoText() == "Ripple Delete"
    tl.undo_redo_restores(before, tl.serialized())


def test_shift_click_adds_and_rubber_band_selects(tl: Harness) -> None:
    tl.click(tl.at(30, "V1"))
    tl.click(tl.at(150, "V1"), SHIFT)
    assert set(tl.context.selection.ids) == {ident(tl, "A"), ident(tl, "C")}
    tl.click(tl.at(30, "V1"), CTRL)
    assert tl.context.selection.ids == [ident(tl, "C")]
    # a band from empty V2 down into A1, across frames 70..100: B on V1, a1 and a2 on A1
    tl.drag(QPoint(tl.x(70), tl.y("V2", 0.3)), QPoint(tl.x(100), tl.y("A1", 0.5)))
    assert set(tl.context.selection.ids) == {ident(tl, "B"), ident(tl, "a1"), ident(tl, "a2")}


def test_m_adds_a_marker_at_the_playhead(tl: Harness) -> None:
    tl.context.playhead.move_to(45)
    before = tl.serialized()
    tl.key(Qt.Key.Key_M)
    assert markers.marker_times(tl.timeline) == [45]
    assert [m.frame for m in tl.view.layout.markers] == [45]
    tl.undo_redo_restores(before, tl.serialized())


def test_clicking_the_ruler_moves_the_playhead(tl: Harness) -> None:
    tl.click(QPoint(tl.x(77), 10))
    assert tl.context.playhead.frame == 77
    tl.drag(QPoint(tl.x(77), 10), QPoint(tl.x(130), 10))
    assert tl.context.playhead.frame == 130


def test_zoom_keys_and_fit(tl: Harness) -> None:
    start = tl.view.geometry_.pixels_per_frame
    tl.key(Qt.Key.Key_Plus)
    assert tl.view.geometry_.pixels_per_frame > start
    tl.key(Qt.Key.Key_Minus)
    tl.key(Qt.Key.Key_Minus)
    assert tl.view.geometry_.pixels_per_frame < start
    tl.key(Qt.Key.Key_Z, SHIFT)
    assert tl.view.geometry_.x_of(180) < tl.view.width()


# menus --------------------------------------------------------------------------------------


def choose(tl: Harness, monkeypatch, text: str) -> list[str]:
    """Make the next context menu pick the entry called `text` (as a user's click on it would)."""
    offered: list[str] = []

    def run(menu: QMenu, at: QPoint) -> None:
        offered.extend(action.text() for action in menu.actions())
        next(a for a in menu.actions() if a.text() == text).trigger()

    monkeypatch.setattr(tl.view, "run_menu", run)
    return offered


def right_click(tl: Harness, pos: QPoint) -> None:
    """A right click as the window system delivers it: a context-menu event at the mouse."""
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, tl.view.mapToGlobal(pos))
    QApplication.sendEvent(tl.view, event)


def test_add_cross_dissolve_from_the_clip_menu(tl: Harness, monkeypatch) -> None:
    before = tl.serialized()
    offered = choose(tl, monkeypatch, "Add Cross Dissolve")
    right_click(tl, tl.at(112, "V1"))  # near B's end: the cut with C
    assert "Ripple Delete" in offered and "Gain…" not in offered
    (transition,) = [i for i in document.track(tl.timeline, "V1") if isinstance(i, otio.schema.Transition)]
    # one second, centred on the cut at 120 (each clip has 30 frames of media beyond it)
    assert (transition.in_offset.value, transition.out_offset.value) == (15, 15)
    assert tl.view.layout.row("V1").transitions[0].cut == 120
    tl.undo_redo_restores(before, tl.serialized())


def test_gain_and_fades_from_an_audio_clips_menu(tl: Harness, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from engine.project import effects

    monkeypatch.setattr(QInputDialog, "getDouble", lambda *a, **k: (-6.0, True))
    choose(tl, monkeypatch, "Gain…")
    right_click(tl, tl.at(40, "A1"))
    clip = document.find_clip(tl.timeline, ident(tl, "a1"))[1]
    assert effects.gain_db(clip) == -6.0
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (12, True))
    choose(tl, monkeypatch, "Fade In…")
    right_click(tl, tl.at(40, "A1"))
    clip = document.find_clip(tl.timeline, ident(tl, "a1"))[1]
    assert effects.fades(clip) == (12, 0)


def test_track_menu_adds_renames_and_removes_tracks(tl: Harness, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    before = tl.serialized()
    choose(tl, monkeypatch, "Add Video Track")
    right_click(tl, QPoint(60, tl.y("V1")))
    assert [r.track for r in tl.view.layout.rows] == ["V3", "V2", "V1", "A1", "A2"]
    tl.undo_redo_restores(before, tl.serialized())
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Dialogue", True))
    choose(tl, monkeypatch, "Rename A2…")
    right_click(tl, QPoint(60, tl.y("A2")))
    assert [r.track for r in tl.view.layout.rows][-1] == "Dialogue"
    choose(tl, monkeypatch, "Remove Dialogue")
    right_click(tl, QPoint(60, tl.y("Dialogue")))
    assert [r.track for r in tl.view.layout.rows] == ["V3", "V2", "V1", "A1"]


# headers ------------------------------------------------------------------------------------


def test_header_buttons_set_track_flags_as_undoable_steps(tl: Harness) -> None:
    before = tl.serialized()
    tl.click(tl.button("V1", "locked"))
    assert tracks.track_flags(document.track(tl.timeline, "V1")).locked
    tl.undo_redo_restores(before, tl.serialized())
    # a locked track refuses a blade, and says so
    tl.key(Qt.Key.Key_C)
    tl.click(tl.at(25, "V1"))
    assert tl.layout("V1")[0] == ("A", 0, 60)
    tl.click(tl.button("A1", "muted"))
    tl.click(tl.button("A2", "solo"))
    tl.click(tl.button("V2", "hidden"))
    assert tracks.track_flags(document.track(tl.timeline, "A1")).muted
    assert tracks.track_flags(document.track(tl.timeline, "A2")).solo
    assert tracks.track_flags(document.track(tl.timeline, "V2")).hidden
    assert tl.context.session.undo_stack.undoText() == "V2: hidden"


def test_double_clicking_a_track_name_renames_it(tl: Harness, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Picture", True))
    tl.qtbot.mouseDClick(tl.view, Qt.MouseButton.LeftButton, pos=tl.button("V1", "target"))
    assert [r.track for r in tl.view.layout.rows] == ["V2", "Picture", "A1", "A2"]
    assert tl.context.session.undo_stack.undoText() == "Rename Track V1"


def wheel(tl: Harness, pos: QPoint, steps: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    from PySide6.QtGui import QWheelEvent

    event = QWheelEvent(
        pos,
        tl.view.mapToGlobal(pos),
        QPoint(),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(tl.view, event)


def test_ctrl_wheel_zooms_around_the_mouse_and_many_tracks_scroll(tl: Harness) -> None:
    pos = tl.at(100, "V1")
    wheel(tl, pos, 2, CTRL)
    assert tl.view.geometry_.pixels_per_frame > 4.0
    assert tl.view.geometry_.frame_at(pos.x()) == 100  # the frame under the mouse stays there
    for _ in range(6):
        tl.context.session.apply(tracks.add_track, "audio")
    assert tl.view.max_scroll_y() > 0 and tl.panel.vbar.isVisible()
    wheel(tl, QPoint(60, tl.y("A1")), -3)  # over the headers the wheel scrolls the rows
    assert tl.view.geometry_.scroll_y > 0 and tl.panel.vbar.value() == tl.view.geometry_.scroll_y
    tl.panel.hbar.setValue(50)
    assert tl.view.geometry_.first_frame == 50


def test_dragging_against_the_right_edge_scrolls_and_the_drop_lands_further_on(tl: Harness) -> None:
    tl.view.set_snapping(False)
    right = QPoint(tl.view.width() - 5, tl.y("V1"))
    tl.drag(tl.at(150, "V1"), right, release=False)
    start_frame = tl.view.geometry_.first_frame
    tl.qtbot.waitUntil(lambda: tl.view.geometry_.first_frame > start_frame + 20, timeout=5000)
    frame_under_mouse = tl.view.geometry_.frame_at(right.x())
    tl.qtbot.mouseRelease(tl.view, Qt.MouseButton.LeftButton, pos=right)
    # C was grabbed at its middle (frame 150): it lands with its middle under the mouse
    (c,) = [item for item in tl.layout("V1") if item[0] == "C"]
    assert abs(c[1] + 30 - frame_under_mouse) <= 1


def test_a_voice_over_tracks_name_fits_its_header_on_every_row(tl: Harness) -> None:
    from editor.timeline import headers
    from engine.project import roles

    tl.context.session.apply(roles.add_role_track, roles.VOICE)
    metrics = tl.view.fontMetrics()
    widths = set()
    for row in tl.view.layout.rows:
        (_, target, name, _) = next(b for b in headers.buttons(row, 0) if b[0] == headers.TARGET)
        widths.add(target.width())
        assert metrics.horizontalAdvance(name) <= target.width() - 4, name  # drawn whole, not "Voic…"
    assert len(widths) == 1  # the name buttons line up on picture and sound rows
