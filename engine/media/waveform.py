"""Waveform peaks of a file's sound: what an audio clip draws, at any zoom, without decoding again.

A peak is the (lowest, highest) sample value in a bucket of `samples_per_peak`
samples of the project's 48 kHz sound, bucket i covering samples
[i * samples_per_peak, (i + 1) * samples_per_peak) from the file's start (the
origin `AudioReader` and `VideoDecoder` share, so a waveform lines up with the
picture). The default of 480 is 10 ms, finer than a frame, which is as far as a
timeline zooms in.

One lane per clip, both channels in it: each bucket holds the extremes of
either channel rather than of a mono mixdown, because a mixdown halves sound
that is on one side only and cancels sound that is out of phase, and an editor
looking for a clap or for clipping needs to see what the speakers will play.

Zoomed out, `reduce_peaks` folds neighbouring buckets together; it is exact
(reducing 480-sample peaks by 10 equals computing 4800-sample peaks) and costs
a pass over the array, so only the finest level is computed and cached.
"""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np

from engine.errors import MediaError
from engine.media.audio import AudioReader
from engine.media.diskcache import DiskCache, SourceKey

#: Bumped whenever the peaks would come out differently, so old entries are never drawn.
FORMAT = 1
DEFAULT_SAMPLES_PER_PEAK = 480
#: Samples read at a time: about 1.4 s, half a megabyte, whatever the file's length or bucket size.
BLOCK_SAMPLES = 1 << 16
#: An hour of sound is under 3 MB of peaks, so this holds hundreds of hours.
CACHE = DiskCache("waveforms", max_megabytes=256)


def peaks(path: str | os.PathLike[str], samples_per_peak: int = DEFAULT_SAMPLES_PER_PEAK) -> np.ndarray:
    """float32 (n, 2) of (min, max) per bucket over the whole sound, n = ceil(samples / samples_per_peak).

    The sound's length is the one the file states; a file that states none
    (Matroska often) is read to the end of its sound. A file without sound, or
    that cannot be read, raises `MediaError`.
    """
    if samples_per_peak < 1:
        raise ValueError(f"a peak covers at least one sample, not {samples_per_peak}")
    source = SourceKey.of(path)
    params = f"v{FORMAT};spp={samples_per_peak}"
    cached = CACHE.get(source, params, valid=_is_peaks)
    if cached is not None:
        return cached
    try:
        result = _compute(path, samples_per_peak)
    except (av.FFmpegError, OSError, ValueError) as error:
        raise MediaError(f"{Path(path).name}: its sound cannot be read ({error})") from None
    if source.still_current():  # peaks of a file rewritten mid-read match neither version
        CACHE.put(source, params, result)
    return result


def reduce_peaks(peaks: np.ndarray, factor: int) -> np.ndarray:
    """Peaks `factor` times coarser: bucket i folds buckets [i * factor, (i + 1) * factor) together.

    The last bucket takes whatever is left, so nothing at the end of a file is dropped.
    """
    if factor < 1:
        raise ValueError(f"a reduction factor is at least 1, not {factor}")
    if factor == 1 or len(peaks) == 0:
        return peaks.copy()
    starts = np.arange(0, len(peaks), factor)
    return np.stack(
        [np.minimum.reduceat(peaks[:, 0], starts), np.maximum.reduceat(peaks[:, 1], starts)], axis=1
    ).astype(np.float32, copy=False)


def _is_peaks(array: np.ndarray) -> bool:
    return array.dtype == np.float32 and array.ndim == 2 and array.shape[1] == 2


def _compute(path: str | os.PathLike[str], samples_per_peak: int) -> np.ndarray:
    """Stream the sound block by block, folding each block into its buckets as it goes.

    A bucket can straddle two blocks (or many, when buckets are longer than a
    block): its part in the new block is merged into the one already kept.
    """
    lows: list[np.ndarray] = []
    highs: list[np.ndarray] = []
    with AudioReader(path) as reader:
        stated = reader.duration_samples
        position = 0
        while True:
            if stated is not None:
                count = min(BLOCK_SAMPLES, stated - position)
            else:
                end = reader.end_sample
                count = BLOCK_SAMPLES if end is None else min(BLOCK_SAMPLES, end - position)
            if count <= 0:
                break
            block = reader.read(position, count)
            if stated is None and reader.end_sample is not None:
                block = block[: max(0, reader.end_sample - position)]  # silence past the end is not sound
                if not len(block):
                    break
            low, high = block.min(axis=1), block.max(axis=1)
            # where each bucket begins within this block; the first may have begun in an earlier one
            first_whole = -position % samples_per_peak
            boundaries = np.arange(first_whole or samples_per_peak, len(block), samples_per_peak)
            starts = np.concatenate(([0], boundaries))
            block_lows = np.minimum.reduceat(low, starts)
            block_highs = np.maximum.reduceat(high, starts)
            if first_whole and lows:
                lows[-1][-1] = min(lows[-1][-1], block_lows[0])
                highs[-1][-1] = max(highs[-1][-1], block_highs[0])
                block_lows, block_highs = block_lows[1:], block_highs[1:]
            if len(block_lows):  # empty when the whole block went into a bucket begun earlier
                lows.append(block_lows)
                highs.append(block_highs)
            position += len(block)
    if not lows:
        return np.zeros((0, 2), np.float32)
    return np.stack([np.concatenate(lows), np.concatenate(highs)], axis=1).astype(np.float32)
