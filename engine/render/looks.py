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

A look is defined on the picture as an export at the project's size renders
it, whatever size this render is: the viewer previews at 1/2 or 1/4, and a
look drawn on the preview's own pixels would show the user a different look
from the one they will export (scan lines on every other preview row are
twice as coarse on screen at 1/2). So `apply_looks` is told the size its
picture has at full size, and every look that draws rows or pixels (scan
lines, grain, chroma bleed, wobble and the tracking band) draws them on the
full-size grid and gives a smaller picture their area average over the
full-size pixels each of its pixels covers: the preview is the export scaled
down (as by cv2.INTER_AREA), up to rounding. At full size this is the very
same arithmetic as drawing directly. Everything else (blur, vignette, the
wobble's and grain's sizes) is already in fractions of the picture.
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
    """The picture being worked on: its three planes, each its own array, and the size the
    same picture has at full size (the export's grid that looks are drawn on)."""

    def __init__(self, picture: Picture, full_size: tuple[int, int] | None = None) -> None:
        self.width, self.height = picture.width, picture.height
        self.full_width, self.full_height = full_size or (picture.width, picture.height)
        y, u, v = picture.planes
        self.y, self.u, self.v = y, u, v  # read-only views: every step makes new arrays

    @property
    def reduced(self) -> bool:
        """True when this picture is not drawn at its full size (a preview at 1/2, 1/4...)."""
        return (self.width, self.height) != (self.full_width, self.full_height)

    @property
    def scale_x(self) -> float:
        """This picture's pixels per full-size pixel, across."""
        return self.width / self.full_width

    def picture(self) -> Picture:
        data = np.concatenate([self.y.reshape(-1), self.u.reshape(-1), self.v.reshape(-1)])
        return Picture(self.width, self.height, data)


def active(clip: otio.schema.Clip) -> list[otio.schema.Effect]:
    """The looks that can change a pixel, in stack order."""
    return [e for e in looks.looks(clip) if not looks.is_identity(e)]


def _step(effect: otio.schema.Effect, kind: str, values: dict[str, float]) -> Step:
    file = colour_table.lut_step(looks.lut_path(effect)) if kind == "lut" else None
    return kind, tuple(sorted(values.items())), file


def apply_looks(
    picture: Picture, clip: otio.schema.Clip, frame: int, full_size: tuple[int, int] | None = None
) -> Picture:
    """The clip's picture at source frame `frame` with its looks applied (the same picture when
    it has none that do anything).

    `full_size` is the size this picture has when the frame is rendered at the project's size
    (None: its own size, as when the picture is the same in preview and export). A preview at
    1/2 passes the project's size, so its looks are the export's scaled down, not the export's
    looks redrawn on half as many pixels."""
    stack = active(clip)
    if not stack:
        return picture
    planes = _Planes(picture, full_size)
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


