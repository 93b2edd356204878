"""The viewer shows a graded clip with the same pixels the export writes."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image
from PySide6.QtGui import QImage

from editor.viewer.frames import FrameWorker
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.media.reference import clips_for
from engine.project import edits, looks
from engine.project.document import clip_id, new_project
from engine.render.picture import Picture

SIZE = (96, 64)


def qimage_rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def test_the_viewer_frame_of_a_graded_clip_is_the_exported_frame(qtbot, tmp_path: Path) -> None:
    yy, xx = np.mgrid[0 : SIZE[1], 0 : SIZE[0]]
    ramp = np.stack([xx * 255 // SIZE[0], yy * 255 // SIZE[1], np.full_like(xx, 90)], -1).astype(np.uint8)
    Image.fromarray(ramp).save(tmp_path / "ramp.png")
    (tmp_path / "warm.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 0.9 0.8\n")
    timeline = new_project(size=SIZE, rate=30.0)
    (clip,) = clips_for(tmp_path / "ramp.png", 30.0, 8, 0)
    edits.append(timeline, {"V1": clip})
    ident = clip_id(clip)
    looks.set_colour(timeline, ident, {"exposure": 0.7, "tint": 20.0, "gamma_b": 1.3})
    looks.set_lut(timeline, ident, str(tmp_path / "warm.cube"))
    looks.add_look(timeline, ident, "grain", {"amount": 0.4})
    looks.add_look(timeline, ident, "vhs")
    looks.add_look(timeline, ident, "vignette")

    export_mp4(timeline, tmp_path / "graded.mp4", ExportSettings(crf=0, x264_preset="ultrafast"))
    with av.open(str(tmp_path / "graded.mp4")) as container:
        exported = [f.to_ndarray(format="yuv420p").reshape(-1) for f in container.decode(video=0)]

    worker = FrameWorker()
    try:
        worker.set_timeline(timeline.clone(), SIZE)
        for frame in (5, 2):
            worker.want([frame])
            qtbot.waitUntil(lambda frame=frame: worker.cached(frame) is not None, timeout=20000)
            shown = qimage_rgb(worker.cached(frame))
            expected = Picture(SIZE[0], SIZE[1], exported[frame].copy()).to_rgb()
            assert np.array_equal(shown, expected), frame
    finally:
        worker.close()
