"""Generate all with anchors: each shot ends on the picture its neighbour starts from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from engine.cli.main import main
from engine.generate.anchors import anchor_for, next_picture
from engine.jobs.spec import default_cache_dir
from engine.project import document, persistence, provenance, trackedit
from engine.project.document import VIDEO
from engine.render.video import video_frame
from tests.support.screenplays import keeper_project


def shots(timeline) -> list:
    return [c for t, c in document.iter_clips(timeline) if t.kind == VIDEO]


def test_with_anchors_each_shot_ends_on_the_next_shots_keyframe(tmp_path: Path, capsys) -> None:
    project = keeper_project(tmp_path)
    assert main(["generate-all", str(project), "--task", "video.generate", "--anchors"]) == 0
    assert "keeper.otio: 3 shot(s) and 0 line(s) generated" in capsys.readouterr().out
    first, second, third = (
        provenance.read(c.media_reference) for c in shots(persistence.load(project).timeline)
    )
    assert first.extra["last_image"] == second.extra["keyframe"]
    assert second.extra["last_image"] == third.extra["keyframe"]
    assert third.extra.get("last_image") is None  # the last shot has no neighbour to end on


def test_without_anchors_no_shot_is_asked_to_end_on_a_picture(tmp_path: Path, capsys) -> None:
    project = keeper_project(tmp_path)
    assert main(["generate-all", str(project), "--task", "video.generate"]) == 0
    for clip in shots(persistence.load(project).timeline):
        assert provenance.read(clip.media_reference).extra.get("last_image") is None


def test_a_neighbour_outside_the_batch_anchors_with_its_first_frame_as_it_plays(
    tmp_path: Path, capsys
) -> None:
    project = keeper_project(tmp_path)
    assert main(["generate-all", str(project), "--task", "image.generate"]) == 0
    timeline = persistence.load(project).timeline
    first, second, third = (document.clip_id(c) for c in shots(timeline))
    assert next_picture(timeline, first) == second and next_picture(timeline, third) is None
    anchor = anchor_for(timeline, first, {}, default_cache_dir(project))
    assert anchor is not None and Path(anchor).is_file()
    track = next(t for t in document.tracks(timeline) if t.kind == VIDEO)
    start = trackedit.layout(track, document.settings(timeline).rate)[1].start
    assert np.array_equal(np.asarray(Image.open(anchor)), video_frame(timeline, start))
    assert anchor_for(timeline, first, {second: "/keyframe.png"}, None) == "/keyframe.png"
