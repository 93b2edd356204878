"""Speed, reverse and freeze frame as undoable edits (Premiere's Speed/Duration and Frame Hold).

A speed change keeps the media a clip covers and changes its length on the
track: 100 frames at 50% become 200, at 200% become 50 (exact, with
`Fraction`). With ripple, what follows on the track moves by the
difference; without, the clip may only grow into the gap after it (it is
cut short at the next clip) and leaves a gap when it shrinks, so nothing
else moves. Linked partners (a file's picture and sound) change together.

How the clip plays at its speed is `timewarp`'s: OTIO's ``LinearTimeWarp``
and ``FreezeFrame``, which other tools read.
"""

from __future__ import annotations

import math
from fractions import Fraction

import opentimelineio as otio

from engine.errors import EditError
from engine.project import links, ramp_curve, timewarp, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Clip, Gap, Timeline, Track, clip_id, find_clip, settings, shotline_meta
from engine.project.times import RationalTime, timecode, to_frames, tr

#: The slowest and fastest speeds, in percent (Premiere's limits are 0.01%..10000%; a clip of
#: one second at 1% lasts 100 seconds, which is already more than anyone wants)
MIN_PERCENT = Fraction(1)
MAX_PERCENT = Fraction(10000)


def speed_percent(clip: Clip) -> tuple[Fraction, bool, bool]:
    """(speed in percent, reversed, frozen) as the inspector shows them."""
    scalar = timewarp.time_scalar(clip)
    if scalar == 0:
        return Fraction(100), False, True
    return abs(scalar) * 100, scalar < 0, False


def _checked_percent(percent: float | Fraction) -> Fraction:
    if isinstance(percent, float) and not math.isfinite(percent):
        raise EditError("Speed must be a number of percent")
    value = Fraction(str(percent)) if isinstance(percent, float) else Fraction(percent)
    if not MIN_PERCENT <= value <= MAX_PERCENT:
        raise EditError(f"Speed must be between {MIN_PERCENT}% and {MAX_PERCENT}%, not {float(value):g}%")
    return value


