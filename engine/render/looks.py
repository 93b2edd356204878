"""A clip's looks applied to its picture: colour grade, LUT, grain, VHS, vignette, blur, black & white.

The renderer calls `apply_looks` on each clip's fitted source picture before
it is mixed with anything else, so the viewer and an export get the same
pixels from the same call. The picture stays in the compositor's 8-bit
BT.709 YUV 4:2:0 throughout: each run of pointwise looks (colour grade, LUT,
black & white) goes through one baked YUV-to-YUV table (`colour_table`), and
the spatial looks (grain, vignette, blur, VHS) work on luma and chroma
directly with OpenCV. Everything random (grain, VHS noise) is seeded by the
look's seed and the source frame, so the same frame renders identically in
preview and export, and neighbouring frames differ.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np
import opentimelineio as otio

from engine.project import looks
from engine.render import colour_table
from engine.render.colour_table import POINTWISE, Step
from engine.render.picture import Picture, frame_from_rgb


class _Planes:
    """The picture being worked on: its three planes, each its own array."""

    def __init__(self, picture: Picture) -> None:
        self.width, self.height = picture.width, picture.height
        y, u, v = picture.planes
        self.y, self.u, self.v = y, u, v  # read-only views: every step makes new arrays

    def picture(self) -> Picture:
        data = np.concatenate([self.y.reshape(-1), self.u.reshape(-1), self.v.reshape(-1)])
        return Picture(self.width, self.height, data)


def active(clip: otio.schema.Clip) -> list[otio.schema.Effect]:
    """The looks that can change a pixel, in stack order."""
    return [e for e in looks.looks(clip) if not looks.is_identity(e)]


def _step(effect: otio.schema.Effect, kind: str, values: dict[str, float]) -> Step:
    file = colour_table.lut_step(looks.lut_path(effect)) if kind == "lut" else None
    return kind, tuple(sorted(values.items())), file


def apply_looks(picture: Picture, clip: otio.schema.Clip, frame: int) -> Picture:
    """The clip's picture at source frame `frame` with its looks applied (the same picture when
    it has none that do anything)."""
    stack = active(clip)
    if not stack:
        return picture
    planes = _Planes(picture)
    run: list[Step] = []  # consecutive pointwise looks: one table lookup for all of them
    for effect in stack:
        kind = looks.kind_of(effect)
        values = looks.params(effect)
        if kind in POINTWISE:
            run.append(_step(effect, kind, values))
            continue
        if run:
            planes.y, planes.u, planes.v = colour_table.apply_table(planes.y, planes.u, planes.v, tuple(run))
            run = []
        _SPATIAL[kind](planes, values, frame)
    if run:
        planes.y, planes.u, planes.v = colour_table.apply_table(planes.y, planes.u, planes.v, tuple(run))
    return planes.picture()


def apply_looks_rgb(image: np.ndarray, clip: otio.schema.Clip, frame: int) -> np.ndarray:
    """The same looks on an upright RGB (or RGBA) source image at its own size: the picture a
    transformed clip is placed from. Alpha is kept as it is; an odd size is padded by its last
    row or column for 4:2:0 and cropped back."""
    if not active(clip):
        return image
    height, width = image.shape[:2]
    rgb = image[:, :, :3]
    padded = np.pad(rgb, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    picture = Picture(padded.shape[1], padded.shape[0], frame=frame_from_rgb(padded))
    looked = apply_looks(picture, clip, frame).to_rgb()[:height, :width]
    if image.shape[2] == 4:
        return np.ascontiguousarray(np.dstack([looked, image[:, :, 3]]))
    return looked


# grain ----------------------------------------------------------------------------------------

_MARGIN = 64  # the grain field is this much larger than the frame; each frame reads it from an offset
GRAIN_SIGMA = 20.0  # code values of luma noise at amount 1


def _frame_rng(seed: float, frame: int, salt: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(frame) & 0xFFFFFFFF, salt])


@lru_cache(maxsize=8)
def _grain_field(
    width: int, height: int, size: float, seed: int, amount: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian grain of unit spread scaled to `amount` code values, blurred to the grain's size
    (in pixels at 1080 lines, scaled to the frame), made once per frame size. Held as its
    positive and negative parts, two 8-bit planes: adding one and subtracting the other with
    saturation is two SIMD passes, where a signed 16-bit add is a slow mixed-type path."""
    rng = np.random.default_rng([seed, 0x6A41])
    field = rng.standard_normal((height + _MARGIN, width + _MARGIN), dtype=np.float32)
    sigma = 0.5 * size * height / 1080.0
    if sigma > 0.3:
        field = cv2.GaussianBlur(field, (0, 0), sigma)
        field /= max(float(field.std()), 1e-6)
    codes = np.clip(np.rint(field * (GRAIN_SIGMA * amount)), -255, 255).astype(np.int16)
    return np.maximum(codes, 0).astype(np.uint8), np.maximum(-codes, 0).astype(np.uint8)


