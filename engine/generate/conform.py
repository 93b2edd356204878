"""Fitting what a model made to the shot the user asked for: exact frames, rate and size.

Models generate at their own rate (Wan 16 fps, LTX 24-25 fps), at their own
sizes and frame counts (Wan 4k+1, LTX 8k+1). The shot on the timeline has a
fixed length at the project rate, so a model is asked for enough frames to
cover the shot's duration at its rate, and the result is retimed by the
same rule the decoder uses (the frame showing at each project frame's time
is the latest model frame at or before it), then fitted or cropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

import cv2
import numpy as np

from engine.generate.video.request import CROP


def frames_needed(frames: int, rate: Fraction, native_rate: Fraction) -> int:
    """How many model frames cover `frames` at `rate`, at the model's own rate."""
    last_time = Fraction(frames - 1) / rate
    return math.floor(last_time * native_rate) + 1


def valid_count(count: int, multiple: int, remainder: int = 1) -> int:
    """The smallest frame count at or above `count` of the form multiple*k + remainder (Wan 4k+1...)."""
    if count <= remainder:
        return remainder if remainder > 0 else multiple
    return remainder + math.ceil((count - remainder) / multiple) * multiple


def retime(count: int, native_rate: Fraction, frames: int, rate: Fraction) -> list[int]:
    """For each output frame, the index of the model frame it shows."""
    return [min(count - 1, math.floor(Fraction(i) / rate * native_rate)) for i in range(frames)]


def fit_picture(rgb: np.ndarray, size: tuple[int, int], fit: str = CROP) -> np.ndarray:
    """Scale an RGB picture to `size` (w, h): crop fills the frame, fit letterboxes on black."""
    width, height = size
    h, w = rgb.shape[:2]
    if (w, h) == (width, height):
        return rgb
    scale = max(width / w, height / h) if fit == CROP else min(width / w, height / h)
    sw, sh = max(1, round(w * scale)), max(1, round(h * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(rgb, (sw, sh), interpolation=interpolation)
    canvas = np.zeros((height, width, 3), np.uint8)
    # centre, cropping whatever overhangs
    cw, ch = min(sw, width), min(sh, height)
    sx, sy = (sw - cw) // 2, (sh - ch) // 2
    dx, dy = (width - cw) // 2, (height - ch) // 2
    canvas[dy : dy + ch, dx : dx + cw] = scaled[sy : sy + ch, sx : sx + cw]
    return canvas


def to_uint8(frame: np.ndarray) -> np.ndarray:
    """A model's frame (float 0..1, or uint8) as uint8 RGB (h, w, 3)."""
    if frame.dtype == np.uint8:
        return frame
    return (np.clip(frame, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def conform(
    frames: Sequence[np.ndarray],
    native_rate: Fraction,
    count: int,
    rate: Fraction,
    size: tuple[int, int],
    fit: str = CROP,
) -> Iterator[np.ndarray]:
    """The shot's `count` RGB frames at `rate` and `size`, from a model's frames at `native_rate`."""
    if not len(frames):
        raise ValueError("The model returned no frames")
    for index in retime(len(frames), native_rate, count, rate):
        yield fit_picture(to_uint8(np.asarray(frames[index])), size, fit)
