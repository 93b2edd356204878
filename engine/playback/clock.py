"""Where playback is: sample counts and wall time turned into project frames, exactly.

Frame ``f`` starts at sample ``round(f * 48000 / rate)`` (`plan.frame_to_sample`,
the rule the mixer and the exporter use), so the frame heard at a sample is
the last frame starting at or before it. The arithmetic is on fractions of
the exact rate, so 29.97 fps does not drift by a frame after an hour.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from fractions import Fraction

from engine.project.document import AUDIO_SAMPLE_RATE
from engine.project.times import rate_fraction
from engine.render.plan import frame_to_sample


def frame_at_sample(sample: int, rate: float | Fraction) -> int:
    """The project frame playing at `sample`: the largest f with frame_to_sample(f) <= sample."""
    exact = rate_fraction(rate)
    # round(f * S / r) <= s  <=>  f * S / r < s + 1/2  (no frame starts exactly half-way)
    bound = (Fraction(sample) + Fraction(1, 2)) * exact / AUDIO_SAMPLE_RATE
    return math.ceil(bound) - 1


def sample_of_frame(frame: int, rate: float | Fraction) -> int:
    return frame_to_sample(frame, float(rate_fraction(rate)))


class WallClock:
    """Frames from elapsed wall time: for shuttle speeds and machines without a sound card."""

    def __init__(
        self, frame: int, speed: int, rate: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._start = frame
        self._speed = speed
        self._rate = rate_fraction(rate)
        self._now = now
        self._t0 = now()

    def position(self) -> Fraction:
        """Frames since the timeline's start, as a fraction (the playhead shows its floor)."""
        elapsed = Fraction(self._now() - self._t0)
        return self._start + self._speed * elapsed * self._rate
