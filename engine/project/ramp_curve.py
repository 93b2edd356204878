"""A speed ramp's curve: speed keyframes on a clip and the exact source position they give.

A ramp is Premiere's time remapping / Resolve's speed ramp: speed keyframes
(frames from the clip's start, speed in percent) joined linearly or eased
(smoothstep: the speed leaves and arrives flat). The source position shown
`k` frames into the clip is the integral of the speed from 0 to `k`, worked
out in `Fraction`s, so a ramp never drifts: the frames it uses are exactly
what its keyframes say, and a ramp whose keyframes are all one speed plays
exactly as that constant speed does. Before its first keyframe and after
its last the speed holds.

OTIO has no standard for variable speed, so the ramp is Shotline's own
effect ``shotline.speed_ramp`` with its keyframes in
``metadata["shotline"]``; interchange formats get its average speed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

import opentimelineio as otio

EFFECT_NAME = "shotline.speed_ramp"
LINEAR, EASE = "linear", "ease"
EASES = (LINEAR, EASE)
#: Percentages are kept to 1/10000 %, as constant speeds are.
_DENOMINATOR = 10000


@dataclass(frozen=True)
class Keyframe:
    """Speed `percent` at `frame` frames from the clip's start; `ease` shapes the way to the next."""

    frame: int
    percent: Fraction
    ease: str = LINEAR

    def to_json(self) -> dict:
        return {"frame": self.frame, "percent": float(self.percent), "ease": self.ease}

    @staticmethod
    def from_json(data: dict) -> Keyframe:
        percent = Fraction(str(data.get("percent", 100))).limit_denominator(_DENOMINATOR)
        ease = data.get("ease", LINEAR)
        return Keyframe(int(data.get("frame", 0)), percent, ease if ease in EASES else LINEAR)


def ramp_effect(clip: otio.core.Item) -> otio.schema.Effect | None:
    for effect in clip.effects:
        if effect.effect_name == EFFECT_NAME and not isinstance(effect, otio.schema.LinearTimeWarp):
            return effect
    return None


def keyframes(clip: otio.core.Item) -> list[Keyframe]:
    """The clip's ramp keyframes in frame order; empty when it has no ramp (or it is switched off)."""
    effect = ramp_effect(clip)
    if effect is None:
        return []
    meta = effect.metadata.get("shotline", {})
    if not meta.get("enabled", True):
        return []
    found = []
    for entry in meta.get("keyframes", []) or []:
        try:
            found.append(Keyframe.from_json(dict(entry)))
        except (TypeError, ValueError, ZeroDivisionError):
            continue  # a hand-edited entry that is not a keyframe: the rest of the ramp still plays
    found = [k for k in found if k.percent > 0]
    return sorted(found, key=lambda k: k.frame)


def has_ramp(clip: otio.core.Item) -> bool:
    return bool(keyframes(clip))


def make_effect(keys: list[Keyframe]) -> otio.schema.Effect:
    effect = otio.schema.Effect(name="Speed Ramp", effect_name=EFFECT_NAME)
    effect.metadata["shotline"] = {"enabled": True, "keyframes": [k.to_json() for k in keys]}
    return effect


def _segment_integral(s0: Fraction, s1: Fraction, span: int, x: Fraction, ease: str) -> Fraction:
    """Integral of the speed from a keyframe (speed s0) `x` frames towards the next (s1, `span` on)."""
    u = x / span
    if ease == EASE:  # speed s0 + (s1 - s0)(3u^2 - 2u^3)
        return span * (s0 * u + (s1 - s0) * (u**3 - u**4 / 2))
    return span * (s0 * u + (s1 - s0) * u * u / 2)


def _speed_in(s0: Fraction, s1: Fraction, u: Fraction, ease: str) -> Fraction:
    if ease == EASE:
        return s0 + (s1 - s0) * (3 * u * u - 2 * u**3)
    return s0 + (s1 - s0) * u


def _from_first(keys: list[Keyframe], t: Fraction) -> Fraction:
    """Integral of the speed from the first keyframe to `t` (negative before it)."""
    first, last = keys[0], keys[-1]
    if t <= first.frame:
        return (t - first.frame) * first.percent / 100
    total = Fraction(0)
    for a, b in pairwise(keys):
        span = b.frame - a.frame
        if span <= 0:
            continue
        s0, s1 = a.percent / 100, b.percent / 100
        if t <= b.frame:
            return total + _segment_integral(s0, s1, span, t - a.frame, a.ease)
        total += _segment_integral(s0, s1, span, Fraction(span), a.ease)
    return total + (t - last.frame) * last.percent / 100


