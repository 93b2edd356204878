"""Small upright pictures of a file: one for its media-bin item, a strip along its timeline clips.

A thumbnail is asked for by height, because that is what a bin row or a track
lane fixes; the width follows the picture's displayed aspect (after the
rotation phone footage carries), so a portrait clip gets a narrow thumbnail
instead of a squashed one. Pictures come from `VideoDecoder`, so a thumbnail
at a time is exactly the frame a viewer shows there.

Every picture is kept on disk per (file version, time, height). A filmstrip
stores its frames under the same keys as single thumbnails, so a strip
redrawn after a trim or a scroll only decodes the times it has not seen.
Timeline code gets the most reuse by asking for times on a fixed grid of the
source (whole frames, or whole seconds) rather than at pixel positions.

A sound-only file has no picture: asking for one raises `MediaError`, the
same answer a broken file gets, since the bin should be drawing a waveform or
an icon for it and reaching here is a mistake worth hearing about.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from engine.errors import MediaError
from engine.media.diskcache import DiskCache, SourceKey
from engine.media.video import VideoDecoder, upright_rgb

#: Bumped whenever the pictures would come out differently, so old entries are never shown.
FORMAT = 1
#: A bin of a thousand clips with strips along each is a few hundred megabytes at most.
CACHE = DiskCache("thumbnails", max_megabytes=512)


def thumbnail(path: str | os.PathLike[str], seconds: Fraction, height: int) -> np.ndarray:
    """RGB (height, w, 3) uint8 of the frame shown `seconds` after the file's first frame, upright.

    A still image gives its picture at any time; times before the first frame
    or past the last give those frames, as `VideoDecoder.frame_at` does.
    """
    return filmstrip(path, [seconds], height)[0]


def filmstrip(path: str | os.PathLike[str], times: Sequence[Fraction], height: int) -> list[np.ndarray]:
    """Thumbnails at each of `times` (in the order given), decoded in one forward pass.

    The times not found on disk are decoded in ascending order with a single
    decoder, which reads forward through nearby frames instead of seeking for
    each one (it still jumps when the next time is far ahead, which is cheaper
    than decoding everything in between).
    """
    if height < 1:
        raise ValueError(f"a thumbnail must be at least one pixel high, not {height}")
    source = SourceKey.of(path)
    wanted = [Fraction(t) for t in times]
    found: dict[Fraction, np.ndarray | None] = {}
    for t in wanted:
        if t not in found:
            found[t] = CACHE.get(source, _params(t, height), valid=lambda a: _is_thumbnail(a, height))
    missing = sorted(t for t, image in found.items() if image is None)
    if missing:
        with _readable(path), VideoDecoder(path) as decoder:
            for t in missing:
                frame = decoder.frame_at(t)
                found[t] = upright_rgb(frame, decoder.rotation, size=_size(frame, decoder.rotation, height))
        # a file rewritten while it was being read gave pictures of neither version: keep none
        if source.still_current():
            for t in missing:
                CACHE.put(source, _params(t, height), found[t])
    return [found[t] for t in wanted]


def _params(seconds: Fraction, height: int) -> str:
    return f"v{FORMAT};t={seconds.numerator}/{seconds.denominator};h={height}"


def _is_thumbnail(array: np.ndarray, height: int) -> bool:
    return array.dtype == np.uint8 and array.ndim == 3 and array.shape[0] == height and array.shape[2] == 3


def _size(frame: av.VideoFrame, rotation: int, height: int) -> tuple[int, int]:
    """(w, h) as displayed at `height`, keeping the picture's upright aspect."""
    shown_w, shown_h = (frame.height, frame.width) if rotation in (90, 270) else (frame.width, frame.height)
    return max(1, round(shown_w * height / shown_h)), height


@contextlib.contextmanager
def _readable(path: str | os.PathLike[str]) -> Iterator[None]:
    """Failures deep in FFmpeg (a seek into a damaged stream, an odd pixel format) as `MediaError`."""
    try:
        yield
    except (av.FFmpegError, OSError, ValueError) as error:
        raise MediaError(f"{Path(path).name} is damaged ({error})") from None
