"""A sped-up or slowed-down clip's sound, its pitch kept (Rubber Band, through pedalboard).

The mixer asks for sound in small blocks, and stretching each block on its
own would click at every block edge (each stretch starts with its own
phase). So a clip's stretched sound is made in one-second chunks counted
from the clip's start, each from a little more source than it needs (context
for the stretcher on both sides), kept while the mix reads through it, and
each chunk's first samples cross-fade from the end of the one before: the
joins are inaudible and every block of a chunk is the same sound whatever
block size the reader uses. Output sample ``v`` of a clip (counted from its
first sample) plays source sample ``base + v * speed``.
"""

from __future__ import annotations

import math
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from fractions import Fraction

import numpy as np

from engine.media.audio import AudioReader

#: Output samples per stretched chunk (one second at 48 kHz).
CHUNK = 48000
#: Output samples over which a chunk fades in over the end of the previous one.
CROSSFADE = 1024
#: Source samples stretched on each side of a chunk: context for the stretcher.
MARGIN = 4096
SAMPLE_RATE = 48000
#: Stretched chunks kept per render (a dissolve reads two clips, each one or two chunks at a time).
KEPT_CHUNKS = 8


class Stretcher:
    """Stretched reads for the clips of one render."""

    def __init__(self) -> None:
        self._chunks: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._windows: dict[Hashable, tuple[int, np.ndarray]] = {}

    def read(
        self,
        key: Hashable,
        reader: AudioReader,
        base: int,
        offset: int,
        count: int,
        speed: Fraction,
        piece: int = 0,
    ) -> np.ndarray:
        """Output samples [offset, offset + count) of a clip whose output sample 0 plays source
        sample `base`, at `speed`: (count, 2) float32. `piece` > 0: a speed ramp's piece of that
        many samples, stretched in chunks of its own size, its head cross-faded by the caller."""
        size = piece or CHUNK
        out = np.zeros((max(count, 0), 2), np.float32)
        position = offset
        while position < offset + count:
            index = position // size
            chunk = self._chunk(key, reader, base, index, speed, size)
            lo = position - index * size
            take = min(size - lo, offset + count - position)
            out[position - offset : position - offset + take] = chunk[lo : lo + take]
            position += take
        return out

    def _chunk(
        self, key: Hashable, reader: AudioReader, base: int, index: int, speed: Fraction, size: int = CHUNK
    ) -> np.ndarray:
        """Output [index*size, (index+1)*size) of the clip, its head cross-faded from the previous chunk
        (a ramp piece's first chunk excepted: the pieces cross-fade into each other themselves)."""
        name = (key, base, speed, size, index)
        if name in self._chunks:
            self._chunks.move_to_end(name)
            return self._chunks[name]
        raw = self._stretched(key, reader, base, index, speed, size)
        chunk = raw[:size].copy()
        if not (size != CHUNK and index == 0):
            previous = self._chunks.get((key, base, speed, size, index - 1, "tail"))
            if previous is None:  # a seek: the same join as playing through, so every read agrees
                previous = self._stretched(key, reader, base, index - 1, speed, size)[size:]
            ramp = ((np.arange(CROSSFADE, dtype=np.float32) + 0.5) / CROSSFADE)[:, None]
            chunk[:CROSSFADE] = previous * (1 - ramp) + chunk[:CROSSFADE] * ramp
        self._chunks[name] = chunk
        self._chunks[(key, base, speed, size, index, "tail")] = raw[size : size + CROSSFADE]
        while len(self._chunks) > 2 * KEPT_CHUNKS:
            self._chunks.popitem(last=False)
        return chunk

    def _stretched(
        self, key: Hashable, reader: AudioReader, base: int, index: int, speed: Fraction, size: int = CHUNK
    ) -> np.ndarray:
        """Output [index*size, (index+1)*size + CROSSFADE) stretched from its source and margins."""
        first = index * size
        length = size + CROSSFADE
        lo = base + math.floor(first * speed) - MARGIN
        hi = base + math.ceil((first + length) * speed) + MARGIN
        source = self._source(key, reader, lo, hi)
        import pedalboard  # a native library: loaded only when a clip plays at another speed

        stretched = pedalboard.time_stretch(
            np.ascontiguousarray(source.T), SAMPLE_RATE, stretch_factor=float(speed)
        ).T
        skip = round(MARGIN / speed)
        kept = np.zeros((length, 2), np.float32)
        part = stretched[skip : skip + length]
        kept[: len(part)] = part
        return kept

    def _source(self, key: Hashable, reader: AudioReader, lo: int, hi: int) -> np.ndarray:
        """Source samples [lo, hi), reusing the part of the last window read for this clip."""
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
