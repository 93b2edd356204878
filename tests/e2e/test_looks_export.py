"""A graded shot (grade, LUT, grain, VHS) exported from File > Export by the real engine process."""

from __future__ import annotations

import av
import numpy as np
import pytest

from engine.media.reference import clips_for
from engine.project import document, looks
from engine.project.document import clip_id, new_project
from engine.render.video import video_frame
from tests.engine.test_compositing import write_still
from tests.support.export_steps import export_with_project_preset

RATE = 30.0
SIZE = (192, 108)


@pytest.mark.slow
def test_the_engine_exports_a_graded_shot_as_the_viewer_shows_it(engine_window, qtbot, tmp_path) -> None:
    still = write_still(tmp_path / "shot.png", SIZE, (200, 120, 60), marks=[(96, 54)])
    (tmp_path / "swap.cube").write_text(
        "LUT_3D_SIZE 2\n" + "".join(f"{b} {g} {r}\n" for b in (0, 1) for g in (0, 1) for r in (0, 1))
    )
    timeline = new_project("film", rate=RATE, size=SIZE)
    shot = clips_for(still, RATE, 30)[0]
    document.track(timeline, "V1").append(shot)
    ident = clip_id(shot)
    looks.set_colour(timeline, ident, {"exposure": 0.5, "temperature": 20.0})
    looks.set_lut(timeline, ident, str(tmp_path / "swap.cube"))  # red and blue trade places
    looks.add_look(timeline, ident, "grain", {"amount": 0.2, "size": 2.0})
    looks.add_look(timeline, ident, "vhs", {"scanlines": 0.3})
    window = engine_window(timeline)
    out = tmp_path / "film.mp4"
    export_with_project_preset(qtbot, window, out)
    with av.open(str(out)) as container:
        pictures = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(pictures) == 30
    for frame in (3, 20):
        expected = video_frame(window.timeline, frame)
        assert np.abs(pictures[frame].astype(int) - expected).mean() < 4  # H.264 at the project preset
    middle = pictures[20][30:80, 40:150].reshape(-1, 3).mean(axis=0)
    assert middle[2] > middle[0] + 40  # the orange shot came out blue: the LUT was applied
