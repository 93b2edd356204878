"""What every inpaint backend does around its fill: read the clip, read the masks, paste the fill back.

Whatever fills the hole (optical flow and OpenCV, or a diffusion model at
its own size), the promise to the user is the same: outside the mask the
output is the source, pixel for pixel before encoding. So every backend
ends with `composite`: the fill blended over the source by the (feathered)
mask, which leaves a pixel whose mask is 0 untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

import numpy as np

from engine.errors import GenerateError, MediaError
from engine.generate.inpaint.request import InpaintRequest
from engine.masks.sequence import MaskSequence
from engine.media.video import VideoDecoder, upright_rgb


class ClipWindow:
    """The request's source frames (0 = its first) and their masks, decoded forward, a few kept.

    Frames of the media just before or after the range can be asked for too
    (negative indices, or `count` and on): they may show what a hole hides.

    Temporal filling looks a few frames back and ahead; keeping only that
    window bounds memory whatever the clip's length (25 frames at 1080p
    are about 150 MB).
    """

    def __init__(self, request: InpaintRequest, masks: MaskSequence) -> None:
        self.request = request
        self.masks = masks
        self.count = request.frames
        # frames of the media around the range may be looked at too (request frame -1 is media start-1)
        self.first = -request.start
        self.end = max(request.frames, request.media_frames - request.start)
        try:
            self._decoder = VideoDecoder(request.input)
        except MediaError as error:
            raise GenerateError(f"The input cannot be decoded: {error}") from None
        self._frames: dict[int, np.ndarray] = {}
        self._alphas: dict[int, np.ndarray] = {}

    def close(self) -> None:
        self._decoder.close()

    def __enter__(self) -> ClipWindow:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, index: int) -> bool:
        """Whether request frame `index` (negative: before the range) is a frame of the media."""
        return self.first <= index < self.end

    def frame(self, index: int) -> np.ndarray:
        """RGB (h, w, 3) of request frame `index`, upright, at the media's size."""
        if index not in self._frames:
            seconds = Fraction(self.request.start + index) / self.request.rate
            try:
                decoded = self._decoder.frame_at(seconds)
            except MediaError as error:
                raise GenerateError(f"The input cannot be decoded: {error}") from None
            self._frames[index] = upright_rgb(decoded, self._decoder.rotation, self.request.size)
        return self._frames[index]

    def alpha(self, index: int) -> np.ndarray:
        """The mask at request frame `index` (0..255, feather and invert applied)."""
        if index not in self._alphas:
            self._alphas[index] = self.masks.mask_at(self.request.start + index)
        return self._alphas[index]

    def forget_before(self, index: int) -> None:
        for old in [i for i in self._frames if i < index]:
            del self._frames[old]
        for old in [i for i in self._alphas if i < index]:
            del self._alphas[old]

    def frames(self) -> Iterator[np.ndarray]:
        """Every source frame in order, forgetting each once it has been handed out."""
        for index in range(self.count):
            yield self.frame(index)
            self.forget_before(index + 1)


def composite(source: np.ndarray, fill: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """`fill` over `source` by `alpha` (0..255): where alpha is 0 the result IS the source."""
    if fill.shape != source.shape:
        raise GenerateError(f"A fill of {fill.shape[1::-1]} does not fit a frame of {source.shape[1::-1]}")
    out = source.copy()
    touched = alpha > 0
    weight = alpha[touched].astype(np.float32)[:, None] / 255.0
    under = source[touched].astype(np.float32)
    out[touched] = np.clip(under + (fill[touched] - under) * weight + 0.5, 0, 255).astype(np.uint8)
    return out


def hole_box(hole: np.ndarray, margin: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the True pixels of `hole`, grown by `margin`, inside the frame."""
    rows = np.flatnonzero(hole.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(hole.any(axis=0))
    height, width = hole.shape
    return (
        max(0, int(cols[0]) - margin),
        max(0, int(rows[0]) - margin),
        min(width, int(cols[-1]) + 1 + margin),
        min(height, int(rows[-1]) + 1 + margin),
    )
