"""Frame-exact time for edit computations.

Every item in a Shotline timeline keeps its ranges at the project rate, so
positions and durations are whole frames. Edit code converts the
`RationalTime` values it is given into integer frames once, at the boundary,
does integer arithmetic, and converts back: no float seconds anywhere.
"""

from __future__ import annotations

import math
from fractions import Fraction

import opentimelineio as otio

from engine.errors import EditError

RationalTime = otio.opentime.RationalTime
TimeRange = otio.opentime.TimeRange

#: The frame rates a project may use, as exact fractions. Float rates such as
#: 29.97 are the NTSC rates 30000/1001 and friends.
ALLOWED_RATES: dict[str, Fraction] = {
    "23.976": Fraction(24000, 1001),
    "24": Fraction(24),
    "25": Fraction(25),
    "29.97": Fraction(30000, 1001),
    "30": Fraction(30),
    "50": Fraction(50),
    "59.94": Fraction(60000, 1001),
    "60": Fraction(60),
}


def rate_fraction(rate: float | Fraction | str) -> Fraction:
    """The exact fraction behind a rate given as a float, fraction or label."""
    if isinstance(rate, str):
        if rate in ALLOWED_RATES:
            return ALLOWED_RATES[rate]
        return Fraction(rate)
    if isinstance(rate, Fraction):
        return rate
    for exact in ALLOWED_RATES.values():
        if math.isclose(float(exact), float(rate), rel_tol=0, abs_tol=1e-6):
            return exact
    return Fraction(rate).limit_denominator(1001)


def rate_float(rate: float | Fraction | str) -> float:
    """The float OTIO stores for a rate (it keeps rates as doubles)."""
    return float(rate_fraction(rate))


def to_frames(time: RationalTime, rate: float) -> int:
    """Whole frames at `rate`; refuses a time that falls between frames."""
    value = time.value_rescaled_to(rate)
    frames = round(value)
    if not math.isclose(value, frames, rel_tol=0, abs_tol=1e-6):
        raise EditError(f"{time.to_seconds():.4f}s is not on a frame boundary at {rate:g} fps")
    return int(frames)


def rt(frames: int, rate: float) -> RationalTime:
    """A `RationalTime` of whole frames."""
    return RationalTime(int(frames), rate)


def tr(start: int, duration: int, rate: float) -> TimeRange:
    """A `TimeRange` from whole frames."""
    return TimeRange(rt(start, rate), rt(duration, rate))


def range_frames(time_range: TimeRange, rate: float) -> tuple[int, int]:
    """(start, duration) in whole frames at `rate`."""
    return to_frames(time_range.start_time, rate), to_frames(time_range.duration, rate)


def floor_frames(time: RationalTime, rate: float) -> int:
    """The last whole frame at or before `time` (for media ranges in another rate)."""
    return math.floor(time.value_rescaled_to(rate) + 1e-9)


def ceil_frames(time: RationalTime, rate: float) -> int:
    """The first whole frame at or after `time` (for media ranges in another rate)."""
    return math.ceil(time.value_rescaled_to(rate) - 1e-9)


def timecode(frames: int, rate: float) -> str:
    """HH:MM:SS:FF for messages, using the nominal (rounded) frame rate."""
    fps = round(rate)
    sign = "-" if frames < 0 else ""
    frames = abs(frames)
    ff = frames % fps
    seconds = frames // fps
    return f"{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{ff:02d}"