def _round(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _set_warp(clip: Clip, scalar: Fraction, mode: str) -> None:
    kept = [
        e
        for e in clip.effects
        if not isinstance(e, otio.schema.LinearTimeWarp) and e.effect_name != ramp_curve.EFFECT_NAME
    ]
    if scalar != 1:
        warp = otio.schema.LinearTimeWarp(name="Speed", time_scalar=float(scalar))
        if mode != timewarp.NEAREST:
            warp.metadata["shotline"] = {"interpolation": mode}
        kept.insert(0, warp)  # time first: picture effects apply to the frames it picks
    clip.effects[:] = kept


def _room_after(track: Track, clip: Clip, rate: float) -> int | None:
    """Gap frames straight after the clip before the next item; None when nothing follows."""
    room = 0
    for item in list(track)[track.index(clip) + 1 :]:
        if not isinstance(item, Gap):
            return room
        room += trackedit.duration_frames(item, rate)
    return None


def _resize(track: Track, clip: Clip, length: int, ripple: bool, rate: float) -> int:
    """Give the clip `length` frames (fewer if, without ripple, the next clip is in the way)."""
    slot = trackedit.slot_of(track, clip, rate)
    start, old = trackedit.source_frames(clip, rate)
    if not ripple and length > old:
        room = _room_after(track, clip, rate)
        if room is not None:
            length = min(length, old + room)
        trackedit.remove(track, slot.end, min(slot.start + length, trackedit.track_end(track, rate)), rate)
    clip.source_range = tr(start, length, rate)
    if not ripple and length < old:
        track.insert(track.index(clip) + 1, trackedit.make_gap(old - length, rate))
    return length


def set_speed(
    timeline: Timeline,
    ident: str,
    percent: float | Fraction,
    reverse: bool = False,
    ripple: bool = False,
    interpolation: str | None = None,
) -> Change:
    """Play a clip (and its linked partners) at `percent` speed, backwards if `reverse`."""
    value = _checked_percent(percent)
    if interpolation is not None and interpolation not in timewarp.INTERPOLATIONS:
        raise EditError(f"Slow motion is made by {', '.join(timewarp.INTERPOLATIONS)}, not {interpolation}")
    rate = settings(timeline).rate
    members = links.with_partners(timeline, ident)
    for _, member in members:
        if timewarp.is_frozen(member):
            raise EditError(f"{member.name or 'This clip'} is a freeze frame; it has no speed to change")
    scalar = (value / 100) * (-1 if reverse else 1)
    scalar = Fraction(scalar).limit_denominator(10000)
    described = f"Speed {float(value):g}%" + (" reversed" if reverse else "")
    with mutation(timeline, described, [t for t, _ in members]) as change:
        lengths = []
        for track, member in members:
            _, old_length = trackedit.source_frames(member, rate)
            span = timewarp.clip_span(member, old_length)
            length = max(1, _round(Fraction(span) / abs(scalar)))
            mode = interpolation or timewarp.interpolation(member)
            _set_warp(member, scalar, mode)
            lengths.append(_resize(track, member, length, ripple, rate))
        for track in {id(t): t for t, _ in members}.values():
            trackedit.normalize(track, rate)
        change.result = lengths[0]
    return change


def set_interpolation(timeline: Timeline, ident: str, mode: str) -> Change:
    """Choose how a slowed clip's in-between frames are made (nearest frame, blend, optical flow)."""
    if mode not in timewarp.INTERPOLATIONS:
        raise EditError(f"Slow motion is made by {', '.join(timewarp.INTERPOLATIONS)}, not {mode}")
    track, clip = find_clip(timeline, ident)
    ramp = ramp_curve.ramp_effect(clip)
    with mutation(timeline, "Slow Motion Method", [track]) as change:
        for warp in [ramp] if ramp is not None else timewarp.warps(clip):
            if isinstance(warp, otio.schema.FreezeFrame):
                continue
            meta = shotline_meta(warp)
            if mode == timewarp.NEAREST:
                meta.pop("interpolation", None)
                if not meta:
                    del warp.metadata["shotline"]
            else:
                meta["interpolation"] = mode
        change.result = mode
    return change


def freeze_frame(timeline: Timeline, ident: str, at: RationalTime) -> Change:
    """Hold the frame at `at` for the rest of the clip (Premiere's Add Frame Hold).

    The clip is cut at `at`; the piece after holds that frame as an OTIO
    ``FreezeFrame``. Only the picture holds: a linked sound plays on, so the
    held piece is no longer linked to it.
    """
    rate = settings(timeline).rate
    frame = to_frames(at, rate)
    track, clip = find_clip(timeline, ident)
    slot = trackedit.slot_of(track, clip, rate)
    if not slot.start <= frame < slot.end:
        raise EditError(f"The playhead ({timecode(frame, rate)}) is not over {clip.name or 'the clip'}")
    start, length = trackedit.source_frames(clip, rate)
    held = start + timewarp.source_offset(clip, frame - slot.start, length)
    with mutation(timeline, f"Freeze Frame at {timecode(frame, rate)}", [track]) as change:
        if frame > slot.start:
            _, piece = trackedit.split(track, frame, rate)
            assert isinstance(piece, Clip)
        else:
            piece = clip
        remaining = trackedit.source_frames(piece, rate)[1]
        piece.effects[:] = [
            e
            for e in piece.effects
            if not isinstance(e, otio.schema.LinearTimeWarp) and e.effect_name != ramp_curve.EFFECT_NAME
        ]
        piece.effects.insert(0, otio.schema.FreezeFrame(name="Freeze Frame"))
        piece.source_range = tr(held, remaining, rate)
        shotline_meta(piece).pop("link", None)
        trackedit.normalize(track, rate)
        change.result = clip_id(piece)
    return change
