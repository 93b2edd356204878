"""Opening a nested sequence from Premiere by double-clicking it, editing inside, going back, and
flattening it from the Clip menu."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt

from engine.interchange.opening import open_timeline
from engine.project import document
from tests.support import foreign
from tests.support.timeline_harness import LEFT, NONE, make_harness


@pytest.fixture
def premiere_cut(tmp_path) -> Path:
    return foreign.write_fcp7_xml(tmp_path)


def clip_names(timeline: otio.schema.Timeline, track: str) -> list[str]:
    return [c.name for c in document.track(timeline, track).find_clips()]


def test_double_click_opens_the_nested_sequence_edits_land_in_it_and_back_returns(
    qtbot, tmp_path, monkeypatch, premiere_cut
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    parent = open_timeline(premiere_cut).timeline
    tl.open(parent)
    bar = tl.panel.nested_bar
    assert not bar.isVisible()
    qtbot.mouseDClick(tl.view, LEFT, NONE, tl.at(30, "V1"))  # the compound block spans [20, 40)
    session = tl.context.session
    assert session.timeline is not parent and session.project is parent
    assert bar.isVisible() and bar.path.text() == "Premiere cut  ›  Nested Sequence 01"
    assert [(b.name, b.start, b.end) for b in tl.view.layout.row("V1").boxes] == [("d", 0, 15), ("e", 15, 30)]
    # a blade inside (Add Edit on the targeted V1 at frame 5) cuts the nested clip in the parent
    tl.context.playhead.move_to(5)
    tl.key(Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    stack = next(i for i in parent.find_children() if isinstance(i, otio.schema.Stack))
    assert [c.name for c in stack.find_clips()] == ["d", "d", "e"]
    qtbot.mouseClick(bar.back, LEFT)
    assert session.timeline is parent and not bar.isVisible()
    # the edit made inside is one step of the same history: undo from outside takes it back
    session.undo_stack.undo()
    assert [c.name for c in stack.find_clips()] == ["d", "e"]


def test_clip_flatten_replaces_the_compound_with_its_clips_and_undo_restores_it(
    qtbot, tmp_path, monkeypatch, premiere_cut
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    tl.open(open_timeline(premiere_cut).timeline)
    before = tl.serialized()
    tl.context.playhead.move_to(25)
    tl.context.actions.action("clip.flatten").trigger()
    boxes = [(b.name, b.start, b.end) for b in tl.view.layout.row("V1").boxes]
    assert boxes == [("c", 0, 20), ("d", 20, 30), ("e", 30, 40), ("f", 40, 50)]
    assert tl.view.layout.row("V1").compounds == []
    after = tl.serialized()
    tl.undo_redo_restores(before, after)


def test_dragging_a_nested_sequence_moves_it_like_a_clip(qtbot, tmp_path, monkeypatch, premiere_cut) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    tl.open(open_timeline(premiere_cut).timeline)
    tl.view.snapping = False
    before = tl.serialized()
    tl.drag(tl.at(25, "V1"), tl.at(65, "V1"))  # grabbed 5 frames into it, dropped 40 frames later
    row = tl.view.layout.row("V1")
    assert [(c.name, c.start, c.end) for c in row.compounds] == [("Nested Sequence 01", 60, 80)]
    assert [(b.name, b.start, b.end) for b in row.boxes] == [("c", 0, 20), ("f", 40, 50)]
    tl.undo_redo_restores(before, tl.serialized())


def test_a_clicked_nested_sequence_is_selected_and_delete_removes_it(
    qtbot, tmp_path, monkeypatch, premiere_cut
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    tl.open(open_timeline(premiere_cut).timeline)
    before = tl.serialized()
    tl.click(tl.at(25, "V1"))
    assert tl.view.selected_compound == ("V1", 20) and tl.context.selection.ids == []
    image = tl.view.grab().toImage()
    assert image.pixelColor(tl.x(30), tl.y("V1", 0.0) + 4).name() == "#ffffff"  # outlined as selected
    tl.key(Qt.Key.Key_Delete)
    row = tl.view.layout.row("V1")
    assert row.compounds == [] and [(b.name, b.start) for b in row.boxes] == [("c", 0), ("f", 40)]
    tl.undo_redo_restores(before, tl.serialized())
    tl.context.session.undo_stack.undo()
    tl.click(tl.at(10, "V1"))  # selecting a clip deselects the nested sequence
    assert tl.view.selected_compound is None
