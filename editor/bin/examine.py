"""What the bin learns about a file, worked out on a pool thread.

Probing opens the file, and a thumbnail decodes a frame (a waveform reads the
whole sound), and a generation result's manifest is read beside it: all of
it runs here, off the GUI thread, and comes back as one plain result.
Pictures are `QImage`s, which (unlike pixmaps) may be made and painted on
any thread; the GUI thread turns them into icons.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from engine.errors import MediaError
from engine.media import thumbnails, waveform
from engine.media.probe import MediaInfo, probe
from engine.project.provenance import Provenance, provenance_of

#: Thumbnails are made this high; views scale them down for the list.
THUMB_HEIGHT = 72
WAVE_SIZE = (128, 72)


@dataclass(frozen=True)
class Examined:
    path: Path
    info: MediaInfo | None = None
    picture: QImage | None = None
    error: str = ""  # the engine's one-line message when the file cannot be read
    offline: bool = False  # the file is not there at all
    made: Provenance | None = None  # how it was generated, when it is a result in the generation cache


def examine(path: Path) -> Examined:
    """Probe `path` and draw its picture; never raises for anything a file can do."""
    if not path.exists():
        return Examined(path, offline=True)
    try:
        info = probe(path)
    except MediaError as error:
        return Examined(path, error=str(error))
    try:
        picture = _picture(path, info)
    except MediaError:
        picture = None  # readable but no picture: the item draws its kind's icon instead
    return Examined(path, info, picture, made=provenance_of(path))


def _picture(path: Path, info: MediaInfo) -> QImage | None:
    if info.video is not None:
        # a quarter in, not the first frame, which is often black or a slate
        at = info.duration / 4 if info.duration else Fraction(0)
        return image_from_rgb(thumbnails.thumbnail(path, at, THUMB_HEIGHT))
    if info.audio is not None:
        return waveform_image(waveform.peaks(path))
    return None


def image_from_rgb(rgb: np.ndarray) -> QImage:
    height, width = rgb.shape[:2]
    data = np.ascontiguousarray(rgb)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def waveform_image(peaks: np.ndarray, size: tuple[int, int] = WAVE_SIZE) -> QImage:
    """A sound's whole waveform as a small picture, in the colours the timeline draws audio with."""
    width, height = size
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#23352b"))
    if len(peaks):
        folded = waveform.reduce_peaks(peaks, max(1, len(peaks) // width))
        step = width / len(folded)  # a short sound spreads over the whole picture
        painter = QPainter(image)
        painter.setPen(QPen(QColor("#7fd19b"), max(1.0, step)))
        middle = height / 2
        for i, (low, high) in enumerate(folded):
            x = (i + 0.5) * step
            top = middle - max(0.0, float(high)) * (middle - 2)
            bottom = middle - min(0.0, float(low)) * (middle - 2)
            painter.drawLine(QPointF(x, top), QPointF(x, max(bottom, top + 1)))
        painter.end()
    return image
