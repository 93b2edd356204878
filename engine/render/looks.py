"""A clip's looks applied to its picture: colour grade, LUT, grain, VHS, vignette, blur, black & white.

The renderer calls `apply_looks` on each clip's fitted source picture before
it is mixed with anything else, so the viewer and an export get the same
pixels from the same call. The picture stays in the compositor's 8-bit
BT.709 YUV 4:2:0 wherever a look can work there (saturation, black & white,
grain, vignette, blur, VHS are all defined on luma and chroma); only the
per-channel colour curves and LUTs need RGB, and a run of them shares one
round trip, done with OpenCV's SIMD matrix transform on 8-bit pixels.
Per-channel curves are 256-entry tables (`cv2.LUT`); LUT files go through
OpenColorIO's 8-bit CPU processor, cached per file. Everything random (grain,
VHS noise) is seeded by the look's seed and the source frame, so the same
frame renders identically in preview and export, and neighbouring frames
differ.

Linear light, for exposure and white balance, is the BT.1886 display curve
(a pure 2.4 power), the one a BT.709 picture is shown with: +1 stop doubles
the light the display gives off.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import opentimelineio as otio

from engine.errors import MediaError
from engine.project import looks
from engine.render.picture import Picture

DISPLAY_GAMMA = 2.4
KR, KB = 0.2126, 0.0722
KG = 1.0 - KR - KB
_RGB_KINDS = ("lut",)


def _yuv_to_rgb_matrix() -> np.ndarray:
    """BT.709 limited-range Y'CbCr to full-range R'G'B', as a 3x4 affine matrix for cv2.transform."""
    ys, cs = 255.0 / 219.0, 255.0 / 224.0
    rv = cs * 2 * (1 - KR)
    gu = -cs * 2 * (1 - KB) * KB / KG
    gv = -cs * 2 * (1 - KR) * KR / KG
    bu = cs * 2 * (1 - KB)
    m = np.array([[ys, 0, rv], [ys, gu, gv], [ys, bu, 0]], np.float64)
    offset = -m @ np.array([16.0, 128.0, 128.0])
    return np.hstack([m, offset[:, None]]).astype(np.float32)


def _rgb_to_yuv_matrix() -> np.ndarray:
    m = _yuv_to_rgb_matrix().astype(np.float64)
    inverse = np.linalg.inv(m[:, :3])
    offset = np.array([16.0, 128.0, 128.0])
    return np.hstack([inverse, offset[:, None]]).astype(np.float32)


YUV_TO_RGB = _yuv_to_rgb_matrix()
RGB_TO_YUV = _rgb_to_yuv_matrix()


class _Planes:
    """The picture being worked on: its three planes, each its own array."""

    def __init__(self, picture: Picture) -> None:
        self.width, self.height = picture.width, picture.height
        y, u, v = picture.planes
        self.y, self.u, self.v = y, u, v  # read-only views: every step makes new arrays

    def rgb(self) -> np.ndarray:
        size = (self.width, self.height)
        u = cv2.resize(self.u, size, interpolation=cv2.INTER_NEAREST)
        v = cv2.resize(self.v, size, interpolation=cv2.INTER_NEAREST)
        return cv2.transform(cv2.merge([self.y, u, v]), YUV_TO_RGB)

    def set_rgb(self, rgb: np.ndarray) -> None:
        yuv = cv2.transform(rgb, RGB_TO_YUV)
        self.y = np.ascontiguousarray(yuv[:, :, 0])
        chroma = cv2.resize(yuv[:, :, 1:], (self.width // 2, self.height // 2), interpolation=cv2.INTER_AREA)
        self.u = np.ascontiguousarray(chroma[:, :, 0])
        self.v = np.ascontiguousarray(chroma[:, :, 1])

    def picture(self) -> Picture:
        data = np.concatenate([self.y.reshape(-1), self.u.reshape(-1), self.v.reshape(-1)])
        return Picture(self.width, self.height, data)


def active(clip: otio.schema.Clip) -> list[otio.schema.Effect]:
    """The looks that can change a pixel, in stack order."""
    return [e for e in looks.looks(clip) if not looks.is_identity(e)]


def apply_looks(picture: Picture, clip: otio.schema.Clip, frame: int) -> Picture:
    """The clip's picture at source frame `frame` with its looks applied (the same picture when
    it has none that do anything)."""
    stack = active(clip)
    if not stack:
        return picture
    planes = _Planes(picture)
    rgb: np.ndarray | None = None  # held across a run of RGB looks: one round trip per run
    for effect in stack:
        kind = looks.kind_of(effect)
        values = looks.params(effect)
        curves = kind == "colour" and _curves_needed(values)
        if kind in _RGB_KINDS or curves:
            if rgb is None:
                rgb = planes.rgb()
            rgb = _lut(rgb, effect, values) if kind == "lut" else cv2.LUT(rgb, _curve_table(values))
            if kind == "lut" or values["saturation"] == 1.0:
                continue
        if rgb is not None:
            planes.set_rgb(rgb)
            rgb = None
        _YUV_LOOKS[kind](planes, values, frame)
    if rgb is not None:
        planes.set_rgb(rgb)
    return planes.picture()


# colour ---------------------------------------------------------------------------------------


def _curves_needed(values: dict[str, float]) -> bool:
    return any(values[p.name] != p.default for p in looks.KINDS["colour"][1] if p.name != "saturation")


def white_balance(temperature: float, tint: float) -> tuple[float, float, float]:
    """Linear-light channel gains: warmer raises red and lowers blue, positive tint is magenta."""
    t, g = temperature / 100.0, tint / 100.0
    return 1.0 + 0.3 * t, 1.0 - 0.3 * g, 1.0 - 0.3 * t


def _curve_table(values: dict[str, float]) -> np.ndarray:
    return _curve_table_cached(tuple(sorted(values.items())))


@lru_cache(maxsize=64)
def _curve_table_cached(items: tuple[tuple[str, float], ...]) -> np.ndarray:
    """The colour grade's per-channel curves on 8-bit R'G'B', as one (1, 256, 3) table.

    White balance and exposure act on linear light; lift, gamma and gain on
    the display-referred value, as colourists' wheels do:
    out = (gain * (x + lift * (1 - x))) ** (1 / gamma).
    """
    values = dict(items)
    x = np.arange(256, dtype=np.float64) / 255.0
    balance = white_balance(values["temperature"], values["tint"])
    table = np.empty((1, 256, 3), np.uint8)
    for c, channel in enumerate("rgb"):
        linear = x**DISPLAY_GAMMA * balance[c] * 2.0 ** values["exposure"]
        v = np.clip(linear, 0.0, 1.0) ** (1.0 / DISPLAY_GAMMA)
        lift, gamma, gain = (values[f"{w}_{channel}"] for w in ("lift", "gamma", "gain"))
        v = np.clip(gain * (v + lift * (1.0 - v)), 0.0, 1.0) ** (1.0 / gamma)
        table[0, :, c] = np.clip(np.rint(v * 255.0), 0, 255).astype(np.uint8)
    return table


def _saturation(planes: _Planes, values: dict[str, float], frame: int) -> None:
    scale = values["saturation"]
    if scale != 1.0:
        planes.u, planes.v = (_towards_grey(c, scale) for c in (planes.u, planes.v))


def _towards_grey(chroma: np.ndarray, scale: float) -> np.ndarray:
    return cv2.addWeighted(chroma, scale, chroma, 0.0, 128.0 * (1.0 - scale))


def _black_and_white(planes: _Planes, values: dict[str, float], frame: int) -> None:
    keep = 1.0 - values["amount"]
    planes.u, planes.v = (_towards_grey(c, keep) for c in (planes.u, planes.v))


# LUT ------------------------------------------------------------------------------------------

_ocio_lock = threading.Lock()


def _lut(rgb: np.ndarray, effect: otio.schema.Effect, values: dict[str, float]) -> np.ndarray:
    path = looks.lut_path(effect)
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise MediaError(f"LUT file not found: {path}") from error
    processor = _processor(path, stat.st_mtime_ns, stat.st_size)
    out = np.ascontiguousarray(rgb).copy()
    import PyOpenColorIO as ocio

    height, width = out.shape[:2]
    desc = ocio.PackedImageDesc(out, width, height, 3, ocio.BIT_DEPTH_UINT8, 1, 3, width * 3)
    processor.apply(desc)
    mix = values["mix"]
    return out if mix >= 1.0 else cv2.addWeighted(rgb, 1.0 - mix, out, mix, 0.0)


@lru_cache(maxsize=16)
def _processor(path: str, mtime_ns: int, size: int) -> object:
    """OpenColorIO's 8-bit CPU processor for a .cube file (tetrahedral for 3D LUTs), read once."""
    import PyOpenColorIO as ocio

    with _ocio_lock:
        try:
            transform = ocio.FileTransform(src=path, interpolation=ocio.INTERP_BEST)
            config = ocio.Config.CreateRaw()
            return config.getProcessor(transform).getOptimizedCPUProcessor(
                ocio.BIT_DEPTH_UINT8, ocio.BIT_DEPTH_UINT8, ocio.OPTIMIZATION_DEFAULT
            )
        except Exception as error:  # OCIO raises its own exception type for any unreadable file
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise MediaError(f"Cannot read the LUT {Path(path).name}: {first}") from error


