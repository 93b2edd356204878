"""Clip gain and fades.

Gain is one OTIO ``AudioVolume`` effect with ``metadata["gain_db"]``, the
convention OTIO's own adapters use, so other tools read it. Fades are whole
frames in ``metadata["shotline"]["fade_in"/"fade_out"]``: a video fade goes
to black, an audio fade to silence. Both apply to one clip only, not to its
linked partner: fading the picture to black and fading the sound out are
separate decisions an editor makes on purpose.
"""

from __future__ import annotations

import math

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip, settings, shotline_meta
from engine.project.times import RationalTime, to_frames

GAIN_EFFECT = "AudioVolume"
MIN_GAIN_DB = -60.0
MAX_GAIN_DB = 24.0


def gain_db(clip: Clip) -> float:
    """The clip's gain in dB from its `AudioVolume` effects (they add up).

    Shotline writes ``gain_db``; files from other tools may carry a linear
    ``volume`` or ``gain`` factor instead, which is read as such.
    """
    total = 0.0
    for effect in clip.effects:
        if effect.effect_name != GAIN_EFFECT:
            continue
        meta = effect.metadata
        if "gain_db" in meta:
            total += _number(meta["gain_db"], 0.0)
            continue
        for key in ("volume", "gain"):
            if key in meta:
                linear = _number(meta[key], 1.0)
                total += 20 * math.log10(linear) if linear > 0 else MIN_GAIN_DB
                break
    return total


def _number(value: object, default: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def set_gain(timeline: Timeline, ident: str, db: float) -> Change:
    """Set a clip's gain in dB (replacing any earlier gain; 0 dB removes the effect)."""
    if not isinstance(db, int | float) or math.isnan(db) or not MIN_GAIN_DB <= db <= MAX_GAIN_DB:
        raise EditError(f"Gain must be between {MIN_GAIN_DB:g} and +{MAX_GAIN_DB:g} dB")
    track, clip = find_clip(timeline, ident)
    with mutation(timeline, f"Gain {db:+.1f} dB", [track]) as change:
        kept = [e for e in clip.effects if e.effect_name != GAIN_EFFECT]
        if db != 0:
            kept.append(otio.schema.Effect(effect_name=GAIN_EFFECT, metadata={"gain_db": float(db)}))
        clip.effects[:] = kept
        change.result = float(db)
    return change


def fades(clip: Clip) -> tuple[int, int]:
    """(fade-in, fade-out) in frames."""
    meta = clip.metadata.get("shotline", {})
    return int(meta.get("fade_in", 0) or 0), int(meta.get("fade_out", 0) or 0)


def set_fades(
    timeline: Timeline,
    ident: str,
    fade_in: RationalTime | None = None,
    fade_out: RationalTime | None = None,
) -> Change:
    """Set fade lengths (None keeps the current one); together they must fit in the clip."""
    rate = settings(timeline).rate
    track, clip = find_clip(timeline, ident)
    current_in, current_out = fades(clip)
    new_in = current_in if fade_in is None else to_frames(fade_in, rate)
    new_out = current_out if fade_out is None else to_frames(fade_out, rate)
    if new_in < 0 or new_out < 0:
        raise EditError("A fade cannot be negative")
    length = trackedit.duration_frames(clip, rate)
    if new_in + new_out > length:
        raise EditError(f"Fades of {new_in} and {new_out} frames do not fit in a {length}-frame clip")
    with mutation(timeline, "Set Fades", [track]) as change:
        meta = shotline_meta(clip)
        for key, value in (("fade_in", new_in), ("fade_out", new_out)):
            if value:
                meta[key] = value
            elif key in meta:
                del meta[key]
        change.result = (new_in, new_out)
    return change
