"""Options for writing MP4 files whose durations read back exactly.

An MP4 states its length in an edit list counted in the movie's time
scale, which FFmpeg sets to 1000 (milliseconds) unless told otherwise. A
103-frame shot at 30 fps lasts 3.4333... s, written as 3433 ms, and read
back as a stream 102.99 frames long. With the movie time scale a multiple
of the frame rate's numerator (and of the sample rate when there is sound)
every duration in the file is a whole number of ticks, so what Shotline
writes, Shotline (and any other reader) measures to the frame.
"""

from __future__ import annotations

import math
from fractions import Fraction


def exact_mp4_options(rate: Fraction, sample_rate: int | None = None) -> dict[str, str]:
    """Muxer options for an MP4 with picture at `rate` (and sound at `sample_rate`)."""
    scale = Fraction(rate).numerator
    if sample_rate:
        scale = math.lcm(scale, sample_rate)
    return {"movie_timescale": str(scale)}
