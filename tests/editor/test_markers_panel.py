"""The Markers list: every marker with its name, colour and note; jump, edit and delete from it."""

from __future__ import annotations

import pytest

from editor.main_window import MainWindow
from editor.timeline import marker_tips, markers_panel
from engine.project import edits, markers
from engine.project.times import rt
from tests.support.editing import project, shot


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    timeline = project()
    edits.append(timeline, {"V1": shot("A", 120)})
    markers.add_marker(timeline, rt(90, 30.0), "Music in", "GREEN", "the score starts on the door slam")
    markers.add_marker(timeline, rt(30, 30.0), "Title", "RED")
    win.show_timeline(timeline, None)
    yield win
    win.viewer.shutdown()


def rows(panel: markers_panel.MarkersPanel) -> list[tuple[str, str, str]]:
    tree = panel.tree
    return [tuple(tree.topLevelItem(i).text(c) for c in range(3)) for i in range(tree.topLevelItemCount())]


def test_the_list_shows_every_marker_in_time_order_and_jumps_to_one(window, qtbot) -> None:
    panel = window.markers_panel
    assert rows(panel) == [
        ("00:00:01:00", "Title", ""),
        ("00:00:03:00", "Music in", "the score starts on the door slam"),
    ]
    item = panel.tree.topLevelItem(1)
    panel.tree.itemDoubleClicked.emit(item, 0)
    assert window.context.playhead.frame == 90
    panel.resize(420, 160)
    panel.grab().save("/tmp/finish-markers.png")


def test_edit_and_delete_from_the_list_are_undoable(window, monkeypatch) -> None:
    panel = window.markers_panel
    panel.tree.topLevelItem(0).setSelected(True)
    monkeypatch.setattr(
        markers_panel,
        "ask_edit",
        lambda parent, name, color, note: ("Opening title", "BLUE", "white on black"),
    )
    panel.edit_button.click()
    assert rows(panel)[0] == ("00:00:01:00", "Opening title", "white on black")
    placed = markers.all_markers(window.timeline)[0]
    assert placed.marker.color == "BLUE"
    window.context.session.undo_stack.undo()
    assert rows(panel)[0] == ("00:00:01:00", "Title", "")
    panel.tree.topLevelItem(0).setSelected(True)
    panel.delete_button.click()
    assert [r[1] for r in rows(panel)] == ["Music in"]
    window.context.session.undo_stack.undo()
    assert len(rows(panel)) == 2


def test_a_marker_on_the_ruler_has_a_tooltip_with_its_note(window) -> None:
    view = window.timeline_view
    x = view.geometry_.x_of(90)
    tip = marker_tips.tip_at(view, x + 2, 6)
    assert tip == "Music in — 00:00:03:00 (green)\nthe score starts on the door slam"
    assert marker_tips.tip_at(view, x + 2, 60) is None  # below the ruler: no marker tip
