"""A test clip for inpainting, with its truth: what lies behind the logo and the moving square.

A textured background that never moves, a square that crosses it, and a
static "logo" patch in a corner. Because the background is known, a test can
say how far an inpainted frame is from the truth, in every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from engine.render.picture import frame_from_rgb, tag_bt709


@dataclass
class Clip:
    path: Path
    backgrounds: list[np.ndarray]  # RGB (h, w, 3) per frame: the truth behind everything
    frames: list[np.ndarray]  # as drawn, before encoding
    logo: np.ndarray  # uint8 0/255: the logo's place (the same in every frame)
    squares: list[np.ndarray]  # uint8 0/255: the square's place in each frame
    rate: Fraction


def background(size: tuple[int, int], seed: int = 1) -> np.ndarray:
    """A textured picture: gradients, stripes and soft blobs (no hard edges a codec would smear)."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    rng = np.random.default_rng(seed)
    blobs = cv2.GaussianBlur(rng.random((height, width)).astype(np.float32), (0, 0), max(2.0, width / 60))
    blobs = (blobs - blobs.min()) / (np.ptp(blobs) + 1e-6)
    red = 70 + 90 * x / width + 40 * np.sin(x / (width / 14))
    green = 60 + 80 * y / height + 50 * blobs
    blue = 110 + 45 * np.sin((x + 2 * y) / (width / 10)) + 30 * blobs
    return np.clip(np.dstack([red, green, blue]), 0, 255).astype(np.uint8)


def draw(
    size: tuple[int, int], count: int, seed: int = 1, pan: int = 0
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, list[np.ndarray]]:
    """The background, the frames, the logo's mask and the square's mask per frame.

    With `pan` the camera moves that many pixels a frame to the right over a
    wider background (the logo stays put in the frame, as a broadcast bug does).
    """
    width, height = size
    wide = background((width + pan * count, height), seed)
    logo = np.zeros((height, width), np.uint8)
    lw, lh = width * 3 // 20, height // 6
    lx, ly = width - lw - width // 16, height // 10
    logo[ly : ly + lh, lx : lx + lw] = 255
    side = height // 5
    frames, squares, truths = [], [], []
    for n in range(count):
        truth = np.ascontiguousarray(wide[:, n * pan : n * pan + width])
        truths.append(truth)
        frame = truth.copy()
        # the square crosses the lower half, from left to right, well away from the logo
        sx = round(width * 0.05 + (width * 0.85 - side) * n / max(1, count - 1))
        sy = round(height * 0.55)
        frame[sy : sy + side, sx : sx + side] = (230, 40, 40)
        square = np.zeros((height, width), np.uint8)
        square[sy : sy + side, sx : sx + side] = 255
        frame[logo > 0] = (250, 250, 250)
        frame[ly + lh // 3 : ly + 2 * lh // 3, lx + lw // 5 : lx + 4 * lw // 5] = (20, 20, 120)
        frames.append(frame)
        squares.append(square)
    return truths, frames, logo, squares


def write_clip(
    path: Path,
    size: tuple[int, int] = (160, 90),
    count: int = 32,
    rate: Fraction = Fraction(24),
    pan: int = 0,
) -> Clip:
    truths, frames, logo, squares = draw(size, count, pan=pan)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "12", "preset": "ultrafast"}
        tag_bt709(stream)
        for i, picture in enumerate(frames):
            frame = frame_from_rgb(picture)
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return Clip(path, truths, frames, logo, squares, rate)


def decode(path: Path) -> tuple[list[np.ndarray], Fraction, tuple[int, int]]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, stream.average_rate, (stream.codec_context.width, stream.codec_context.height)
