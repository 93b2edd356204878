"""A clip's placement in the frame: position, scale, rotation, crop, opacity and blend, with keyframes.

Stored as one OTIO ``Effect`` named ``shotline.transform`` in the clip's
effects, its settings in ``effect.metadata["shotline"]`` (the convention the
finishing tools share), so other OTIO tools see an effect and keep it:

- ``x``, ``y``: the picture's centre, offset from the frame's centre in
  sequence pixels (right and down are positive); a render at another size
  scales them with it.
- ``scale``: 1.0 is the picture fitted to the frame, as a clip shows without
  a transform (Resolve's "zoom"); Fill frame is the scale that covers it.
- ``rotation``: degrees, clockwise on screen.
- ``crop_left`` … ``crop_bottom``: fractions of the source's width/height
  cut away on each side; the rest stays where it was.
- ``opacity``: 0..1; ``blend``: normal, add, multiply or screen.
- ``keyframes``: ``[{"frame": f, "interp": "linear" | "ease", "values": {...}}]``,
  frames counted from the clip's start. With keyframes, each animated value
  comes from them (held before the first and after the last); between two,
  the earlier keyframe's ``interp`` says how to get to the next.

Keyframe times are integer frames; only the values between are fractional.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import pairwise

import opentimelineio as otio

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip, settings

EFFECT_NAME = "shotline.transform"
BLENDS = ("normal", "add", "multiply", "screen")
INTERPOLATIONS = ("linear", "ease")
LINEAR, EASE = INTERPOLATIONS
#: The numeric settings, in the order the inspector lists them, and their allowed ranges.
LIMITS: dict[str, tuple[float, float]] = {
    "x": (-100000.0, 100000.0),
    "y": (-100000.0, 100000.0),
    "scale": (0.01, 100.0),
    "rotation": (-3600.0, 3600.0),
    "crop_left": (0.0, 1.0),
    "crop_right": (0.0, 1.0),
    "crop_top": (0.0, 1.0),
    "crop_bottom": (0.0, 1.0),
    "opacity": (0.0, 1.0),
}
NUMBERS = tuple(LIMITS)


@dataclass(frozen=True)
class Placement:
    """The transform's values at one frame."""

    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0
    rotation: float = 0.0
    crop_left: float = 0.0
    crop_right: float = 0.0
    crop_top: float = 0.0
    crop_bottom: float = 0.0
    opacity: float = 1.0
    blend: str = "normal"

    @property
    def is_identity(self) -> bool:
        """True when the picture shows exactly as it would without a transform."""
        return self == IDENTITY

    @property
    def moves(self) -> bool:
        """True when the geometry differs from the plain fitted picture (opacity and blend aside)."""
        return replace(self, opacity=1.0, blend="normal") != IDENTITY

    def values(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in NUMBERS}


IDENTITY = Placement()


@dataclass(frozen=True)
class Keyframe:
    frame: int
    values: Mapping[str, float]
    interp: str = LINEAR


def transform_effect(clip: Clip) -> otio.schema.Effect | None:
    for effect in clip.effects:
        if effect.effect_name == EFFECT_NAME:
            return effect
    return None


def _settings(clip: Clip) -> Mapping | None:
    effect = transform_effect(clip)
    if effect is None:
        return None
    meta = effect.metadata.get("shotline")
    if not isinstance(meta, Mapping) or not meta.get("enabled", True):
        return None
    return meta


