"""A speed ramp made in the inspector and exported from File > Export by the real engine process."""

from __future__ import annotations

import math

import av
import pytest

from engine.media.reference import clips_for
from engine.project import document, edits, ramp_curve
from engine.project.document import clip_id, new_project
from engine.render.video import video_frame
from tests.support.export_steps import export_with_project_preset
from tests.support.mediagen import read_index, write_video

RATE = 30.0
SIZE = (160, 120)


@pytest.mark.slow
def test_the_engine_exports_a_ramp_made_in_the_inspector_as_the_viewer_shows_it(
    engine_window, qtbot, tmp_path
) -> None:
    write_video(tmp_path / "count.mp4", frames=90, tone_hz=440, gop=10)
    timeline = new_project("film", rate=RATE, size=SIZE)
    pic, snd = clips_for(tmp_path / "count.mp4", RATE, 30, 20)
    edits.append(timeline, {"V1": pic, "A1": snd})
    window = engine_window(timeline)
    window.context.selection.set([clip_id(pic)])
    window.inspector.speed.ramp.presets["slow-middle"].trigger()  # Speed ramp > 100% -> 30% -> 100%
    clip = next(iter(document.track(window.timeline, "V1").find_clips()))
    keys = ramp_curve.keyframes(clip)
    length = round(clip.source_range.duration.value)
    assert [float(k.percent) for k in keys] == [100.0, 30.0, 100.0] and length > 30
    out = tmp_path / "film.mp4"
    export_with_project_preset(qtbot, window, out)
    with av.open(str(out)) as container:
        shown = [read_index(frame.to_ndarray(format="rgb24")) for frame in container.decode(video=0)]
    with av.open(str(out)) as container:
        seconds = sum(frame.samples for frame in container.decode(audio=0)) / 48000
    assert shown == [20 + math.floor(ramp_curve.clip_position(clip, k)) for k in range(length)]
    assert shown[0] == 20 and shown[-1] == 49  # all 30 source frames, from the first to the last
    assert [read_index(video_frame(window.timeline, k)) for k in (0, length // 2, length - 1)] == [
        shown[0],
        shown[length // 2],
        shown[-1],
    ]
    assert seconds == pytest.approx(length / RATE, abs=0.05)
