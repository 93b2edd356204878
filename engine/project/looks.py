"""A clip's colour and looks: the stack of picture effects, and the edits on it.

Each effect is one OTIO ``Effect`` in ``clip.effects`` named
``shotline.<kind>``, its parameters and an ``enabled`` flag in
``metadata["shotline"]``, so other OTIO tools read the structure (and keep it)
even if they cannot render it. The order in ``clip.effects`` is the order the
renderer applies them: the stack. Other effects on the clip (gain, speed) keep
their places; indexes here count looks only.

Parameters are checked against their kind's table when set, so the renderer
reads only known keys with sane values; a file from elsewhere with odd values
is read through `params`, which falls back to the default for anything missing
or out of range rather than refusing to play.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip

PREFIX = "shotline."


@dataclass(frozen=True)
class Param:
    """One number a look takes: its default and the range a user may set."""

    name: str
    label: str
    default: float
    low: float
    high: float


_RGB = ("r", "g", "b")


def _grade_params() -> tuple[Param, ...]:
    wheels = []
    for wheel, default, low, high in (
        ("lift", 0.0, -0.5, 0.5),
        ("gamma", 1.0, 0.2, 5.0),
        ("gain", 1.0, 0.0, 4.0),
    ):
        for channel in _RGB:
            wheels.append(
                Param(f"{wheel}_{channel}", f"{wheel.title()} {channel.upper()}", default, low, high)
            )
    return (
        Param("exposure", "Exposure (stops)", 0.0, -6.0, 6.0),
        Param("temperature", "Temperature", 0.0, -100.0, 100.0),
        Param("tint", "Tint", 0.0, -100.0, 100.0),
        *wheels,
        Param("saturation", "Saturation", 1.0, 0.0, 4.0),
    )


#: Every kind of look, its menu label and its parameters. ``lut`` also holds a ``path`` (text).
KINDS: dict[str, tuple[str, tuple[Param, ...]]] = {
    "colour": ("Colour", _grade_params()),
    "lut": ("LUT", (Param("mix", "Mix", 1.0, 0.0, 1.0),)),
    "grain": (
        "Film Grain",
        (
            Param("amount", "Amount", 0.25, 0.0, 1.0),
            Param("size", "Size", 1.5, 0.5, 4.0),
            Param("seed", "Seed", 0, 0, 65535),
        ),
    ),
    "vhs": (
        "VHS",
        (
            Param("bleed", "Chroma bleed", 0.5, 0.0, 1.0),
            Param("scanlines", "Scan lines", 0.4, 0.0, 1.0),
            Param("tracking", "Tracking noise", 0.3, 0.0, 1.0),
            Param("wobble", "Wobble", 0.3, 0.0, 1.0),
            Param("seed", "Seed", 0, 0, 65535),
        ),
    ),
    "vignette": (
        "Vignette",
        (Param("amount", "Amount", 0.5, 0.0, 1.0), Param("softness", "Softness", 0.5, 0.05, 1.0)),
    ),
    "blur": ("Blur", (Param("radius", "Radius (% of height)", 0.5, 0.0, 10.0),)),
    "bw": ("Black & White", (Param("amount", "Amount", 1.0, 0.0, 1.0),)),
}
#: Kinds whose parameters are whole numbers.
INTEGER_PARAMS = {"seed"}
LUT_SUFFIXES = (".cube",)


def effect_name(kind: str) -> str:
    return PREFIX + kind


def kind_of(effect: otio.schema.Effect) -> str | None:
    """The look kind of an effect, or None for anything that is not a Shotline look."""
    name = effect.effect_name or ""
    if not name.startswith(PREFIX):
        return None
    kind = name[len(PREFIX) :]
    return kind if kind in KINDS else None


def looks(clip: Clip) -> list[otio.schema.Effect]:
    """The clip's looks in stack order."""
    return [e for e in clip.effects if kind_of(e) is not None]


def _meta(effect: otio.schema.Effect) -> Mapping:
    meta = effect.metadata.get("shotline")
    return meta if isinstance(meta, Mapping) else {}


def enabled(effect: otio.schema.Effect) -> bool:
    return _meta(effect).get("enabled", True) is not False


def params(effect: otio.schema.Effect) -> dict[str, float]:
    """Every parameter of a look, defaults for anything missing or out of range."""
    kind = kind_of(effect)
    if kind is None:
        return {}
    meta = _meta(effect)
    out: dict[str, float] = {}
    for p in KINDS[kind][1]:
        value = meta.get(p.name, p.default)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        out[p.name] = float(value) if ok and p.low <= value <= p.high else p.default
    return out


