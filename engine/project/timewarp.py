"""Which source frame a clip shows at each of its frames, under OTIO's own speed effects.

A clip's speed is OTIO's ``LinearTimeWarp`` (``time_scalar``: 2.0 plays
twice as fast, 0.5 half as fast, a negative value backwards) and a freeze
frame is OTIO's ``FreezeFrame`` (a ``LinearTimeWarp`` with scalar 0), so
EDL, AAF, Kdenlive and plain OTIO tools read and write the same thing.

Following the OTIO adapters (the CMX EDL reader sets a speed clip's
``source_range`` to its record length), a clip's ``source_range.duration``
is its length on the track, and its ``start_time`` is the first source frame
it uses. The media it covers is ``ceil(length * |speed|)`` frames from there:
forwards it plays them first to last, reversed last to first, frozen it
holds the first. All arithmetic is exact (`Fraction`): at 50% each source
frame shows twice, at 200% every other frame shows, never drifting.

The slow-motion method (nearest frame, frame blending, optical flow) is
Shotline's own choice, kept in the warp effect's ``metadata["shotline"]``.
"""

from __future__ import annotations

import math
from fractions import Fraction

import opentimelineio as otio

from engine.project import ramp_curve

#: How frames between two source frames are made when a clip plays slower than its media.
NEAREST, BLEND, FLOW = "nearest", "blend", "flow"
INTERPOLATIONS = (NEAREST, BLEND, FLOW)
#: Speeds are kept to this precision (1/10000 of the media rate): 33.33% stays 1/3 exact enough.
_DENOMINATOR = 10000


def _scalar(value: float) -> Fraction:
    if not math.isfinite(value):
        return Fraction(1)
    return Fraction(value).limit_denominator(_DENOMINATOR)


def warps(clip: otio.core.Item) -> list[otio.schema.LinearTimeWarp]:
    """The clip's time effects (freeze frames included), in order."""
    return [e for e in clip.effects if isinstance(e, otio.schema.LinearTimeWarp)]


def is_frozen(clip: otio.core.Item) -> bool:
    return any(isinstance(e, otio.schema.FreezeFrame) or e.time_scalar == 0 for e in warps(clip))


def time_scalar(clip: otio.core.Item) -> Fraction:
    """Source frames per timeline frame: 1 plain, 2 at 200%, -1 reversed, 0 frozen; a speed
    ramp's average (what trims and interchange formats go by; frames shown follow the curve)."""
    keys = ramp_curve.keyframes(clip)
    if keys:
        length = round(clip.trimmed_range().duration.value) if clip.source_range is not None else 0
        return ramp_curve.average(keys, length, ramp_curve.phase(clip))
    total = Fraction(1)
    for effect in warps(clip):
        if isinstance(effect, otio.schema.FreezeFrame):
            return Fraction(0)
        total *= _scalar(float(effect.time_scalar))
    return total


def has_ramp(clip: otio.core.Item) -> bool:
    return ramp_curve.has_ramp(clip)


def has_warp(clip: otio.core.Item) -> bool:
    return ramp_curve.has_ramp(clip) or time_scalar(clip) != 1


def interpolation(clip: otio.core.Item) -> str:
    ramp = ramp_curve.ramp_effect(clip)
    for effect in [ramp] if ramp is not None else warps(clip):
        chosen = effect.metadata.get("shotline", {}).get("interpolation")
        if chosen in INTERPOLATIONS:
            return str(chosen)
    return NEAREST


def media_span(length: int, scalar: Fraction) -> int:
    """Source frames a clip of `length` timeline frames uses at `scalar` (a freeze uses one)."""
    if scalar == 0:
        return 1 if length > 0 else 0
    return math.ceil(length * abs(scalar))


def clip_span(clip: otio.core.Item, length: int) -> int:
    """Source frames a clip of `length` frames uses: `media_span` at its speed, or up to the
    frame its ramp's last frame shows."""
    if ramp_curve.has_ramp(clip):
        return ramp_curve.span(ramp_curve.keyframes(clip), length, ramp_curve.phase(clip))
    return media_span(length, time_scalar(clip))


def source_position(scalar: Fraction, offset: int, length: int) -> Fraction:
    """The exact source position (frames after the clip's source start) shown `offset` frames into
    a clip of `length` frames; offsets outside [0, length) extend the same line (dissolve handles)."""
    if scalar == 0:
        return Fraction(0)
    if scalar > 0:
        return offset * scalar
    return (length - 1 - offset) * -scalar


