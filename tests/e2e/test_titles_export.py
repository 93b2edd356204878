"""A reframed phone shot with a title over it, exported from File > Export by the real engine process."""

from __future__ import annotations

import av
import numpy as np
import pytest

from engine.media.reference import clips_for
from engine.project import document, titles, transform
from engine.project.document import clip_id, new_project
from engine.render.video import video_frame
from tests.engine.test_compositing import BLUE, write_still
from tests.support.export_steps import export_with_project_preset

RATE = 30.0
SIZE = (192, 108)


@pytest.mark.slow
def test_the_engine_exports_titles_and_transforms_as_the_viewer_shows_them(
    engine_window, qtbot, tmp_path
) -> None:
    blue = write_still(tmp_path / "blue.png", SIZE, BLUE)
    phone = write_still(tmp_path / "phone.png", (108, 192), (128, 128, 128), marks=[(54, 96)])
    timeline = new_project("film", rate=RATE, size=SIZE)
    document.track(timeline, "V1").append(clips_for(blue, RATE, 30)[0])
    shot = clips_for(phone, RATE, 30)[0]
    document.track(timeline, "V2").append(shot)
    transform.set_transform(timeline, clip_id(shot), scale=0.8, rotation=10.0, opacity=0.9)
    titles.add_title(timeline, "Lower third", 0, 30)
    title = document.track(timeline, "V3")[0]
    titles.set_title(timeline, clip_id(title), text="TITLE", color="#ffcc00", box=False, size=24.0)
    window = engine_window(timeline)
    out = tmp_path / "film.mp4"
    export_with_project_preset(qtbot, window, out)
    with av.open(str(out)) as container:
        pictures = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(pictures) == 30
    expected = video_frame(window.timeline, 15)
    assert np.abs(pictures[15].astype(int) - expected).mean() < 4  # H.264 at the project preset
    yellow = (pictures[15][..., 0] > 190) & (pictures[15][..., 1] > 160) & (pictures[15][..., 2] < 90)
    assert yellow.sum() > 10  # the title is in the exported picture
