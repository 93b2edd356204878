"""The Ken Burns move at the source-frame stage: the framing of the picture at a frame, cropped and sized.

Applied to the decoded source frame before anything else (colour, transform,
compositing see a picture that already has the move), so it is part of the
one renderer: the viewer, playback and export show the same pixels. The
rectangle for a frame comes from `engine.project.kenburns` in whole frames.
It is taken from the upright picture exactly, to a fraction of a pixel: a
slow pan moves a fraction of a source pixel per frame, and rounding the
rectangle to whole pixels made it stand still and then jump. A rectangle
on whole pixels is a plain crop; any other is resampled (bilinear, OpenCV's
warpAffine) onto about as many pixels as it covers, so the picture is never
scaled twice; the result is scaled to the frame with the same scaler and fit
as any other source.
"""

from __future__ import annotations

import av
import cv2
import numpy as np
import opentimelineio as otio

from engine.media.video import upright_rgb
from engine.project import trackedit
from engine.project.kenburns import KenBurns, Rect, move_of
from engine.render.picture import Picture, from_frame


def pixel_box(rect: Rect, width: int, height: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) source pixels of a framing, at least one pixel each way."""
    x, y, w, h = rect
    left, top = round(x * width), round(y * height)
    right, bottom = round((x + w) * width), round((y + h) * height)
    left, top = min(max(left, 0), width - 1), min(max(top, 0), height - 1)
    return left, top, max(right, left + 1), max(bottom, top + 1)


def crop(rgb: np.ndarray, rect: Rect) -> np.ndarray:
    """The part of an upright RGB(A) picture a framing shows, to a fraction of a pixel."""
    height, width = rgb.shape[:2]
    x, y, w, h = rect[0] * width, rect[1] * height, rect[2] * width, rect[3] * height
    if all(abs(v - round(v)) < 1e-6 for v in (x, y, x + w, y + h)):
        left, top, right, bottom = pixel_box(rect, width, height)
        return np.ascontiguousarray(rgb[top:bottom, left:right])
    return resampled(rgb, (x, y, w, h))


def resampled(rgb: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The source rectangle (x, y, width, height in pixels) on about as many pixels as it covers.

    Output pixel i's centre is source position x + (i + 0.5) * width / columns
    (pixel centres at .5), so neighbouring frames of a pan differ by exactly
    the pan's step, however small; edges beyond the picture repeat its border.
    """
    x, y, w, h = box
    columns, rows = max(1, round(w)), max(1, round(h))
    sx, sy = w / columns, h / rows
    matrix = np.array([[sx, 0.0, x + 0.5 * sx - 0.5], [0.0, sy, y + 0.5 * sy - 0.5]], np.float64)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    return cv2.warpAffine(rgb, matrix, (columns, rows), flags=flags, borderMode=cv2.BORDER_REPLICATE)


def framed(rgb: np.ndarray, rect: Rect, size: tuple[int, int], fit: str) -> Picture:
    """The framing of an upright RGB picture as a frame of `size`."""
    return from_frame(av.VideoFrame.from_ndarray(crop(rgb, rect), format="rgb24"), 0, size, fit)


def clip_offset(clip: otio.schema.Clip, source_frame: int, origin: int, rate: float) -> tuple[int, int]:
    """(frames into the clip's used range, that range's length) for a layer's source frame."""
    start, length = trackedit.source_frames(clip, rate)
    return source_frame + origin - start, length


def moved_picture(
    move: KenBurns,
    decoded: av.VideoFrame,
    rotation: int,
    offset: int,
    length: int,
    size: tuple[int, int],
    fit: str,
) -> Picture:
    """The decoded frame through the move, `offset` frames into a clip of `length` frames."""
    return framed(upright_rgb(decoded, rotation), move.rect_at(offset, length), size, fit)


__all__ = ["clip_offset", "crop", "framed", "move_of", "moved_picture", "pixel_box", "resampled"]