def _number(value: object, name: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return getattr(IDENTITY, name)
    if not math.isfinite(number):
        return getattr(IDENTITY, name)
    low, high = LIMITS[name]
    return min(high, max(low, number))


def keyframes(clip: Clip) -> list[Keyframe]:
    """The clip's transform keyframes, in time order (bad entries from other files are skipped)."""
    effect = transform_effect(clip)
    meta = effect.metadata.get("shotline") if effect is not None else None
    raw = meta.get("keyframes") if isinstance(meta, Mapping) else None
    found: dict[int, Keyframe] = {}
    for entry in raw or ():
        if not isinstance(entry, Mapping):
            continue
        try:
            frame = int(entry.get("frame"))
        except (TypeError, ValueError):
            continue
        values = entry.get("values") or {}
        interp = entry.get("interp", LINEAR)
        found[frame] = Keyframe(
            frame,
            {name: _number(values[name], name) for name in NUMBERS if name in values},
            interp if interp in INTERPOLATIONS else LINEAR,
        )
    return [found[f] for f in sorted(found)]


def _eased(t: float, interp: str) -> float:
    return t * t * (3.0 - 2.0 * t) if interp == EASE else t


def placement_at(clip: Clip, offset: int | float) -> Placement:
    """The transform at `offset` frames from the clip's start (IDENTITY when it has none or it is off)."""
    meta = _settings(clip)
    if meta is None:
        return IDENTITY
    values = {name: _number(meta.get(name, getattr(IDENTITY, name)), name) for name in NUMBERS}
    keys = keyframes(clip)
    for name in NUMBERS:
        animated = [k for k in keys if name in k.values]
        if not animated:
            continue
        if offset <= animated[0].frame:
            values[name] = animated[0].values[name]
        elif offset >= animated[-1].frame:
            values[name] = animated[-1].values[name]
        else:
            for a, b in pairwise(animated):
                if a.frame <= offset < b.frame:
                    t = _eased((offset - a.frame) / (b.frame - a.frame), a.interp)
                    values[name] = a.values[name] + (b.values[name] - a.values[name]) * t
                    break
    blend = meta.get("blend", "normal")
    return Placement(**values, blend=blend if blend in BLENDS else "normal")


def _check(values: Mapping[str, object]) -> dict[str, float | str]:
    checked: dict[str, float | str] = {}
    for name, value in values.items():
        if name == "blend":
            if value not in BLENDS:
                raise EditError(f"Blend mode must be one of {', '.join(BLENDS)}, not {value!r}")
            checked[name] = str(value)
            continue
        if name not in LIMITS:
            raise EditError(f"A transform has no setting {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise EditError(f"Transform {name} must be a number")
        low, high = LIMITS[name]
        if not low <= value <= high:
            raise EditError(f"Transform {name} must be between {low:g} and {high:g}, not {value:g}")
        checked[name] = float(value)
    crops = {**{n: 0.0 for n in ("crop_left", "crop_right", "crop_top", "crop_bottom")}, **checked}
    if crops["crop_left"] + crops["crop_right"] >= 1 or crops["crop_top"] + crops["crop_bottom"] >= 1:
        raise EditError("The crop would leave nothing of the picture")
    return checked


def _fresh_settings(clip: Clip) -> dict:
    effect = transform_effect(clip)
    if effect is None:
        return {"enabled": True, **IDENTITY.values(), "blend": "normal", "keyframes": []}
    meta = effect.metadata.get("shotline")
    return _plain(meta) if isinstance(meta, Mapping) else {"enabled": True}


def _plain(value: object) -> object:
    """OTIO's metadata containers as plain dicts and lists, to edit and write back whole."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple) or type(value).__name__ == "AnyVector":
        return [_plain(v) for v in value]
    return value


def _store(clip: Clip, meta: dict) -> None:
    effect = transform_effect(clip)
    if effect is None:
        effect = otio.schema.Effect(name="Transform", effect_name=EFFECT_NAME)
        clip.effects.append(effect)
    effect.metadata["shotline"] = meta


def set_transform(timeline: Timeline, ident: str, at: int | None = None, **values: object) -> Change:
    """Change transform settings of a clip, one undo step.

    With `at` (frames from the clip's start, the playhead), a value that has
    keyframes is set on the keyframe there, one being added if none is, as in
    every NLE once a value is animated. Otherwise the value is set for the
    whole clip (any keyframes of it are dropped: nothing says which to move).
    """
    checked = _check(values)
    track, clip = find_clip(timeline, ident)
    with mutation(timeline, "Transform", [track]) as change:
        meta = _fresh_settings(clip)
        keys = meta.setdefault("keyframes", [])
        for name, value in checked.items():
            animated = name != "blend" and any(name in (k.get("values") or {}) for k in keys)
            if animated and at is not None:
                _key_at(meta, clip, at)["values"][name] = value
            else:
                meta[name] = value
                if animated:  # no playhead to say which keyframe: the value holds everywhere
                    for k in keys:
                        k.get("values", {}).pop(name, None)
        meta["enabled"] = True
        _store(clip, meta)
        change.result = placement_at(clip, at or 0)
    return change


def _key_at(meta: dict, clip: Clip, at: int) -> dict:
    keys = meta["keyframes"]
    for key in keys:
        if int(key.get("frame", -1)) == at:
            key.setdefault("values", {})
            return key
    key = {"frame": int(at), "interp": LINEAR, "values": placement_at(clip, at).values()}
    keys.append(key)
    keys.sort(key=lambda k: int(k.get("frame", 0)))
    return key


def add_keyframe(timeline: Timeline, ident: str, at: int, interp: str = LINEAR) -> Change:
    """A keyframe at `at` frames from the clip's start holding every value as it is there now."""
    if interp not in INTERPOLATIONS:
        raise EditError(f"Keyframe interpolation must be linear or ease, not {interp!r}")
    track, clip = find_clip(timeline, ident)
    if at < 0:
        raise EditError("A keyframe cannot be before the clip's start")
    with mutation(timeline, "Add Keyframe", [track]) as change:
        meta = _fresh_settings(clip)
        meta.setdefault("keyframes", [])
        current = placement_at(clip, at).values()
        key = _key_at(meta, clip, at)
        key["values"] = current
        key["interp"] = interp
        _store(clip, meta)
        change.result = at
    return change


def remove_keyframe(timeline: Timeline, ident: str, at: int) -> Change:
    track, clip = find_clip(timeline, ident)
    if at not in {k.frame for k in keyframes(clip)}:
        raise EditError(f"The clip has no keyframe at frame {at}")
    with mutation(timeline, "Remove Keyframe", [track]) as change:
        meta = _fresh_settings(clip)
        here = placement_at(clip, at).values()
        meta["keyframes"] = [k for k in meta.get("keyframes", []) if int(k.get("frame", -1)) != at]
        if not meta["keyframes"]:
            meta.update(here)  # the last keyframe gone: the values it held stay
        _store(clip, meta)
        change.result = at
    return change


def neighbour_keyframe(clip: Clip, at: int, forward: bool) -> int | None:
    """The next (or previous) keyframe's frame from `at`, for the inspector's arrows."""
    frames = [k.frame for k in keyframes(clip)]
    later = [f for f in frames if f > at] if forward else [f for f in frames if f < at]
    if not later:
        return None
    return min(later) if forward else max(later)


def reset_transform(timeline: Timeline, ident: str) -> Change:
    track, clip = find_clip(timeline, ident)
    with mutation(timeline, "Reset Transform", [track]) as change:
        clip.effects[:] = [e for e in clip.effects if e.effect_name != EFFECT_NAME]
    return change


def fill_scale(source: tuple[int, int], frame: tuple[int, int]) -> Fraction:
    """The scale (1 = fitted) at which a `source`-sized picture covers a `frame`-sized one exactly.

    A 1080x1920 phone picture in a 1920x1080 sequence fits at 1080/1920 and
    fills at 1920/1080 of its size, so Fill is (1920/1080)/(1080/1920) = 256/81.
    """
    sw, sh = source
    width, height = frame
    fit = min(Fraction(width, sw), Fraction(height, sh))
    fill = max(Fraction(width, sw), Fraction(height, sh))
    return fill / fit


def reframe(timeline: Timeline, ident: str, mode: str, source: tuple[int, int]) -> Change:
    """Fill frame or Fit frame: centred, upright, uncropped, at the scale that fills or fits.

    `source` is the picture's displayed size (upright); the frame is the
    sequence's. Keyframes are dropped, as a reframe replaces the motion.
    """
    if mode not in ("fill", "fit"):
        raise EditError(f"Reframe is fill or fit, not {mode!r}")
    if source[0] <= 0 or source[1] <= 0:
        raise EditError("The clip's picture has no size")
    s = settings(timeline)
    scale = fill_scale(source, (s.width, s.height)) if mode == "fill" else Fraction(1)
    track, clip = find_clip(timeline, ident)
    with mutation(timeline, "Fill Frame" if mode == "fill" else "Fit Frame", [track]) as change:
        meta = _fresh_settings(clip)
        meta.update(IDENTITY.values())
        meta.update({"scale": float(scale), "keyframes": [], "enabled": True})
        meta.setdefault("blend", "normal")
        _store(clip, meta)
        change.result = scale
    return change
