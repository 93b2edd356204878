"""Layering pictures with alpha: a clip's transform, and blending it over what is below.

Only frames where something shows through are composed here; a frame whose
top clip is opaque, full-frame and normal never comes this way (see
`video.Renderer.picture`), so plain cuts keep their YUV pass-through speed.

Composition works in RGB (float32, 0..255, BT.709 full range): the blend
modes are defined on RGB, and the result returns to the encoder's YUV once
per frame. Each layer is placed with one OpenCV ``warpAffine`` from the
source's own pixels (scale, rotation and position in one resampling, so a
zoomed-in phone shot is resampled once, from its full size) into a
premultiplied RGBA layer of the frame's size; outside the picture, alpha is
0 and the tracks below show.
"""

from __future__ import annotations

import math

import av
import cv2
import numpy as np
from av.video.reformatter import ColorRange

from engine.project.transform import Placement
from engine.render.picture import FIT, MATRIX, Picture, _source_range, frame_from_rgb


def source_rgba(frame: av.VideoFrame, rotation: int) -> np.ndarray:
    """A decoded frame as upright RGBA uint8 at its own size (alpha 255 unless the source has one)."""
    alpha = any(c.is_alpha for c in frame.format.components)
    converted = frame.reformat(
        format="rgba" if alpha else "rgb24",
        src_colorspace=MATRIX,
        dst_colorspace=MATRIX,
        src_color_range=_source_range(frame),
        dst_color_range=ColorRange.JPEG,
    ).to_ndarray()
    if not alpha:
        converted = np.dstack([converted, np.full(converted.shape[:2], 255, np.uint8)])
    turns = rotation // 90
    return np.ascontiguousarray(np.rot90(converted, turns)) if turns else converted


def fitted_scale(source: tuple[int, int], size: tuple[int, int], fit: str) -> float:
    """Source pixels to frame pixels for the picture as it shows untransformed (fitted or cropped)."""
    sw, sh = source
    width, height = size
    if (sw, sh) == (width, height):
        return 1.0
    return min(width / sw, height / sh) if fit == FIT else max(width / sw, height / sh)


def matrix(
    source: tuple[int, int],
    size: tuple[int, int],
    placement: Placement,
    fit: str,
    units: float,
) -> np.ndarray:
    """The 2x3 affine map from source pixel indices to frame pixel indices.

    `units` is frame pixels per sequence pixel (positions are stored in
    sequence pixels). Pixel centres sit at +0.5, so a picture scaled about
    its centre stays centred to the sub-pixel.
    """
    sw, sh = source
    width, height = size
    scale = fitted_scale(source, size, fit) * placement.scale
    angle = math.radians(placement.rotation)
    cos, sin = math.cos(angle) * scale, math.sin(angle) * scale
    cx, cy = width / 2 + placement.x * units, height / 2 + placement.y * units
    # p_frame + 0.5 = R*S*(p_source + 0.5 - centre_source) + centre_frame
    sx, sy = 0.5 - sw / 2, 0.5 - sh / 2
    return np.array(
        [
            [cos, -sin, cos * sx - sin * sy + cx - 0.5],
            [sin, cos, sin * sx + cos * sy + cy - 0.5],
        ],
        dtype=np.float64,
    )


def place(
    rgba: np.ndarray, size: tuple[int, int], placement: Placement, fit: str, units: float
) -> tuple[np.ndarray, np.ndarray]:
    """(premultiplied RGB float32 (h, w, 3), alpha float32 (h, w) in 0..1) of a transformed source.

    Colour is resampled with the edge pixels repeated outward, and alpha is
    the share of each frame pixel the (cropped) picture covers, worked out
    from the geometry: so a picture that exactly fills the frame is opaque
    to its last pixel, and an edge inside the frame is anti-aliased, never
    darkened by black from outside the picture.
    """
    sh, sw = rgba.shape[:2]
    left, right = round(placement.crop_left * sw), sw - round(placement.crop_right * sw)
    top, bottom = round(placement.crop_top * sh), sh - round(placement.crop_bottom * sh)
    shown = rgba[top:bottom, left:right]
    full = matrix((sw, sh), size, placement, fit, units)
    cropped = full.copy()
    cropped[:, 2] += full[:, :2] @ np.array([left, top], np.float64)
    width, height = size
    warped = cv2.warpAffine(
        shown, cropped, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    scale = fitted_scale((sw, sh), size, fit) * placement.scale
    alpha = coverage(cropped, (right - left, bottom - top), size, scale)
    alpha *= warped[..., 3] * np.float32(placement.opacity / 255)
    rgb = warped[..., :3].astype(np.float32) * alpha[..., None]
    return rgb, alpha


def coverage(affine: np.ndarray, source: tuple[int, int], size: tuple[int, int], scale: float) -> np.ndarray:
    """How much of each frame pixel (0..1) the source rectangle covers once mapped by `affine`.

    Each frame pixel's centre is taken back into the source, and its distance
    inside the source's edges, in frame pixels, gives a one-pixel ramp.
    """
    inverse = cv2.invertAffineTransform(affine)
    width, height = size
    xs = np.arange(width, dtype=np.float32)[None, :]
    ys = np.arange(height, dtype=np.float32)[:, None]
    u = inverse[0, 0] * xs + inverse[0, 1] * ys + np.float32(inverse[0, 2])
    v = inverse[1, 0] * xs + inverse[1, 1] * ys + np.float32(inverse[1, 2])
    sw, sh = source
    inside = np.minimum(np.minimum(u + 0.5, sw - 0.5 - u), np.minimum(v + 0.5, sh - 0.5 - v))
    return np.clip(inside * np.float32(scale) + np.float32(0.5), 0, 1).astype(np.float32)


def opaque(picture: Picture) -> tuple[np.ndarray, np.ndarray]:
    """A full-frame composed picture as a layer: its RGB, alpha 1 everywhere."""
    rgb = picture.to_rgb().astype(np.float32)
    return rgb, np.ones(rgb.shape[:2], np.float32)


def blend(below: np.ndarray, rgb: np.ndarray, alpha: np.ndarray, mode: str) -> np.ndarray:
    """`rgb` (premultiplied by `alpha`) over `below` with a blend mode; all float32 0..255.

    Each mode is the familiar formula B(below, source) mixed in by alpha:
    below*(1-a) + a*B, written with the premultiplied source.
    """
    a = alpha[..., None]
    if mode == "add":
        out = below + rgb
    elif mode == "multiply":
        out = below * (1 - a) + below * rgb / np.float32(255)
    elif mode == "screen":
        out = below + rgb - below * rgb / np.float32(255)
    else:
        out = below * (1 - a) + rgb
    return np.clip(out, 0, 255, out=out)


def to_picture(rgb: np.ndarray) -> Picture:
    """The composed RGB back in the encoder's YUV 4:2:0."""
    height, width = rgb.shape[:2]
    pixels = np.clip(rgb + np.float32(0.5), 0, 255).astype(np.uint8)
    frame = frame_from_rgb(pixels)
    return Picture(width, height, frame.to_ndarray().reshape(-1))
