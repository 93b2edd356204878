"""The small things an editor reaches for: drops that snap onto edges, and a gap's right-click menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint

from editor import mime
from engine.errors import EditError
from engine.project import document, edits, gaps, tracks
from engine.project.times import rt
from tests.editor.test_timeline import choose, right_click
from tests.editor.test_timeline_media import drag_over_and_drop
from tests.support.editing import project, shot
from tests.support.mediagen import write_video
from tests.support.timeline_harness import Harness, make_harness


@pytest.fixture
def tl(qtbot, tmp_path, monkeypatch) -> Harness:
    """V1: A 0-60, gap 60-90, B 90-150; A1: music 0-40."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    harness = make_harness(qtbot, tmp_path)
    timeline = project()
    edits.append(timeline, {"V1": shot("A", 60, start=30)})
    edits.overwrite(timeline, rt(90, 30.0), {"V1": shot("B", 60, start=30)})
    edits.append(timeline, {"A1": shot("music", 40, audio=True)})
    harness.open(timeline)
    return harness


def test_a_drop_a_few_frames_past_a_clip_lands_on_its_edge(tl: Harness, tmp_path: Path) -> None:
    clip = write_video(tmp_path / "take.mp4", frames=20, size=(64, 36))
    reach = 8 / tl.view.geometry_.pixels_per_frame  # the snapping distance, in frames
    off = max(1, int(reach) - 1)
    assert off >= 1
    drag_over_and_drop(tl, mime.encode([mime.MediaDrag(clip)]), tl.at(150 + off + 0.5, "V1"))
    assert tl.layout("V1")[-1] == ("take", 150, 170)  # butted against B: no black gap
    drag_over_and_drop(tl, mime.encode([mime.MediaDrag(clip)]), tl.at(off + 0.5, "V2"))
    assert tl.layout("V2") == [("take", 0, 20)]  # onto the timeline's start


def test_with_snapping_off_a_drop_lands_at_the_mouse(tl: Harness, tmp_path: Path) -> None:
    clip = write_video(tmp_path / "take.mp4", frames=20, size=(64, 36))
    tl.view.set_snapping(False)
    drag_over_and_drop(tl, mime.encode([mime.MediaDrag(clip)]), tl.at(152.5, "V1"))
    assert tl.layout("V1")[-2:] == [("gap", 150, 152), ("take", 152, 172)]


def test_a_gaps_menu_ripple_deletes_it_with_the_sync_locked_tracks(tl: Harness, monkeypatch) -> None:
    edits.overwrite(tl.timeline, rt(100, 30.0), {"A2": shot("voice", 20, audio=True)})
    tl.open(tl.timeline)
    before = tl.serialized()
    offered = choose(tl, monkeypatch, "Ripple Delete")
    right_click(tl, tl.at(75, "V1"))
    assert offered[:2] == ["Ripple Delete", "Close Gap"]
    assert tl.layout("V1") == [("A", 0, 60), ("B", 60, 120)]
    assert tl.layout("A2") == [("gap", 0, 70), ("voice", 70, 90)]  # the voice stays under B
    assert tl.context.session.undo_stack.undoText() == "Ripple Delete Gap"
    tl.undo_redo_restores(before, tl.serialized())


def test_a_gaps_ripple_delete_is_refused_when_a_sync_locked_clip_is_in_it() -> None:
    timeline = project()
    edits.append(timeline, {"V1": shot("A", 60)})
    edits.overwrite(timeline, rt(90, 30.0), {"V1": shot("B", 60)})
    edits.append(timeline, {"A1": shot("music", 120, audio=True)})
    with pytest.raises(EditError, match="A1 has music in this gap"):
        gaps.ripple_delete_gap(timeline, "V1", rt(70, 30.0))
    tracks.set_track_flags(timeline, "A1", sync_locked=False)
    gaps.ripple_delete_gap(timeline, "V1", rt(70, 30.0))
    assert [(c.name, int(c.source_range.duration.value)) for c in document.track(timeline, "V1")] == [
        ("A", 60),
        ("B", 60),
    ]


def test_close_gap_closes_the_gaps_of_that_track_only(tl: Harness, monkeypatch) -> None:
    choose(tl, monkeypatch, "Close Gap")
    right_click(tl, tl.at(80, "V1"))
    assert tl.layout("V1") == [("A", 0, 60), ("B", 60, 120)]
    assert tl.layout("A1") == [("music", 0, 40)]


def test_no_gap_menu_entries_on_a_clip_or_after_the_last_clip(tl: Harness, monkeypatch) -> None:
    offered = choose(tl, monkeypatch, "Add Video Track")
    right_click(tl, QPoint(tl.at(300, "V1")))
    assert "Close Gap" not in offered
