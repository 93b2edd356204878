"""Pointwise colour looks (grade, LUT, black & white) baked into one table from YUV to YUV.

A run of looks that each map one colour to another, whatever the pixels
around it, is a function of a pixel's (Y, U, V) alone. Evaluating it on every
pixel of every frame costs two colour conversions and a 3D LUT lookup per
pixel; evaluating it once on all 2^24 8-bit YUV triples and looking each
frame's pixels up costs one gather per pixel. The table is baked once per
run of settings (a fraction of a second) and shared by every frame and clip
with the same grade, so an export of a graded edit pays for the grade about
once. Luma is looked up per pixel with its block's chroma; chroma per 2x2
block with the block's mean luma, as 4:2:0 stores it.

The function itself: BT.709 limited-range YUV to full-range 8-bit R'G'B'
(OpenCV's SIMD matrix transform), per-channel curves for white balance,
exposure and lift/gamma/gain (256-entry tables), .cube LUTs through
OpenColorIO's 8-bit CPU processor (cached per file), and back; saturation
and black & white scale chroma towards grey. Linear light, for exposure and
white balance, is the BT.1886 display curve (a pure 2.4 power): +1 stop
doubles the light the display gives off.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from engine.errors import MediaError

DISPLAY_GAMMA = 2.4
KR, KB = 0.2126, 0.0722
KG = 1.0 - KR - KB
POINTWISE = frozenset({"colour", "lut", "bw"})
_WHEELS = ("lift", "gamma", "gain")

#: One pointwise look as the table needs it: kind, its parameters (sorted), and for a LUT the
#: file with its modification time and size, so an edited .cube file is read again.
Step = tuple[str, tuple[tuple[str, float], ...], tuple[str, int, int] | None]


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


def lut_step(path: str) -> tuple[str, int, int]:
    try:
        stat = Path(path).stat()
    except OSError as error:
        raise MediaError(f"LUT file not found: {path}") from error
    return path, stat.st_mtime_ns, stat.st_size


# the function --------------------------------------------------------------------------------


def curves_needed(values: Mapping[str, float]) -> bool:
    neutral = {"exposure": 0.0, "temperature": 0.0, "tint": 0.0}
    neutral |= {f"{w}_{c}": (0.0 if w == "lift" else 1.0) for w in _WHEELS for c in "rgb"}
    return any(values[name] != value for name, value in neutral.items())


def white_balance(temperature: float, tint: float) -> tuple[float, float, float]:
    """Linear-light channel gains: warmer raises red and lowers blue, positive tint is magenta."""
    t, g = temperature / 100.0, tint / 100.0
    return 1.0 + 0.3 * t, 1.0 - 0.3 * g, 1.0 - 0.3 * t


def curve_table(values: Mapping[str, float]) -> np.ndarray:
    """The colour grade's per-channel curves on 8-bit R'G'B', as one (1, 256, 3) table.

    White balance and exposure act on linear light; lift, gamma and gain on
    the display-referred value, as colourists' wheels do:
    out = (gain * (x + lift * (1 - x))) ** (1 / gamma).
    """
    x = np.arange(256, dtype=np.float64) / 255.0
    balance = white_balance(values["temperature"], values["tint"])
    table = np.empty((1, 256, 3), np.uint8)
    for c, channel in enumerate("rgb"):
        linear = x**DISPLAY_GAMMA * balance[c] * 2.0 ** values["exposure"]
        v = np.clip(linear, 0.0, 1.0) ** (1.0 / DISPLAY_GAMMA)
        lift, gamma, gain = (values[f"{w}_{channel}"] for w in _WHEELS)
        v = np.clip(gain * (v + lift * (1.0 - v)), 0.0, 1.0) ** (1.0 / gamma)
        table[0, :, c] = np.clip(np.rint(v * 255.0), 0, 255).astype(np.uint8)
    return table


_ocio_lock = threading.Lock()


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


def _apply_lut(rgb: np.ndarray, file: tuple[str, int, int], mix: float) -> np.ndarray:
    import PyOpenColorIO as ocio

    processor = _processor(*file)
    out = np.ascontiguousarray(rgb).copy()
    height, width = out.shape[:2]
    processor.apply(ocio.PackedImageDesc(out, width, height, 3, ocio.BIT_DEPTH_UINT8, 1, 3, width * 3))
    return out if mix >= 1.0 else cv2.addWeighted(rgb, 1.0 - mix, out, mix, 0.0)


def _towards_grey(yuv: np.ndarray, scale: float) -> None:
    chroma = (yuv[:, :, 1:].astype(np.float32) - 128.0) * scale + 128.5
    yuv[:, :, 1:] = np.clip(chroma, 0, 255).astype(np.uint8)


def run_on(yuv: np.ndarray, steps: Sequence[Step]) -> np.ndarray:
    """The pointwise looks applied to (h, w, 3) full-resolution YUV pixels, in order."""
    rgb: np.ndarray | None = None  # held across consecutive RGB steps: one round trip per run
    for kind, items, file in steps:
        values = dict(items)
        curves = kind == "colour" and curves_needed(values)
        if kind == "lut" or curves:
            rgb = cv2.transform(yuv, YUV_TO_RGB) if rgb is None else rgb
            if kind == "lut":
                assert file is not None
                rgb = _apply_lut(rgb, file, values["mix"])
                continue
            rgb = cv2.LUT(rgb, curve_table(values))
            if values["saturation"] == 1.0:
                continue
        if rgb is not None:
            yuv, rgb = cv2.transform(rgb, RGB_TO_YUV), None
        scale = values["saturation"] if kind == "colour" else 1.0 - values["amount"]
        if scale != 1.0:
            yuv = yuv.copy()
            _towards_grey(yuv, scale)
    return cv2.transform(rgb, RGB_TO_YUV) if rgb is not None else yuv


# the table -------------------------------------------------------------------------------------

_CHUNK = 16  # U values per bake step: 16 x 65536 pixels, about 3 MB at a time


@lru_cache(maxsize=4)
def baked(steps: tuple[Step, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Y', U', V') tables, each indexed by U << 16 | V << 8 | Y: 16 MB apiece.

    Chroma-major, so the four pixels of a 2x2 block, which share their chroma,
    look up within one 256-byte stretch of each table rather than 64 kB apart.
    """
    vy = np.arange(65536, dtype=np.uint32)
    v, y = (vy >> 8).astype(np.uint8), (vy & 255).astype(np.uint8)
    tables = [np.empty(1 << 24, np.uint8) for _ in range(3)]
    for first in range(0, 256, _CHUNK):
        u = np.repeat(np.arange(first, first + _CHUNK, dtype=np.uint8), 65536)
        yuv = np.stack([np.tile(y, _CHUNK), u, np.tile(v, _CHUNK)], axis=-1).reshape(_CHUNK * 256, 256, 3)
        out = run_on(yuv, steps).reshape(-1, 3)
        lo, hi = first << 16, (first + _CHUNK) << 16
        for c in range(3):
            tables[c][lo:hi] = out[:, c]
    return tables[0], tables[1], tables[2]


def apply_table(
    y: np.ndarray, u: np.ndarray, v: np.ndarray, steps: tuple[Step, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """New (Y, U, V) planes of a 4:2:0 picture through the run's table."""
    ty, tu, tv = baked(steps)
    height, width = y.shape
    uv = (u.astype(np.uint32) << 16) | (v.astype(np.uint32) << 8)
    index = cv2.resize(uv.view(np.int32), (width, height), interpolation=cv2.INTER_NEAREST).view(np.uint32)
    index |= y
    uv |= cv2.resize(y, (width // 2, height // 2), interpolation=cv2.INTER_AREA)  # the block's mean luma
    return ty.take(index), tu.take(uv), tv.take(uv)