def clip_position(clip: otio.core.Item, offset: int, length: int) -> Fraction:
    """`source_position` for this clip: along its speed ramp's curve when it has one."""
    if ramp_curve.has_ramp(clip):
        return ramp_curve.clip_position(clip, offset)
    return source_position(time_scalar(clip), offset, length)


def local_speed(clip: otio.core.Item, offset: int) -> Fraction:
    """Source frames per timeline frame at `offset` frames into the clip (a ramp's speed there)."""
    keys = ramp_curve.keyframes(clip)
    if keys:
        return ramp_curve.speed_at(keys, offset)
    return time_scalar(clip)


def source_offset(clip: otio.core.Item, offset: int, length: int) -> int:
    """The whole source frame (after the source start) shown `offset` frames into the clip."""
    return math.floor(clip_position(clip, offset, length))


def split_starts(clip: otio.core.Item, start: int, length: int, offset: int) -> tuple[int, int]:
    """Source starts of the two pieces of a clip cut `offset` frames in, so each piece keeps
    showing what it showed before the cut."""
    scalar = time_scalar(clip)
    if scalar == 0:
        return start, start
    if scalar > 0:
        return start, start + math.floor(offset * scalar)
    # reversed: the left piece plays the later source frames
    return start + math.floor((length - offset) * -scalar), start


def label(clip: otio.core.Item) -> str | None:
    """How the timeline names a clip's speed ("200%", "-100%", "Freeze"), None at normal speed."""
    if ramp_curve.has_ramp(clip):
        return "Ramp"
    scalar = time_scalar(clip)
    if scalar == 1:
        return None
    if scalar == 0:
        return "Freeze"
    return f"{float(scalar) * 100:.4g}%"


def trimmed_start(clip: otio.core.Item, start: int, head: int, tail: int) -> int:
    """The source start after moving a clip's head by `head` and its tail by `tail` timeline
    frames (later = positive), so the frames still shown stay where they were. A ramped clip's
    curve moves with its head (its keyframes are counted from the clip's start)."""
    if ramp_curve.has_ramp(clip):
        return ramp_curve.head_moved(clip, start, head)  # its curve stays on the picture
    scalar = time_scalar(clip)
    if scalar > 0:
        return start + math.floor(head * scalar)
    if scalar < 0:  # the tail shows the earliest source frames
        return start - math.floor(tail * -scalar)
    return start


def trim_room(clip: otio.core.Item, start: int, length: int, lo: float, hi: float) -> tuple[float, float]:
    """How far (timeline frames) the head may move earlier and the tail later, given source
    frames [lo, hi) of media: (most negative head move, largest tail move)."""
    if ramp_curve.has_ramp(clip):
        return _ramp_room(clip, start, length, lo, hi)
    scalar = time_scalar(clip)
    if scalar == 0:
        return -math.inf, math.inf
    before = start - lo
    after = hi - (start + media_span(length, scalar))
    if scalar < 0:
        before, after = after, before
    speed = abs(scalar)
    head = -math.floor(before / speed) if math.isfinite(before) else -math.inf
    tail = math.floor(after / speed) if math.isfinite(after) else math.inf
    return head, tail


def _last_true(test, limit: int) -> int:
    """The largest n in [0, limit] with test(n) true (test(0) is; test is monotone)."""
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if test(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _ramp_room(clip: otio.core.Item, start: int, length: int, lo: float, hi: float) -> tuple[float, float]:
    """`trim_room` along a ramp's curve: the head may go back while the curve before it stays in
    the media, the tail on while the frames it adds do (at the speeds the curve has there)."""

    def shown(offset: int) -> Fraction:
        return ramp_curve.clip_position(clip, offset)

    far = 1 << 20  # a million frames: beyond any media there is
    tail = math.inf
    if math.isfinite(hi):
        tail = (
            _last_true(lambda t: start + math.floor(shown(length + t - 1)) < hi, far)
            if (start + math.floor(shown(length - 1)) < hi)
            else 0
        )
    head = -math.inf
    if math.isfinite(lo):
        head = -_last_true(lambda h: start + math.floor(shown(-h)) >= lo, far) if start >= lo else 0
    return head, tail
