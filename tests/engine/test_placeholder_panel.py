"""A screenplay's shots before generation: the viewer and the export show each one's storyboard panel."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.project import document, persistence, trackedit
from engine.project.document import VIDEO
from engine.project.placeholders import is_placeholder, shot_prompt
from engine.render.placeholder_panel import panel_rgb, shot_label
from engine.render.video import Renderer, video_frame
from tests.support.screenplays import keeper_project


def shots(timeline) -> list[tuple[int, int, object]]:
    rate = document.settings(timeline).rate
    track = next(t for t in document.tracks(timeline) if t.kind == VIDEO)
    return [(s.start, s.end, s.item) for s in trackedit.layout(track, rate) if is_placeholder(s.item)]


def test_each_placeholder_shows_its_own_panel_with_its_action_not_media_offline(tmp_path: Path) -> None:
    timeline = persistence.load(keeper_project(tmp_path)).timeline
    placed = shots(timeline)
    assert len(placed) == 3
    middles = [(start + end) // 2 for start, end, _ in placed]  # past THE_KEEPER's FADE IN:
    with Renderer() as renderer:
        pictures = [video_frame(timeline, frame, renderer=renderer) for frame in middles]
        held = video_frame(timeline, placed[0][1] - 1, renderer=renderer)
    assert np.array_equal(pictures[0], held)  # a panel holds for the whole shot
    for picture in pictures:
        paper = picture[picture.shape[0] // 2 :, :].reshape(-1, 3).mean(axis=0)
        assert paper.min() > 180, "a light paper card, not black or an error"
        red = (picture[..., 0] > 150) & (picture[..., 1] < 90) & (picture[..., 2] < 90)
        assert red[: picture.shape[0] // 4, : picture.shape[1] // 2].sum() > 30  # the PLACEHOLDER mark
    assert not np.array_equal(pictures[0], pictures[1])  # each shot's own action
    _, _, first = placed[0]
    size = (document.settings(timeline).width, document.settings(timeline).height)
    ink = panel_rgb(shot_prompt(first), shot_label(first.name), size)
    blank = panel_rgb("", shot_label(first.name), size)
    assert not np.array_equal(ink, blank)  # the action is drawn
    assert shot_label(first.name) == "1.1"


def test_a_script_exports_as_an_animatic_of_its_panels_before_anything_is_generated(tmp_path: Path) -> None:
    timeline = persistence.load(keeper_project(tmp_path)).timeline
    film = tmp_path / "panels.mp4"
    result = export_mp4(timeline, film, ExportSettings(x264_preset="ultrafast"))
    placed = shots(timeline)
    assert result.frames >= placed[-1][1]
    with av.open(str(film)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with Renderer() as renderer:
        for start, end, _ in placed:
            for frame in (start, (start + end) // 2):
                shown = video_frame(timeline, frame, renderer=renderer).astype(int)
                assert np.abs(frames[frame].astype(int) - shown).mean() < 3.0  # the viewer's picture
