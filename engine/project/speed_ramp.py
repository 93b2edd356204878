"""Speed ramps as undoable edits: ramp presets, and keyframes added, changed and removed.

A ramp keeps the media a clip covers, as a constant speed change does: after
every edit the clip's length is the fewest frames whose curve uses all of
it (`ramp_curve.length_for`), so slowing part of a clip lengthens it. With
ripple what follows moves by the difference; without, the clip grows only
into the gap after it (speed.py's rules). Keyframes past the new end stay
(they shape the curve up to it). Linked partners (the file's sound) get the same ramp.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import opentimelineio as otio

from engine.errors import EditError
from engine.project import links, ramp_curve, speed, timewarp, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip, settings
from engine.project.ramp_curve import EASE, Keyframe


@dataclass(frozen=True)
class RampPreset:
    """A ramp editors reach for by name: its speeds spread evenly over the clip, eased between.

    The speeds are what the preset is; the keyframes' frames follow from the clip (the length that
    plays exactly its media), so one preset fits every clip."""

    key: str
    name: str
    percents: tuple[Fraction, ...]

    @property
    def label(self) -> str:
        """The name with its speeds, as menus show it: "Speed up in the middle (100% → 300% → 100%)"."""
        return f"{self.name} ({' → '.join(f'{float(p):g}%' for p in self.percents)})"


def _preset(key: str, name: str, *percents: int) -> RampPreset:
    return RampPreset(key, name, tuple(Fraction(p) for p in percents))


#: The ramps offered by name (Clip > Speed/Duration… and the inspector's Speed ramp menu), the
#: first the default: a slow moment in the middle (Premiere's and Resolve's commonest ramp), a
#: rush in the middle, and the two halves of a slow-motion moment, into it and out of it.
PRESETS = (
    _preset("slow-middle", "Slow motion in the middle", 100, 30, 100),
    _preset("fast-middle", "Speed up in the middle", 100, 300, 100),
    _preset("into-slow", "Ramp into slow motion", 100, 25),
    _preset("out-of-slow", "Ramp out of slow motion", 25, 100),
)
#: The default preset's speeds: full speed, down to 30% in the middle, back to full.
PRESET = PRESETS[0].percents


def preset_named(key: str) -> RampPreset:
    for preset in PRESETS:
        if preset.key == key:
            return preset
    raise EditError(f"There is no speed ramp preset called {key!r}")


def preset_of(keys: list[Keyframe]) -> RampPreset | None:
    """The preset whose speeds (in order, eased) `keys` are, if any: what a dialog opens on."""
    for preset in PRESETS:
        if tuple(k.percent for k in keys) == preset.percents and all(k.ease == EASE for k in keys):
            return preset
    return None


def _checked(percent: float | Fraction) -> Fraction:
    value = Fraction(str(percent)) if isinstance(percent, float) else Fraction(percent)
    if not speed.MIN_PERCENT <= value <= speed.MAX_PERCENT:
        raise EditError(
            f"Speed must be between {speed.MIN_PERCENT}% and {speed.MAX_PERCENT}%, not {float(value):g}%"
        )
    return value.limit_denominator(10000)


def _members(timeline: Timeline, ident: str) -> list[tuple[otio.schema.Track, Clip]]:
    members = links.with_partners(timeline, ident)
    for _, member in members:
        if timewarp.is_frozen(member):
            raise EditError(f"{member.name or 'This clip'} is a freeze frame; it has no speed to ramp")
        if timewarp.time_scalar(member) < 0:
            raise EditError(f"{member.name or 'This clip'} plays reversed; a speed ramp plays forwards")
    return members


def _set_ramp(clip: Clip, keys: list[Keyframe], mode: str, phase: Fraction) -> None:
    kept = [
        e
        for e in clip.effects
        if not isinstance(e, otio.schema.LinearTimeWarp) and e.effect_name != ramp_curve.EFFECT_NAME
    ]
    effect = ramp_curve.make_effect(keys)
    if mode != timewarp.NEAREST:
        effect.metadata["shotline"]["interpolation"] = mode
    if phase:
        effect.metadata["shotline"]["phase"] = [phase.numerator, phase.denominator]
    clip.effects[:] = [effect, *kept]  # time first: picture effects apply to the frames it picks


def _apply(timeline: Timeline, ident: str, shape, described: str, ripple: bool) -> Change:
    """Give the clip and its partners the keyframes `shape(media_span)` returns, length following."""
    rate = settings(timeline).rate
    members = _members(timeline, ident)
    with mutation(timeline, described, [t for t, _ in members]) as change:
        lengths = []
        for track, member in members:
            _, old_length = trackedit.source_frames(member, rate)
            media = timewarp.clip_span(member, old_length)
            keys = shape(media)
            phase = ramp_curve.phase(member)  # a piece cut from a ramp starts part-way into a frame
            length = ramp_curve.length_for(keys, media, phase)
            _set_ramp(member, keys, timewarp.interpolation(member), phase)
            lengths.append(speed._resize(track, member, length, ripple, rate))
        for track in {id(t): t for t, _ in members}.values():
            trackedit.normalize(track, rate)
        change.result = lengths[0]
    return change


def preset_keys(length: int, percents: tuple[Fraction, ...] = PRESET) -> list[Keyframe]:
    """Keyframes spread evenly over `length` frames, eased between."""
    last = len(percents) - 1
    return [Keyframe(round(Fraction(length * i, last)), p, EASE) for i, p in enumerate(percents)]


def _preset_for(percents: tuple[Fraction, ...], media: int) -> list[Keyframe]:
    """The preset's keyframes over the length that plays exactly the clip's `media` frames.

    Spread over that length, a curve that rushes (300% in the middle) can step over the clip's
    last source frame on its way out; then the keyframes close up a frame at a time until the
    curve, held at its last speed to the clip's end (`length_for`), shows every source frame to
    the last, as a slow curve does at once."""
    fitted = ramp_curve.fitted_length(lambda n: ramp_curve.position(preset_keys(n, percents), n), media)
    for length in range(fitted, 0, -1):
        keys = preset_keys(length, percents)
        if ramp_curve.span(keys, ramp_curve.length_for(keys, media)) == media:
            return keys
    return preset_keys(fitted, percents)  # a curve ending faster than 100% skips frames anyway


def apply_preset(
    timeline: Timeline, ident: str, ripple: bool = False, preset: RampPreset = PRESETS[0]
) -> Change:
    """A ramp preset over the clip's media (Premiere's time remapping), the default 100% -> 30% -> 100%."""
    return _apply(timeline, ident, lambda media: _preset_for(preset.percents, media), "Speed Ramp", ripple)


def set_keyframes(timeline: Timeline, ident: str, keys: list[Keyframe], ripple: bool = False) -> Change:
    """Ramp the clip along `keys` (frames from the clip's start, percent, ease)."""
    if not keys:
        raise EditError("A speed ramp needs at least one keyframe")
    checked = sorted(
        {k.frame: Keyframe(max(0, k.frame), _checked(k.percent), k.ease) for k in keys}.values(),
        key=lambda k: k.frame,
    )
    return _apply(timeline, ident, lambda _media: checked, "Speed Ramp Keyframes", ripple)


def _current(timeline: Timeline, ident: str) -> tuple[Clip, list[Keyframe]]:
    """The clip and its ramp keyframes; a clip without a ramp starts from its constant speed."""
    _, clip = find_clip(timeline, ident)
    keys = ramp_curve.keyframes(clip)
    if not keys:
        scalar = timewarp.time_scalar(clip)
        keys = [Keyframe(0, _checked(abs(scalar) * 100 or 100))]
    return clip, keys


def add_keyframe(
    timeline: Timeline, ident: str, offset: int, percent: float | Fraction | None = None, ripple: bool = False
) -> Change:
    """A keyframe `offset` frames into the clip (at the playhead), at the speed there unless given."""
    clip, keys = _current(timeline, ident)
    rate = settings(timeline).rate
    _, length = trackedit.source_frames(clip, rate)
    if not 0 <= offset <= length:
        raise EditError(f"The playhead is not over {clip.name or 'the clip'}")
    value = _checked(percent) if percent is not None else _checked(ramp_curve.speed_at(keys, offset) * 100)
    kept = [k for k in keys if k.frame != offset]
    before = [k for k in kept if k.frame < offset]
    ease = before[-1].ease if before else ramp_curve.LINEAR  # the curve goes on as it went
    return set_keyframes(timeline, ident, [*kept, Keyframe(offset, value, ease)], ripple)


def change_keyframe(
    timeline: Timeline,
    ident: str,
    index: int,
    percent: float | Fraction | None = None,
    ease: str | None = None,
    ripple: bool = False,
) -> Change:
    """Change keyframe `index`'s speed or the ease towards the next one."""
    _, keys = _current(timeline, ident)
    if not 0 <= index < len(keys):
        raise EditError(f"The clip has no speed keyframe {index + 1}")
    if ease is not None and ease not in ramp_curve.EASES:
        raise EditError(f"A ramp is {' or '.join(ramp_curve.EASES)} between keyframes, not {ease}")
    old = keys[index]
    keys[index] = Keyframe(
        old.frame, _checked(percent) if percent is not None else old.percent, ease or old.ease
    )
    return set_keyframes(timeline, ident, keys, ripple)


def remove_keyframe(timeline: Timeline, ident: str, index: int, ripple: bool = False) -> Change:
    """Remove keyframe `index`; removing the last one leaves the clip at that speed, constant."""
    clip, keys = _current(timeline, ident)
    if not ramp_curve.has_ramp(clip) or not 0 <= index < len(keys):
        raise EditError(f"The clip has no speed keyframe {index + 1}")
    if len(keys) == 1:
        return speed.set_speed(timeline, ident, keys[0].percent, ripple=ripple)
    del keys[index]
    return set_keyframes(timeline, ident, keys, ripple)