def apply_looks_rgb(image: np.ndarray, clip: otio.schema.Clip, frame: int, reduced_by: int = 1) -> np.ndarray:
    """The same looks on an upright RGB (or RGBA) source image at its own size: the picture a
    transformed clip is placed from. Alpha is kept as it is; an odd size is padded by its last
    row or column for 4:2:0 and cropped back.

    `reduced_by` is how many times smaller than the original source the image is (a proxy's
    divisor: the viewer may decode proxies, an export never does), so the looks are the ones
    the original gets, scaled down; a proxy is 1/divisor of the original to within a pixel or
    two of rounding to even, close enough for a preview."""
    if not active(clip):
        return image
    height, width = image.shape[:2]
    rgb = image[:, :, :3]
    padded = np.pad(rgb, ((0, height % 2), (0, width % 2), (0, 0)), mode="edge")
    picture = Picture(padded.shape[1], padded.shape[0], frame=frame_from_rgb(padded))
    full_size = (picture.width * reduced_by, picture.height * reduced_by) if reduced_by > 1 else None
    looked = apply_looks(picture, clip, frame, full_size).to_rgb()[:height, :width]
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
    width: int, height: int, sigma: float, seed: int, spread: float
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian grain blurred to `sigma` pixels and scaled to `spread` code values, made once
    per frame size. Held as its positive and negative parts, two 8-bit planes: adding one and
    subtracting the other with saturation is two SIMD passes, where a signed 16-bit add is a
    slow mixed-type path."""
    rng = np.random.default_rng([seed, 0x6A41])
    field = rng.standard_normal((height + _MARGIN, width + _MARGIN), dtype=np.float32)
    if sigma > 0.3:
        field = cv2.GaussianBlur(field, (0, 0), sigma)
        field /= max(float(field.std()), 1e-6)
    codes = np.clip(np.rint(field * spread), -255, 255).astype(np.int16)
    return np.maximum(codes, 0).astype(np.uint8), np.maximum(-codes, 0).astype(np.uint8)


@lru_cache(maxsize=32)
def _variance_kept(full: int, reduced: int, sigma: float) -> float:
    """The share of grain's variance (grain blurred to `sigma` full-size pixels) that is left
    along one side after `full` pixels are averaged down to `reduced` by area.

    Each reduced pixel is a weighted mean of full-size pixels whose grain is correlated as the
    blur makes it (the blur kernel's autocorrelation), so its variance is w C wᵀ; this is the
    mean over the first pixels, which repeat the pattern of overlaps closely enough."""
    if sigma > 0.3:
        taps = round(sigma * 8 + 1) | 1  # the kernel cv2.GaussianBlur takes for a float field
        kernel = cv2.getGaussianKernel(taps, sigma, cv2.CV_64F)[:, 0]
        autocorrelation = np.correlate(kernel, kernel, "full")
        autocorrelation /= autocorrelation[taps - 1]
    else:
        autocorrelation, taps = np.ones(1), 1
    count = min(reduced, 64)
    weights = _area_weights(reduced, full)[:count].astype(np.float64)
    used = weights[:, : int(np.flatnonzero(weights.any(axis=0))[-1]) + 1]
    lags = np.abs(np.subtract.outer(np.arange(used.shape[1]), np.arange(used.shape[1])))
    near = np.where(lags < taps, autocorrelation[np.minimum(lags, taps - 1) + taps - 1], 0.0)
    return float(np.einsum("ij,jk,ik->i", used, near, used).mean())


def _grain(planes: _Planes, values: dict[str, float], frame: int) -> None:
    """Grain whose size is a share of the picture's height (in pixels at 1080 lines), so it is
    the same on any frame size; a reduced picture's grain is as strong as the full-size grain
    averaged down to it, which is weaker than grain of the same spread drawn on its pixels."""
    sigma = 0.5 * values["size"] * planes.height / 1080.0
    spread = GRAIN_SIGMA * values["amount"]
    if planes.reduced:
        full_sigma = 0.5 * values["size"] * planes.full_height / 1080.0
        kept = _variance_kept(planes.full_height, planes.height, full_sigma)
        kept *= _variance_kept(planes.full_width, planes.width, full_sigma)
        spread *= float(np.sqrt(kept))
    up, down = _grain_field(planes.width, planes.height, sigma, int(values["seed"]), spread)
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
    """A worn tape: wobbling lines, chroma smeared sideways, scan lines, a band of tracking noise.

    Rows, their shifts, the band and its speckle are drawn on the full-size picture's rows
    (the same random numbers whatever size this render is) and a reduced picture gets their
    area average, so a preview shows the export's scan lines as the grey they average to."""
    h = planes.height
    full_w, full_h = planes.full_width, planes.full_height
    rng = _frame_rng(values["seed"], frame, 2)
    shift = np.zeros(full_h, np.float32)  # full-size pixels, per full-size row
    if values["wobble"]:
        rows = np.arange(full_h, dtype=np.float32)
        phase = rng.uniform(0, 2 * np.pi)
        amplitude = values["wobble"] * 4.0 * full_h / 1080.0
        shift += amplitude * np.sin(rows / full_h * 2 * np.pi * 3 + phase)
        shift += rng.normal(0, amplitude * 0.3, full_h).astype(np.float32)
    band = None
    if values["tracking"]:
        height = max(2, int(full_h * 0.06 * values["tracking"]))
        top = int(rng.integers(int(full_h * 0.75), max(int(full_h * 0.75) + 1, full_h - height)))
        band = (top, top + height)
        shift[top : top + height] += (
            rng.uniform(-1, 1, height).astype(np.float32) * full_w * 0.02 * values["tracking"]
        )
    if planes.reduced:
        shift = _area_rows(shift, h) * np.float32(planes.scale_x)
    if shift.any():
        planes.y = _shift_rows(planes.y, shift)
        half = shift[::2][: h // 2] / 2
        planes.u, planes.v = _shift_rows(planes.u, half), _shift_rows(planes.v, half)
    if values["bleed"]:
        width = (1 + 2 * int(values["bleed"] * full_w / 160)) * planes.scale_x
        offset = max(1, int(values["bleed"] * full_w / 320)) * planes.scale_x
        planes.u, planes.v = (_move_right(_box_across(c, width), offset) for c in (planes.u, planes.v))
    if band is not None:
        top, bottom = band
        noise = rng.integers(0, 256, (bottom - top, full_w), dtype=np.int16)
        speckled = noise > 255 - 60 * values["tracking"]
        planes.y = planes.y.copy()  # never write into the source picture: caches hold it
        if planes.reduced:
            _speckle_reduced(planes, speckled, top)
        else:
            planes.y[top:bottom] = np.where(speckled, 235, planes.y[top:bottom]).astype(np.uint8)
    if values["scanlines"]:
        darkening = 0.5 * values["scanlines"]
        if planes.reduced:  # each row darkened by the full-size rows' average darkening
            odd = _area_rows((np.arange(full_h) % 2).astype(np.float32), h)
            planes.y = _scale_from(planes.y, (1.0 - darkening * odd)[:, None], 16.0)
        else:
            y = planes.y.copy()
            y[1::2] = _scale_from(y[1::2], 1.0 - darkening, 16.0)
            planes.y = y


@lru_cache(maxsize=8)
def _area_weights(reduced: int, full: int) -> np.ndarray:
    """(reduced, full) weights: how much of each full-size row each reduced row covers, as a
    share of the reduced row. Shrinking, these are cv2.INTER_AREA's weights."""
    step = full / reduced
    edges = np.arange(reduced + 1, dtype=np.float64) * step
    start = np.arange(full, dtype=np.float64)
    overlap = np.minimum(edges[1:, None], start + 1) - np.maximum(edges[:-1, None], start)
    return (np.clip(overlap, 0.0, None) / step).astype(np.float32)


def _area_rows(values: np.ndarray, reduced: int) -> np.ndarray:
    """A value per full-size row averaged, by area, over the rows of a `reduced`-row picture."""
    return _area_weights(reduced, len(values)) @ values.astype(np.float32)


def _speckle_reduced(planes: _Planes, speckled: np.ndarray, top: int) -> None:
    """The tracking band's full-size speckle on a reduced picture: each pixel goes towards
    white by the share of its full-size pixels that are speckled."""
    weights = _area_weights(planes.height, planes.full_height)[:, top : top + len(speckled)]
    rows = np.flatnonzero(weights.any(axis=1))
    first, last = int(rows[0]), int(rows[-1]) + 1
    cover = weights[first:last] @ speckled.astype(np.float32)
    cover = cv2.resize(cover, (planes.width, last - first), interpolation=cv2.INTER_AREA)
    luma = planes.y[first:last].astype(np.float32)
    planes.y[first:last] = np.clip(luma + cover * (235.0 - luma) + 0.5, 0, 255).astype(np.uint8)


def _box_across(plane: np.ndarray, width: float) -> np.ndarray:
    """The plane averaged over `width` pixels across; a width that is not an odd whole number
    (a reduced picture's share of the full-size box) weights its two end pixels partly."""
    if width <= 1.0:
        return plane
    if width == int(width) and int(width) % 2:
        return cv2.blur(plane, (int(width), 1))
    taps = 2 * int(np.ceil((width - 1) / 2)) + 1
    kernel = np.ones(taps, np.float32)
    kernel[0] = kernel[-1] = (width - (taps - 2)) / 2
    return cv2.filter2D(plane, -1, (kernel / np.float32(width))[None, :])


def _move_right(plane: np.ndarray, offset: float) -> np.ndarray:
    """The plane moved `offset` pixels right, its left edge repeated into the gap; a fraction of
    a pixel is interpolated."""
    if offset == int(offset):
        return _smear_right(plane, int(offset))
    return _shift_rows(plane, np.full(plane.shape[0], offset, np.float32))


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