def _grain(planes: _Planes, values: dict[str, float], frame: int) -> None:
    up, down = _grain_field(
        planes.width, planes.height, values["size"], int(values["seed"]), values["amount"]
    )
    dy, dx = _frame_rng(values["seed"], frame, 1).integers(0, _MARGIN, 2)
    window = (slice(dy, dy + planes.height), slice(dx, dx + planes.width))
    planes.y = cv2.subtract(cv2.add(planes.y, up[window]), down[window])


# vignette and blur ----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _vignette_masks(width: int, height: int, amount: float, softness: float) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers of the distance from black: 1 in the middle, falling towards the corners."""

    def mask(w: int, h: int) -> np.ndarray:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        nx, ny = (xx + 0.5) / w * 2 - 1, (yy + 0.5) / h * 2 - 1
        r = np.sqrt(nx * nx + ny * ny) / np.sqrt(2.0)  # 0 centre, 1 corner
        inner = 1.0 - softness
        t = np.clip((r - inner * 0.8) / max(1.0 - inner * 0.8, 1e-3), 0.0, 1.0)
        return (1.0 - amount * t * t * (3 - 2 * t)).astype(np.float32)

    return mask(width, height), mask(width // 2, height // 2)


def _vignette(planes: _Planes, values: dict[str, float], frame: int) -> None:
    full, half = _vignette_masks(planes.width, planes.height, values["amount"], values["softness"])
    planes.y = _scale_from(planes.y, full, 16.0)
    planes.u = _scale_from(planes.u, half, 128.0)
    planes.v = _scale_from(planes.v, half, 128.0)


def _scale_from(plane: np.ndarray, factor: np.ndarray | float, zero: float) -> np.ndarray:
    out = (plane.astype(np.float32) - zero) * factor + (zero + 0.5)
    return np.clip(out, 0, 255).astype(np.uint8)


def _blur(planes: _Planes, values: dict[str, float], frame: int) -> None:
    sigma = values["radius"] / 100.0 * planes.height
    planes.y = cv2.GaussianBlur(planes.y, (0, 0), sigma)
    planes.u = cv2.GaussianBlur(planes.u, (0, 0), sigma / 2)
    planes.v = cv2.GaussianBlur(planes.v, (0, 0), sigma / 2)


# VHS ------------------------------------------------------------------------------------------


def _vhs(planes: _Planes, values: dict[str, float], frame: int) -> None:
    """A worn tape: wobbling lines, chroma smeared sideways, scan lines, a band of tracking noise."""
    w, h = planes.width, planes.height
    rng = _frame_rng(values["seed"], frame, 2)
    shift = np.zeros(h, np.float32)
    if values["wobble"]:
        rows = np.arange(h, dtype=np.float32)
        phase = rng.uniform(0, 2 * np.pi)
        amplitude = values["wobble"] * 4.0 * h / 1080.0
        shift += amplitude * np.sin(rows / h * 2 * np.pi * 3 + phase)
        shift += rng.normal(0, amplitude * 0.3, h).astype(np.float32)
    band = None
    if values["tracking"]:
        height = max(2, int(h * 0.06 * values["tracking"]))
        top = int(rng.integers(int(h * 0.75), max(int(h * 0.75) + 1, h - height)))
        band = (top, top + height)
        shift[top : top + height] += (
            rng.uniform(-1, 1, height).astype(np.float32) * w * 0.02 * values["tracking"]
        )
    if shift.any():
        planes.y = _shift_rows(planes.y, shift)
        half = shift[::2][: h // 2] / 2
        planes.u, planes.v = _shift_rows(planes.u, half), _shift_rows(planes.v, half)
    if values["bleed"]:
        k = 1 + 2 * int(values["bleed"] * w / 160)
        offset = max(1, int(values["bleed"] * w / 320))
        planes.u, planes.v = (_smear_right(cv2.blur(c, (k, 1)), offset) for c in (planes.u, planes.v))
    if band is not None:
        top, bottom = band
        noise = rng.integers(0, 256, (bottom - top, w), dtype=np.int16)
        speckle = np.where(noise > 255 - 60 * values["tracking"], 235, planes.y[top:bottom]).astype(np.uint8)
        planes.y = planes.y.copy()  # never write into the source picture: caches hold it
        planes.y[top:bottom] = speckle
    if values["scanlines"]:
        y = planes.y.copy()
        y[1::2] = _scale_from(y[1::2], 1.0 - 0.5 * values["scanlines"], 16.0)
        planes.y = y


def _smear_right(plane: np.ndarray, offset: int) -> np.ndarray:
    """The plane moved `offset` pixels right, its left edge repeated into the gap (no wrap-around)."""
    out = np.empty_like(plane)
    out[:, offset:] = plane[:, :-offset]
    out[:, :offset] = plane[:, :1]
    return out


def _shift_rows(plane: np.ndarray, shift: np.ndarray) -> np.ndarray:
    h, w = plane.shape
    map_x = np.arange(w, dtype=np.float32)[None, :] - shift[:, None]
    map_y = np.repeat(np.arange(h, dtype=np.float32)[:, None], w, axis=1)
    return cv2.remap(plane, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


_SPATIAL = {"grain": _grain, "vignette": _vignette, "blur": _blur, "vhs": _vhs}
