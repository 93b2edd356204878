"""A sped-up or slowed-down clip's sound, its pitch kept (Rubber Band, through pedalboard).

The mixer asks for sound block by block. Each block's source samples are
stretched with some source on either side, and only the block's own part of
the result is kept: the stretcher then sees continuous sound across block
edges rather than starting cold at each one. The last source window read per
clip is kept, so reading a little before where the previous block ended
does not make the decoder seek back.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Hashable
from fractions import Fraction

import numpy as np

from engine.media.audio import AudioReader

#: Source samples stretched on each side of a block (85 ms at 48 kHz): context for the stretcher.
MARGIN = 4096
SAMPLE_RATE = 48000


class Stretcher:
    """Stretched reads for the clips of one render, with each clip's last source window kept."""

    def __init__(self) -> None:
        self._windows: dict[Hashable, tuple[int, np.ndarray]] = {}

    def read(
        self, key: Hashable, reader: AudioReader, source_sample: int, count: int, speed: Fraction
    ) -> np.ndarray:
        """`count` output samples (count, 2) float32 that play the source from `source_sample` at `speed`."""
        out = np.zeros((max(count, 0), 2), np.float32)
        if count <= 0:
            return out
        needed = math.ceil(count * speed)
        lo, hi = source_sample - MARGIN, source_sample + needed + MARGIN
        source = self._source(key, reader, lo, hi)
        import pedalboard  # a native library: loaded only when a clip plays at another speed

        stretched = pedalboard.time_stretch(
            np.ascontiguousarray(source.T), SAMPLE_RATE, stretch_factor=float(speed)
        ).T
        skip = round(MARGIN / speed)
        kept = stretched[skip : skip + count]
        out[: len(kept)] = kept
        return out

    def _source(self, key: Hashable, reader: AudioReader, lo: int, hi: int) -> np.ndarray:
        window = self._windows.get(key)
        if window is not None and window[0] <= lo < window[0] + len(window[1]):
            start, kept = window
            have = kept[lo - start : hi - start]
            rest = reader.read(lo + len(have), hi - lo - len(have)) if lo + len(have) < hi else None
            source = have if rest is None else np.concatenate([have, rest])
        else:
            source = reader.read(max(lo, 0), hi - max(lo, 0))
            if lo < 0:  # before the sound: silence, as the reader gives past its end
                source = np.concatenate([np.zeros((-lo, 2), np.float32), source])
        self._windows[key] = (lo, source)
        return source


_stretchers: weakref.WeakKeyDictionary[object, Stretcher] = weakref.WeakKeyDictionary()


def stretcher_for(owner: object) -> Stretcher:
    """The stretcher that lives as long as `owner` (a render's `Sources`)."""
    found = _stretchers.get(owner)
    if found is None:
        found = _stretchers[owner] = Stretcher()
    return found
