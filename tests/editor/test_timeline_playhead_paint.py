"""While only the playhead moves (playback), the timeline draws its kept picture and the playhead
over it, and looks exactly as if every clip had been painted again."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage, QPainter

from editor.timeline import painting
from tests.editor.test_timeline import three_shots
from tests.support.timeline_harness import make_harness


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3].copy()


def full_paint(view) -> np.ndarray:
    image = QImage(view.size(), QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painting.paint(painter, view.scene(), view.font())
    painter.end()
    return pixels(image)


def test_a_playhead_move_repaints_only_the_playhead_and_looks_the_same(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    tl = make_harness(qtbot, tmp_path)
    tl.open(three_shots())
    view = tl.view
    view.grab()  # a full paint: the picture without the playhead is kept
    assert view._backdrop is not None
    painted: list[int] = []
    real = painting._paint_row
    monkeypatch.setattr(painting, "_paint_row", lambda *args: (painted.append(1), real(*args)))
    for frame in (10, 45, 130):
        tl.context.playhead.move_to(frame)
        shown = pixels(view.grab().toImage())
        assert not painted  # no clip was painted again
        monkeypatch.setattr(painting, "_paint_row", real)
        np.testing.assert_array_equal(shown, full_paint(view))
        monkeypatch.setattr(painting, "_paint_row", lambda *args: (painted.append(1), real(*args)))
    tl.context.selection.set([next(iter(c.metadata["shotline"]["id"] for c in tl.timeline.find_clips()))])
    view.grab()
    assert painted  # anything else changed: painted afresh
