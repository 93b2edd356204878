"""A nested sequence from Premiere (a Stack inside a track) is drawn on the timeline as a compound
clip: one violet block with its name, its clip count and a lane showing where its clips are, not as
empty track."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from editor.timeline import hits
from editor.timeline.layout import CompoundBox
from editor.timeline.painting import COMPOUND, COMPOUND_LANE, LABEL_BAND
from engine.interchange.opening import open_timeline
from tests.support import foreign
from tests.support.timeline_harness import make_harness


@pytest.fixture
def premiere_cut(tmp_path) -> Path:
    return foreign.write_fcp7_xml(tmp_path)


def test_a_nested_sequence_is_laid_out_as_one_compound_block_with_its_inner_clips(
    qtbot, tmp_path, monkeypatch, premiere_cut
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    tl.open(open_timeline(premiere_cut).timeline)

    row = tl.view.layout.row("V1")
    # c [0, 20), the nested sequence [20, 40) showing d 5..15 then e 10..20, the disabled f [40, 50)
    assert [(b.name, b.start, b.end) for b in row.boxes] == [("c", 0, 20), ("f", 40, 50)]
    assert row.compounds == [CompoundBox(20, 40, "Nested Sequence 01", 2, (((0, 10), (10, 20)),))]
    assert {20, 40} <= set(row.cuts)  # its edges are cuts: the playhead and trims snap to them
    # clicking it selects no clip of this track (its clips are inside it)
    assert tl.view.layout.row("V1").box_at(30) is None
    assert hits.hit_test(tl.view.layout, tl.view.geometry_, tl.x(30), tl.y("V1")).area == hits.EMPTY


def test_the_compound_block_is_painted_violet_with_its_lane_where_empty_track_was(
    qtbot, tmp_path, monkeypatch, premiere_cut
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    tl.open(open_timeline(premiere_cut).timeline)
    image = tl.view.grab().toImage()

    def color(frame: float, where: float) -> QColor:
        return image.pixelColor(tl.x(frame), tl.y("V1", where))

    row = tl.view.layout.row("V1")
    label_y = (LABEL_BAND + 8) / row.height  # just below the label band, above the lane bar
    assert color(30, label_y) == COMPOUND
    top, bottom = tl.y("V1", 0.0) + LABEL_BAND + 4, tl.y("V1", 1.0)  # under the name and its badge

    def lane_at(frame: float) -> bool:
        """A lane bar crosses this frame's column of the block."""
        return any(image.pixelColor(tl.x(frame), y) == COMPOUND_LANE for y in range(top, bottom))

    assert all(lane_at(f) for f in (22, 27, 33, 38))  # d, then e, in the one inner track's lane
    assert not lane_at(30)  # the cut between d and e inside it
    assert not lane_at(45)  # a clip of this track has no lane