def check_lut_file(path: str) -> None:
    """Parse a LUT file now, so a bad one is refused when chosen rather than at export."""
    stat = Path(path).stat()
    _processor(path, stat.st_mtime_ns, stat.st_size)


# grain ----------------------------------------------------------------------------------------

_MARGIN = 64  # the grain field is this much larger than the frame; each frame reads it from an offset
GRAIN_SIGMA = 28.0  # code values of luma noise at amount 1


def _frame_rng(seed: float, frame: int, salt: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), int(frame) & 0xFFFFFFFF, salt])


@lru_cache(maxsize=8)
def _grain_field(width: int, height: int, size: float, seed: int, amount: float) -> np.ndarray:
    """Gaussian grain of unit spread scaled to `amount`, as int16 code values, blurred to the grain's
    size (in pixels at 1080 lines, scaled to the frame) and made once per frame size."""
    rng = np.random.default_rng([seed, 0x6A41])
    field = rng.standard_normal((height + _MARGIN, width + _MARGIN), dtype=np.float32)
    sigma = 0.5 * size * height / 1080.0
    if sigma > 0.3:
        field = cv2.GaussianBlur(field, (0, 0), sigma)
        field /= max(float(field.std()), 1e-6)
    return np.rint(field * (GRAIN_SIGMA * amount)).astype(np.int16)


def _grain(planes: _Planes, values: dict[str, float], frame: int) -> None:
    field = _grain_field(planes.width, planes.height, values["size"], int(values["seed"]), values["amount"])
    dy, dx = _frame_rng(values["seed"], frame, 1).integers(0, _MARGIN, 2)
    noise = field[dy : dy + planes.height, dx : dx + planes.width]
    planes.y = cv2.add(planes.y, noise, dtype=cv2.CV_8U)


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


_YUV_LOOKS = {
    "colour": _saturation,
    "grain": _grain,
    "vignette": _vignette,
    "blur": _blur,
    "vhs": _vhs,
    "bw": _black_and_white,
}
