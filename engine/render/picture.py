"""Pictures at the project's size in the encoder's own pixel format, and the arithmetic on them.

The compositor works in 8-bit YUV 4:2:0 (limited range), which is what
H.264 sources decode to and what the encoder takes: a shot that passes
through a cut untouched goes from decoder to encoder without a round trip
through RGB, which would cost two colour conversions per frame and most of
an export's time. Pictures are BT.709, limited range. Blends and fades are linear, so doing them in YUV gives
the same picture as in RGB, with black at Y=16, U=V=128.

A `Picture` holds the three planes in one flat buffer laid out as I420 (all
of Y, then U, then V), which is exactly what PyAV's ``yuv420p`` ndarray
form is, so handing it to the encoder or converting it for the screen is
one call.
"""

from __future__ import annotations

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from engine.media.video import upright_rgb

BLACK_Y, BLACK_C = 16, 128
#: The project's colour matrix: HD video's (BT.709), used both ways for pictures that start or
#: end as RGB (stills, the screen), and tagged on exports. YUV sources pass through unconverted.
MATRIX = Colorspace.ITU709
FIT, CROP = "fit", "crop"
#: Scaler used to fit sources to the frame: the one ffmpeg's own scale filter uses by default.
INTERPOLATION = "BICUBIC"


class Picture:
    """One composed picture, held either as a flat I420 array or as the decoded frame itself.

    A source frame that already has the project's size and format passes
    through the compositor untouched; keeping the decoder's frame (rather
    than copying its planes into an array and back into a new frame) saves
    two full-frame copies per frame on an export's commonest path. The
    array is made only when something asks for the pixels.
    """

    __slots__ = ("_data", "_frame", "height", "width")

    def __init__(
        self, width: int, height: int, data: np.ndarray | None = None, frame: av.VideoFrame | None = None
    ) -> None:
        if (data is None) == (frame is None):
            raise ValueError("A picture holds either pixels or a frame")
        self.width, self.height = width, height
        self._data, self._frame = data, frame

    @property
    def data(self) -> np.ndarray:
        """uint8, flat I420: Y (h*w), U (h/2*w/2), V (h/2*w/2); treat as read-only."""
        if self._data is None:
            self._data = self._frame.to_ndarray().reshape(-1)
        return self._data

    @property
    def nbytes(self) -> int:
        """Bytes of pixels held, for caches with a size limit."""
        return self.width * self.height * 3 // 2

    @property
    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        w, h = self.width, self.height
        luma, chroma = w * h, (w // 2) * (h // 2)
        flat = self.data
        return (
            flat[:luma].reshape(h, w),
            flat[luma : luma + chroma].reshape(h // 2, w // 2),
            flat[luma + chroma :].reshape(h // 2, w // 2),
        )

    def to_frame(self) -> av.VideoFrame:
        """A PyAV yuv420p frame holding exactly these pixels: for a passed-through source, the
        decoder's own frame (shared: restore its pts after changing it)."""
        if self._frame is not None:
            return self._frame
        return av.VideoFrame.from_ndarray(
            self.data.reshape(self.height * 3 // 2, self.width), format="yuv420p"
        )

    def to_rgb(self) -> np.ndarray:
        """RGB (h, w, 3) uint8 for the screen; the same pixels the encoder receives."""
        rgb = self.to_frame().reformat(
            format="rgb24",
            src_colorspace=MATRIX,
            dst_colorspace=MATRIX,
            src_color_range=ColorRange.MPEG,
            dst_color_range=ColorRange.JPEG,
        )
        return rgb.to_ndarray()


def frame_from_rgb(rgb: np.ndarray) -> av.VideoFrame:
    """An RGB image as a BT.709 limited-range YUV 4:2:0 frame, the way HD video stores it.

    For writing video from pictures (the demo, generated shots): left to the
    encoder, RGB would be converted with the SD matrix and play back tinted.
    """
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    return frame.reformat(
        format="yuv420p",
        src_colorspace=MATRIX,
        dst_colorspace=MATRIX,
        src_color_range=ColorRange.JPEG,
        dst_color_range=ColorRange.MPEG,
    )


def tag_bt709(stream: av.VideoStream) -> None:
    """Mark an output stream as BT.709 limited range, so players decode it with the matrix it has."""
    context = stream.codec_context
    context.colorspace = int(Colorspace.ITU709)
    context.color_range = int(ColorRange.MPEG)
    context.color_primaries = 1  # BT.709
    context.color_trc = 1  # BT.709


def _source_range(frame: av.VideoFrame) -> ColorRange:
    """The range a frame's values use: RGB and JPEG-style YUV are full, untagged video is limited."""
    if frame.format.name.startswith(("rgb", "bgr", "gbr", "yuvj", "gray")) or frame.format.name in ("pal8",):
        return ColorRange.JPEG
    return ColorRange.JPEG if int(frame.color_range) == int(ColorRange.JPEG) else ColorRange.MPEG


def check_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    if width < 2 or height < 2 or width % 2 or height % 2:
        raise ValueError(f"A frame size must be even in both directions, not {width}x{height}")
    return width, height


def black(size: tuple[int, int]) -> Picture:
    width, height = check_size(size)
    luma, chroma = width * height, (width // 2) * (height // 2)
    data = np.empty(luma + 2 * chroma, np.uint8)
    data[:luma] = BLACK_Y
    data[luma:] = BLACK_C
    return Picture(width, height, data)


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def placement(source: tuple[int, int], size: tuple[int, int], fit: str) -> tuple[int, int]:
    """The (even) size a displayed source of `source` pixels is scaled to in a `size` frame.

    Fit letterboxes (the whole picture shows, bars where the shape differs);
    crop fills the frame and loses what overhangs. A source that already has
    the frame's size is not scaled at all.
    """
    sw, sh = source
    width, height = size
    if (sw, sh) == (width, height):
        return width, height
    scale = min(width / sw, height / sh) if fit == FIT else max(width / sw, height / sh)
    scaled = (_even(sw * scale), _even(sh * scale))
    if fit == FIT:
        return min(scaled[0], width), min(scaled[1], height)
    return max(scaled[0], width), max(scaled[1], height)


def from_frame(frame: av.VideoFrame, rotation: int, size: tuple[int, int], fit: str = FIT) -> Picture:
    """A decoded frame, turned upright and fitted (or cropped) into a `size` picture."""
    width, height = check_size(size)
    displayed = (frame.height, frame.width) if rotation in (90, 270) else (frame.width, frame.height)
    tw, th = placement(displayed, (width, height), fit)
    if any(c.is_alpha for c in frame.format.components):
        # a still with transparency: over black, as every frame leaving the compositor is opaque
        rgb = upright_rgb(frame, rotation, (tw, th))
        frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        rotation = 0
    coded = (th, tw) if rotation in (90, 270) else (tw, th)
    scaled = frame.reformat(
        width=coded[0],
        height=coded[1],
        format="yuv420p",
        interpolation=INTERPOLATION,
        src_colorspace=MATRIX,
        dst_colorspace=MATRIX,
        src_color_range=_source_range(frame),
        dst_color_range=ColorRange.MPEG,
    )
    if (tw, th) == (width, height) and not rotation:
        return Picture(width, height, frame=scaled)
    flat = scaled.to_ndarray().reshape(-1)
    planes = _split(flat, *coded)
    if rotation:
        turns = rotation // 90
        planes = tuple(np.rot90(p, turns) for p in planes)
    if (tw, th) == (width, height):
        return Picture(width, height, np.concatenate([p.reshape(-1) for p in planes]))
    canvas = black((width, height))
    for src, dst in zip(planes, canvas.planes, strict=True):
        _paste_centered(src, dst)
    return canvas


def _split(flat: np.ndarray, width: int, height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return Picture(width, height, flat).planes


def _paste_centered(src: np.ndarray, dst: np.ndarray) -> None:
    """Copy `src` into the middle of `dst`, cropping whatever overhangs (both may be either larger)."""
    sh, sw = src.shape
    dh, dw = dst.shape
    h, w = min(sh, dh), min(sw, dw)
    sy, sx = (sh - h) // 2, (sw - w) // 2
    dy, dx = (dh - h) // 2, (dw - w) // 2
    dst[dy : dy + h, dx : dx + w] = src[sy : sy + h, sx : sx + w]


def mix(pictures: list[tuple[Picture, float]], size: tuple[int, int]) -> Picture:
    """Weighted sum of pictures over black: a dissolve (weights summing to 1), a fade (below 1).

    Works on the distance from black in each plane, so a weight of 0.5 on
    one picture alone is that picture half-way to black, in every plane.
    """
    if len(pictures) == 1 and pictures[0][1] >= 1.0:
        return pictures[0][0]
    result = black(size)
    if not pictures:
        return result
    luma = size[0] * size[1]
    zero = np.empty_like(result.data, dtype=np.float32)
    zero[:luma] = BLACK_Y
    zero[luma:] = BLACK_C
    total = zero.copy()
    for picture, weight in pictures:
        if weight > 0:
            total += np.float32(weight) * (picture.data.astype(np.float32) - zero)
    np.clip(total + np.float32(0.5), 0, 255, out=total)
    result.data[:] = total.astype(np.uint8)
    return result
