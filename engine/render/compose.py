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
from dataclasses import dataclass

import av
import cv2
import numpy as np
from av.video.reformatter import ColorRange

from engine.project.transform import Placement
from engine.render.picture import FIT, MATRIX, Picture, _source_range, frame_from_rgb


def source_rgb(frame: av.VideoFrame, rotation: int) -> np.ndarray:
    """A decoded frame as upright RGB uint8 at its own size, or RGBA when the source has alpha."""
    alpha = any(c.is_alpha for c in frame.format.components)
    converted = frame.reformat(
        format="rgba" if alpha else "rgb24",
        src_colorspace=MATRIX,
        dst_colorspace=MATRIX,
        src_color_range=_source_range(frame),
        dst_color_range=ColorRange.JPEG,
    ).to_ndarray()
    turns = rotation // 90
    return np.ascontiguousarray(np.rot90(converted, turns)) if turns else converted


@dataclass(frozen=True)
class Layer:
    """A placed picture inside the frame: premultiplied RGB and alpha over `box` only.

    Outside its box a layer is fully transparent, and every blend mode
    leaves the picture below unchanged where alpha is 0, so composing it
    touches only the box: a lower third or a picture-in-picture costs what
    its own pixels cost, not a whole frame's.
    """

    rgb: np.ndarray  # float32 (h, w, 3), premultiplied, 0..255
    alpha: np.ndarray  # float32 (h, w), 0..1
    box: tuple[int, int, int, int]  # left, top, right, bottom in frame pixels
    solid: bool = False  # alpha is 1 all over the box


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
    image: np.ndarray,
    size: tuple[int, int],
    placement: Placement,
    fit: str,
    units: float,
    region: tuple[int, int, int, int] | None = None,
) -> Layer | None:
    """A source (RGB, or straight RGBA) transformed into the frame; None when none of it shows.

    Colour is resampled from the source once, with its edge pixels repeated
    outward, and alpha is the share of each frame pixel the (cropped)
    picture covers, worked out from the geometry: a picture that exactly
    fills the frame is opaque to its last pixel, and an edge inside the
    frame is anti-aliased, never darkened by black from outside the picture.
    `region` (left, top, right, bottom) limits the source to the part that
    has anything in it (a title's ink), which the crop then narrows.
    """
    sh, sw = image.shape[:2]
    left, right = round(placement.crop_left * sw), sw - round(placement.crop_right * sw)
    top, bottom = round(placement.crop_top * sh), sh - round(placement.crop_bottom * sh)
    if region is not None:
        left, top = max(left, region[0]), max(top, region[1])
        right, bottom = min(right, region[2]), min(bottom, region[3])
    if right <= left or bottom <= top:
        return None
    full = matrix((sw, sh), size, placement, fit, units)
    affine = full.copy()
    affine[:, 2] += full[:, :2] @ np.array([left, top], np.float64)
    box = _bounds(affine, (right - left, bottom - top), size)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    affine[:, 2] -= (x0, y0)
    shown = image[top:bottom, left:right]
    straight_alpha = shown.shape[2] == 4
    if straight_alpha:  # resample premultiplied, so transparent neighbours do not darken edges
        shown = shown.astype(np.float32)
        shown[..., :3] *= shown[..., 3:] / np.float32(255)
    warped = cv2.warpAffine(
        shown, affine, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    scale = fitted_scale((sw, sh), size, fit) * placement.scale
    alpha = coverage(affine, (right - left, bottom - top), (x1 - x0, y1 - y0), scale)
    alpha *= np.float32(placement.opacity)
    if straight_alpha:
        rgb = warped[..., :3] * alpha[..., None]
        alpha *= warped[..., 3] / np.float32(255)
    else:
        rgb = warped.astype(np.float32) * alpha[..., None]
    return Layer(rgb, alpha, box)


def _bounds(
    affine: np.ndarray, source: tuple[int, int], size: tuple[int, int]
) -> tuple[int, int, int, int] | None:
    """The frame pixels a mapped source rectangle can touch (with a pixel for its soft edge)."""
    sw, sh = source
    corners = np.array([[-0.5, -0.5, 1], [sw - 0.5, -0.5, 1], [-0.5, sh - 0.5, 1], [sw - 0.5, sh - 0.5, 1]])
    mapped = corners @ affine.T
    width, height = size
    x0 = max(0, math.floor(mapped[:, 0].min()) - 1)
    y0 = max(0, math.floor(mapped[:, 1].min()) - 1)
    x1 = min(width, math.ceil(mapped[:, 0].max()) + 2)
    y1 = min(height, math.ceil(mapped[:, 1].max()) + 2)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def coverage(affine: np.ndarray, source: tuple[int, int], size: tuple[int, int], scale: float) -> np.ndarray:
    """How much of each pixel (0..1) of a `size` area the source rectangle covers once mapped by `affine`.

    OpenCV fills the mapped rectangle with anti-aliased edges at 1/16 pixel
    precision. It counts a pixel whose centre is inside as covered and
    softens the pixel beyond, so the outline is drawn half a frame pixel in
    from the picture's true edge: a picture that exactly fills the frame is
    opaque to its last pixel, and an edge inside it is soft, never jagged.
    """
    sw, sh = source
    dx, dy = min(0.5 / scale, sw / 2), min(0.5 / scale, sh / 2)
    corners = np.array(
        [
            [dx - 0.5, dy - 0.5],
            [sw - 0.5 - dx, dy - 0.5],
            [sw - 0.5 - dx, sh - 0.5 - dy],
            [dx - 0.5, sh - 0.5 - dy],
        ]
    )
    mapped = corners @ affine[:, :2].T + affine[:, 2]
    width, height = size
    mask = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(mask, np.round(mapped * 16).astype(np.int32), 255, lineType=cv2.LINE_AA, shift=4)
    return mask.astype(np.float32) * np.float32(1 / 255)


def opaque(picture: Picture, opacity: float = 1.0) -> Layer:
    """A full-frame composed picture as a layer (its RGB, alpha `opacity` everywhere)."""
    rgb = picture.to_rgb().astype(np.float32)
    if opacity < 1:
        rgb *= np.float32(opacity)
    alpha = np.full(rgb.shape[:2], opacity, np.float32)
    return Layer(rgb, alpha, (0, 0, picture.width, picture.height), solid=opacity >= 1)


def lay(canvas: np.ndarray, layer: Layer, mode: str) -> np.ndarray:
    """Blend `layer` over `canvas` in place (only its box changes); returns `canvas`."""
    x0, y0, x1, y1 = layer.box
    if layer.solid and mode == "normal":
        canvas[y0:y1, x0:x1] = layer.rgb
        return canvas
    canvas[y0:y1, x0:x1] = blend(canvas[y0:y1, x0:x1], layer.rgb, layer.alpha, mode)
    return canvas


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
