"""Painting stays smooth with 500 clips: a loose bound on a full repaint (figures: tests/bench)."""

from __future__ import annotations

import time

import pytest
from bench.timeline_paint import CLIPS, five_hundred_clips, time_repaints

from tests.support.timeline_harness import make_harness


@pytest.mark.slow
def test_a_full_repaint_of_500_clips_is_quick_and_only_lays_out_on_change(
    qtbot, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    timeline = five_hundred_clips(None)
    tl.context.session.replace(timeline, None)
    assert sum(len(r.boxes) for r in tl.view.layout.rows) == CLIPS
    tl.view.zoom_to_fit()  # every clip on screen: the worst case
    layout = tl.view.layout
    ms = time_repaints(tl.view, 5)
    assert tl.view.layout is layout  # painting reused the layout made on the change
    assert ms < 250, f"a full repaint took {ms:.0f} ms"
    # zoomed in, only the clips on screen are looked at
    tl.view.zoom(40.0, anchor_x=300)
    first, last = tl.view.geometry_.visible_frames(tl.view.width())
    shown = sum(len(r.visible(first, last)) for r in tl.view.layout.rows)
    assert 0 < shown < 40
    started = time.perf_counter()
    tl.view.repaint()
    assert (time.perf_counter() - started) * 1000 < 250