def position(keys: list[Keyframe], offset: int | Fraction) -> Fraction:
    """Source frames (exact) played from the clip's start to `offset` frames into it (keyframes
    may lie before the start: a piece cut from a ramped clip keeps the whole curve)."""
    return _from_first(keys, Fraction(offset)) - _from_first(keys, Fraction(0))


def speed_at(keys: list[Keyframe], offset: int | Fraction) -> Fraction:
    """Source frames per timeline frame at `offset` frames into the clip."""
    t = Fraction(offset)
    if t <= keys[0].frame:
        return keys[0].percent / 100
    for a, b in pairwise(keys):
        if a.frame <= t <= b.frame and b.frame > a.frame:
            return _speed_in(a.percent / 100, b.percent / 100, (t - a.frame) / (b.frame - a.frame), a.ease)
    return keys[-1].percent / 100


def span(keys: list[Keyframe], length: int, phase: Fraction = Fraction(0)) -> int:
    """Source frames a clip of `length` frames shows under the ramp: up to the one its last
    frame shows (`timewarp.media_span`'s counterpart)."""
    return math.floor(phase + position(keys, length - 1)) + 1 if length > 0 else 0


def length_for(keys: list[Keyframe], media: int, phase: Fraction = Fraction(0)) -> int:
    """Timeline frames (at least 1) whose ramp plays `media` source frames (see `fitted_length`);
    `phase` is how far into its first source frame the clip starts (a piece cut from a ramp)."""
    return fitted_length(lambda length: phase + position(keys, length), media)


def fitted_length(played: Callable[[int], Fraction], media: int) -> int:
    """The most frames (at least 1) whose last frame still shows one of `media` source frames
    (`played(n)`: source frames a clip of n frames plays): at a slow end the last source frame
    shows for as long as the curve holds it, and the clip never shows a frame past its media.
    At constant speed this is the length a speed change gives (`speed.set_speed`)."""
    lo, hi = 1, 2
    while played(hi - 1) < media:
        hi *= 2
    while lo + 1 < hi:  # invariant: played(lo - 1) < media <= played(hi - 1)
        mid = (lo + hi) // 2
        if played(mid - 1) < media:
            lo = mid
        else:
            hi = mid
    return lo


def phase(clip: otio.core.Item) -> Fraction:
    """How far into its first source frame a ramped clip starts: 0 unless it was cut from a ramp
    part-way through a source frame (kept so the pieces show what the whole did)."""
    effect = ramp_effect(clip)
    found = effect.metadata.get("shotline", {}).get("phase") if effect is not None else None
    try:
        value = Fraction(int(found[0]), int(found[1])) if found else Fraction(0)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return Fraction(0)
    return value if 0 <= value < 1 else Fraction(0)


def clip_position(clip: otio.core.Item, offset: int | Fraction) -> Fraction:
    """Source frames after the clip's source start shown `offset` frames into a ramped clip."""
    return phase(clip) + position(keyframes(clip), offset)


def head_moved(clip: otio.core.Item, start: int, head: int) -> int:
    """Move a ramped clip's head `head` frames later (negative: earlier), as a trim or a cut does:
    the curve stays where it was on the picture, so its keyframes move by -head and the source
    start by what the curve played; returns the new source start."""
    keys = keyframes(clip)
    effect = ramp_effect(clip)
    if not keys or effect is None:
        return start
    played = phase(clip) + position(keys, head)
    whole = math.floor(played)
    meta = effect.metadata["shotline"]
    meta["keyframes"] = [Keyframe(k.frame - head, k.percent, k.ease).to_json() for k in keys]
    rest = played - whole
    if rest:
        meta["phase"] = [rest.numerator, rest.denominator]
    elif "phase" in meta:
        del meta["phase"]
    return start + whole


def average(keys: list[Keyframe], length: int, phase: Fraction = Fraction(0)) -> Fraction:
    """The ramp's mean speed over the clip (source frames per frame), what interchange formats get."""
    if length <= 0:
        return keys[0].percent / 100
    return (phase + position(keys, length)) / length
