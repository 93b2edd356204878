"""Animated clips show their keyframes on the timeline: white diamonds for the transform, amber for a
speed ramp, at the frames they sit on."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from PySide6.QtGui import QImage

from editor.timeline.keyframe_marks import RAMP_MARK, TRANSFORM_MARK
from engine.project import edits, speed_ramp, transform
from engine.project.document import clip_id, new_project
from engine.project.ramp_curve import Keyframe
from tests.support.editing import RATE, shot
from tests.support.timeline_harness import make_harness


def colour_near(image: QImage, x: int, y0: int, y1: int, colour) -> bool:
    """True when a pixel of `colour` lies in column x (±1) between rows y0 and y1."""
    want = (colour.red(), colour.green(), colour.blue())
    for dx in (-1, 0, 1):
        for y in range(y0, y1):
            pixel = image.pixelColor(x + dx, y)
            got = (pixel.red(), pixel.green(), pixel.blue())
            if max(abs(a - b) for a, b in zip(got, want, strict=True)) < 8:
                return True
    return False


def test_transform_and_ramp_keyframes_are_drawn_where_they_are(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    timeline = new_project("cut", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Dawn", 40, start=5)})
    edits.append(timeline, {"V1": shot("Plain", 40)})
    dawn, plain = (clip_id(c) for c in timeline.tracks[0])
    transform.add_keyframe(timeline, dawn, 4)
    transform.add_keyframe(timeline, dawn, 30)
    keys = [Keyframe(10, Fraction(100)), Keyframe(20, Fraction(50))]
    speed_ramp.set_keyframes(timeline, dawn, keys)
    tl.open(timeline)
    boxes = {b.ident: b for b in tl.view.layout.row("V1").boxes}
    assert boxes[dawn].transform_keys == (4, 30) and boxes[dawn].ramp_keys == (10, 20)
    assert boxes[plain].transform_keys == () and boxes[plain].ramp_keys == ()
    image = tl.view.grab().toImage()
    row_top, row_bottom = tl.y("V1", 1.0) - 24, tl.y("V1", 1.0)  # the clip's bottom band, below its label
    for frame in (4, 30):
        assert colour_near(image, tl.x(frame), row_top, row_bottom, TRANSFORM_MARK)
    for frame in (10, 20):
        assert colour_near(image, tl.x(frame), row_top, row_bottom, RAMP_MARK)
    assert not colour_near(image, tl.x(17), row_top, row_bottom, RAMP_MARK)  # nothing between keyframes
    end = boxes[dawn].end
    plain_columns = [tl.x(f) for f in range(end + 2, boxes[plain].end - 2, 3)]
    assert not any(colour_near(image, x, row_top, row_bottom, TRANSFORM_MARK) for x in plain_columns)
    assert np.array(plain_columns).size > 0