def lut_path(effect: otio.schema.Effect) -> str:
    value = _meta(effect).get("path", "")
    return value if isinstance(value, str) else ""


def is_identity(effect: otio.schema.Effect) -> bool:
    """True when the look, as set, cannot change a pixel (skipped by the renderer)."""
    kind = kind_of(effect)
    if kind is None or not enabled(effect):
        return True
    values = params(effect)
    if kind == "colour":
        return all(values[p.name] == p.default for p in KINDS[kind][1])
    if kind == "lut":
        return not lut_path(effect) or values["mix"] == 0
    first = KINDS[kind][1][0].name
    if kind == "vhs":
        return not any(values[k] for k in ("bleed", "scanlines", "tracking", "wobble"))
    return values[first] == 0


def _checked(kind: str, given: Mapping[str, object]) -> dict[str, float]:
    table = {p.name: p for p in KINDS[kind][1]}
    out: dict[str, float] = {}
    for name, value in given.items():
        p = table.get(name)
        if p is None:
            raise EditError(f"{KINDS[kind][0]} has no setting called {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise EditError(f"{KINDS[kind][0]} {p.label.lower()} must be a number")
        if not p.low <= value <= p.high:
            raise EditError(f"{KINDS[kind][0]} {p.label.lower()} must be between {p.low:g} and {p.high:g}")
        out[name] = int(value) if name in INTEGER_PARAMS else float(value)
    return out


def check_lut(path: str | Path) -> str:
    """A LUT file's absolute path, or an `EditError` saying why it cannot be used."""
    file = Path(path).expanduser()
    if file.suffix.lower() not in LUT_SUFFIXES:
        raise EditError(f"{file.name}: a LUT must be a .cube file")
    if not file.is_file():
        raise EditError(f"LUT file not found: {file}")
    try:
        head = file.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError as error:
        raise EditError(f"Cannot read the LUT {file.name}: {error.strerror}") from error
    if "LUT_3D_SIZE" not in head and "LUT_1D_SIZE" not in head:
        raise EditError(f"{file.name} is not a .cube LUT (no LUT_1D_SIZE or LUT_3D_SIZE line)")
    return str(file.resolve())


def new_effect(kind: str, values: Mapping[str, object] | None = None, path: str = "") -> otio.schema.Effect:
    if kind not in KINDS:
        raise EditError(f"No look called {kind!r}; looks are {', '.join(KINDS)}")
    meta: dict[str, object] = {"enabled": True}
    meta.update(_checked(kind, values or {}))
    if kind == "lut":
        meta["path"] = check_lut(path) if path else ""
    return otio.schema.Effect(name=KINDS[kind][0], effect_name=effect_name(kind), metadata={"shotline": meta})


def _look_at(clip: Clip, index: int) -> otio.schema.Effect:
    stack = looks(clip)
    if not 0 <= index < len(stack):
        raise EditError(f"The clip has no look number {index + 1}")
    return stack[index]


def _visual(timeline: Timeline, ident: str) -> tuple[otio.schema.Track, Clip]:
    track, clip = find_clip(timeline, ident)
    if track.kind != otio.schema.TrackKind.Video:
        raise EditError("Looks apply to video clips only")
    return track, clip


def add_look(
    timeline: Timeline, ident: str, kind: str, values: Mapping[str, object] | None = None, path: str = ""
) -> Change:
    """Put a look on top of the clip's stack; the result is its index."""
    effect = new_effect(kind, values, path)
    track, clip = _visual(timeline, ident)
    with mutation(timeline, f"Add {KINDS[kind][0]}", [track]) as change:
        clip.effects.append(effect)
        change.result = len(looks(clip)) - 1
    return change


def set_params(timeline: Timeline, ident: str, index: int, values: Mapping[str, object]) -> Change:
    track, clip = _visual(timeline, ident)
    effect = _look_at(clip, index)
    kind = kind_of(effect)
    assert kind is not None
    checked = _checked(kind, values)
    with mutation(timeline, f"Change {KINDS[kind][0]}", [track]) as change:
        meta = _look_at(clip, index).metadata["shotline"]
        for name, value in checked.items():
            meta[name] = value
        change.result = index
    return change


def set_enabled(timeline: Timeline, ident: str, index: int, on: bool) -> Change:
    track, clip = _visual(timeline, ident)
    kind = kind_of(_look_at(clip, index))
    with mutation(timeline, f"{'Enable' if on else 'Disable'} {KINDS[kind][0]}", [track]) as change:
        _look_at(clip, index).metadata["shotline"]["enabled"] = bool(on)
        change.result = index
    return change


def move_look(timeline: Timeline, ident: str, index: int, to: int) -> Change:
    """Move a look to position `to` in the stack (0 is applied first)."""
    track, clip = _visual(timeline, ident)
    effect = _look_at(clip, index)
    count = len(looks(clip))
    if not 0 <= to < count:
        raise EditError(f"A look can move to positions 1 to {count}, not {to + 1}")
    with mutation(timeline, f"Move {effect.name}", [track]) as change:
        stack = looks(clip)
        moved = stack.pop(index)
        stack.insert(to, moved)
        _replace_looks(clip, stack)
        change.result = to
    return change


def remove_look(timeline: Timeline, ident: str, index: int) -> Change:
    track, clip = _visual(timeline, ident)
    effect = _look_at(clip, index)
    with mutation(timeline, f"Remove {effect.name}", [track]) as change:
        stack = looks(clip)
        del stack[index]
        _replace_looks(clip, stack)
        change.result = index
    return change


def _replace_looks(clip: Clip, stack: list[otio.schema.Effect]) -> None:
    """Write `stack` into the slots the clip's looks occupy; other effects keep their places, and
    looks beyond the old count go last."""
    kept = [e.clone() for e in stack]
    out, rest = [], iter(kept)
    for effect in list(clip.effects):
        if kind_of(effect) is None:
            out.append(effect.clone())
        else:
            nxt = next(rest, None)
            if nxt is not None:
                out.append(nxt)
    out.extend(rest)
    clip.effects[:] = out


def _index_of(clip: Clip, kind: str) -> int | None:
    for i, effect in enumerate(looks(clip)):
        if kind_of(effect) == kind:
            return i
    return None


def set_colour(timeline: Timeline, ident: str, values: Mapping[str, object]) -> Change:
    """The Colour section's edit: set the clip's colour grade (made first in the stack if it has none)."""
    checked = _checked("colour", values)
    track, clip = _visual(timeline, ident)
    with mutation(timeline, "Colour", [track]) as change:
        index = _index_of(clip, "colour")
        if index is None:
            _replace_looks(clip, [new_effect("colour"), *looks(clip)])
            index = 0
        meta = _look_at(clip, index).metadata["shotline"]
        for name, value in checked.items():
            meta[name] = value
        change.result = index
    return change


def set_lut(timeline: Timeline, ident: str, path: str | None) -> Change:
    """Set the clip's LUT file (after its colour grade), or remove it with None."""
    checked = check_lut(path) if path else None
    track, clip = _visual(timeline, ident)
    with mutation(timeline, "Set LUT" if checked else "Remove LUT", [track]) as change:
        index = _index_of(clip, "lut")
        stack = looks(clip)
        if checked is None:
            if index is not None:
                del stack[index]
        elif index is None:
            grade = _index_of(clip, "colour")
            stack.insert(0 if grade is None else grade + 1, new_effect("lut", path=checked))
        else:
            stack[index].metadata["shotline"]["path"] = checked
        _replace_looks(clip, stack)
        change.result = checked
    return change


def paste_looks(
    timeline: Timeline, source: Iterable[otio.schema.Effect], targets: Iterable[str], kinds: Iterable[str]
) -> Change:
    """Paste Attributes: give each target clip the chosen kinds of `source`'s looks, in its order.

    A target's own looks of a pasted kind are replaced (as Premiere and
    Resolve do); its looks of other kinds stay, below the pasted ones.
    """
    chosen = set(kinds)
    pasted = [e for e in source if kind_of(e) in chosen]
    ids = list(targets)
    if not pasted:
        raise EditError("Nothing to paste: the copied clip has none of the chosen looks")
    if not ids:
        raise EditError("Select the clips to paste the looks onto")
    found = [_visual(timeline, ident) for ident in ids]
    touched = list({id(t): t for t, _ in found}.values())
    with mutation(timeline, f"Paste Attributes ({len(ids)} clips)", touched) as change:
        for ident in ids:
            _, clip = find_clip(timeline, ident)
            kept = [e for e in looks(clip) if kind_of(e) not in chosen]
            _replace_looks(clip, [*kept, *(e.clone() for e in pasted)])
        change.result = ids
    return change
