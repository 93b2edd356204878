"""A shot to track masks through: a textured square moving across a textured, static background."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from engine.render.picture import frame_from_rgb, tag_bt709

SQUARE = 16


def square_at(index: int, size: tuple[int, int]) -> tuple[int, int]:
    """Top-left corner (x, y) of the square in frame `index`: 2 px right and 1 px down per frame."""
    return 6 + 2 * index, 6 + index


def square_mask(index: int, size: tuple[int, int]) -> np.ndarray:
    x, y = square_at(index, size)
    mask = np.zeros((size[1], size[0]), np.uint8)
    mask[y : y + SQUARE, x : x + SQUARE] = 255
    return mask


def write_moving_square(path: Path, frames: int = 20, size: tuple[int, int] = (96, 64)) -> Path:
    rng = np.random.default_rng(7)
    width, height = size
    background = rng.integers(40, 120, (height // 4, width // 4, 3), dtype=np.uint8)
    background = np.repeat(np.repeat(background, 4, axis=0), 4, axis=1)
    texture = rng.integers(150, 255, (SQUARE // 2, SQUARE // 2, 3), dtype=np.uint8)
    texture = np.repeat(np.repeat(texture, 2, axis=0), 2, axis=1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(30))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "12", "preset": "ultrafast"}
        tag_bt709(stream)
        for i in range(frames):
            picture = background.copy()
            x, y = square_at(i, size)
            picture[y : y + SQUARE, x : x + SQUARE] = texture
            frame = frame_from_rgb(picture)
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a > 127, b > 127).sum()
    return float(np.logical_and(a > 127, b > 127).sum() / union) if union else 1.0
