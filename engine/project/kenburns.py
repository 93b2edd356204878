"""A Ken Burns move on a clip: a slow push or pan from one framing of the picture to another.

Stored as one OTIO ``Effect`` named ``shotline.kenburns`` in the clip's
effects (the finishing tools' convention: parameters and an ``enabled`` flag
in ``metadata["shotline"]``). Each framing is a rectangle in the source
picture, as fractions of its width and height (x, y, width, height), so the
move survives a relink to a larger file of the same still. The first frame
of the clip shows the start rectangle, its last frame the end rectangle;
between them the rectangle is interpolated linearly or eased (smoothstep),
counted in whole frames so a frame's framing never depends on float time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import VIDEO, Clip, Timeline, find_clip

EFFECT = "shotline.kenburns"
LINEAR, EASE = "linear", "ease"
EASINGS = (LINEAR, EASE)
#: The whole picture: what a clip without a move shows.
FULL = (0.0, 0.0, 1.0, 1.0)

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class KenBurns:
    """Where the move starts and ends in the picture, and how it gets there."""

    start: Rect
    end: Rect
    easing: str = EASE

    def rect_at(self, offset: int, length: int) -> Rect:
        """The framing `offset` frames into a clip of `length` frames (clamped to the clip)."""
        progress = 0.0 if length <= 1 else min(1.0, max(0.0, offset / (length - 1)))
        if self.easing == EASE:
            progress = progress * progress * (3.0 - 2.0 * progress)
        return tuple(a + (b - a) * progress for a, b in zip(self.start, self.end, strict=True))  # type: ignore[return-value]


def check_rect(rect: object, which: str) -> Rect:
    """A framing inside the picture, or an EditError that says what is wrong with it."""
    try:
        x, y, w, h = (float(v) for v in rect)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise EditError(f"The {which} framing must be four numbers: x, y, width, height") from None
    if not all(math.isfinite(v) for v in (x, y, w, h)):
        raise EditError(f"The {which} framing must be four finite numbers")
    if w <= 0 or h <= 0:
        raise EditError(f"The {which} framing needs a width and height above 0")
    slack = 1e-9
    if x < -slack or y < -slack or x + w > 1 + slack or y + h > 1 + slack:
        raise EditError(
            f"The {which} framing ({x:g}, {y:g}, {w:g}, {h:g}) must lie inside the picture (0 to 1)"
        )
    return (x, y, w, h)


def move_of(clip: Clip) -> KenBurns | None:
    """The clip's enabled move, or None (no effect, disabled, or unreadable: the whole picture)."""
    for effect in clip.effects:
        if effect.effect_name != EFFECT:
            continue
        meta = effect.metadata.get("shotline", {})
        if not meta.get("enabled", True):
            return None
        try:
            start = check_rect(meta.get("start"), "start")
            end = check_rect(meta.get("end"), "end")
        except EditError:
            return None
        easing = str(meta.get("easing", EASE))
        return KenBurns(start, end, easing if easing in EASINGS else EASE)
    return None


def set_ken_burns(timeline: Timeline, ident: str, start: object, end: object, easing: str = EASE) -> Change:
    """Give a picture clip a move from `start` to `end` framing (replacing any move it had)."""
    if easing not in EASINGS:
        raise EditError(f"Easing must be {' or '.join(EASINGS)}, not {easing!r}")
    first, last = check_rect(start, "start"), check_rect(end, "end")
    track, clip = find_clip(timeline, ident)
    if track.kind != VIDEO:
        raise EditError(f"{clip.name or 'This clip'} has no picture to move across")
    with mutation(timeline, f"Ken Burns on {clip.name or 'Clip'}", [track]) as change:
        effect = otio.schema.Effect(effect_name=EFFECT)
        effect.metadata["shotline"] = {
            "start": list(first),
            "end": list(last),
            "easing": easing,
            "enabled": True,
        }
        _replace(clip, effect)
        change.result = KenBurns(first, last, easing)
    return change


def remove_ken_burns(timeline: Timeline, ident: str) -> Change:
    """Take the move off a clip: it shows the whole picture again."""
    track, clip = find_clip(timeline, ident)
    if not any(e.effect_name == EFFECT for e in clip.effects):
        raise EditError(f"{clip.name or 'This clip'} has no Ken Burns move")
    with mutation(timeline, f"Remove Ken Burns from {clip.name or 'Clip'}", [track]) as change:
        _replace(clip, None)
    return change


def _replace(clip: Clip, effect: otio.schema.Effect | None) -> None:
    """Put the move where the old one was in the stack (first, for a new one: the source stage)."""
    effects = list(clip.effects)
    at = next((i for i, e in enumerate(effects) if e.effect_name == EFFECT), None)
    kept = [e for e in effects if e.effect_name != EFFECT]
    if effect is not None:
        kept.insert(0 if at is None else min(at, len(kept)), effect)
    clip.effects[:] = kept
