"""Title clips: text drawn by the renderer, stored so other OpenTimelineIO tools see a generator.

A title is an OTIO ``Clip`` whose media reference is a ``GeneratorReference``
with ``generator_kind="shotline.title"`` and the title's settings as its
``parameters``; it has no file. Its fades are the clip's own fades (as for
any clip), which on an upper track reveal the picture under it.

Sizes and positions are in sequence terms so a title looks the same at any
export size: ``size`` is the text height in sequence pixels, ``x``/``y`` the
anchor point as fractions of the frame (0,0 top left), ``align`` which side
of the text block the anchor is on (left, center, right; the anchor is the
block's vertical middle).
"""

from __future__ import annotations

import math
import re

import opentimelineio as otio

from engine.errors import EditError
from engine.project import edits, trackedit
from engine.project.change import Change, ChangeGroup, is_locked, mutation
from engine.project.document import Clip, Timeline, clip_id, find_clip, settings
from engine.project.document import tracks as all_tracks
from engine.project.times import RationalTime
from engine.project.tracks import add_track

GENERATOR_KIND = "shotline.title"
ALIGNMENTS = ("left", "center", "right")
FONTS = ("DejaVu Sans", "DejaVu Sans Bold", "DejaVu Serif", "DejaVu Sans Mono")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

DEFAULTS: dict[str, object] = {
    "text": "Title",
    "font": "DejaVu Sans",
    "size": 96.0,
    "color": "#ffffff",
    "outline": 0.0,
    "outline_color": "#000000",
    "shadow": False,
    "shadow_color": "#000000",
    "shadow_offset": 4.0,
    "box": False,
    "box_color": "#000000",
    "box_opacity": 0.6,
    "box_padding": 24.0,
    "align": "center",
    "x": 0.5,
    "y": 0.5,
}

PRESETS: dict[str, dict[str, object]] = {
    "Centred title": {"text": "Title", "size": 120.0, "align": "center", "x": 0.5, "y": 0.5, "shadow": True},
    "Lower third": {
        "text": "Name\nRole",
        "size": 56.0,
        "align": "left",
        "x": 0.08,
        "y": 0.8,
        "box": True,
        "box_opacity": 0.7,
    },
}
_NUMBERS = {
    "size": (4.0, 2000.0),
    "outline": (0.0, 100.0),
    "shadow_offset": (0.0, 200.0),
    "box_opacity": (0.0, 1.0),
    "box_padding": (0.0, 500.0),
    "x": (-1.0, 2.0),
    "y": (-1.0, 2.0),
}


def is_title(clip: object) -> bool:
    ref = getattr(clip, "media_reference", None)
    return isinstance(ref, otio.schema.GeneratorReference) and ref.generator_kind == GENERATOR_KIND


def title_settings(clip: Clip) -> dict[str, object]:
    """The title's settings, defaults filled in and bad values from other files replaced."""
    params = clip.media_reference.parameters if is_title(clip) else {}
    result = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        if name not in params:
            continue
        try:
            result[name] = _checked(name, params[name])
        except EditError:
            result[name] = default
    return result


def _checked(name: str, value: object) -> object:
    if name not in DEFAULTS:
        raise EditError(f"A title has no setting {name!r}")
    if name == "text":
        if not isinstance(value, str):
            raise EditError("A title's text must be text")
        return value
    if name == "font":
        if value not in FONTS:
            raise EditError(f"Font must be one of {', '.join(FONTS)}, not {value!r}")
        return value
    if name == "align":
        if value not in ALIGNMENTS:
            raise EditError(f"Alignment must be left, center or right, not {value!r}")
        return value
    if name.endswith("color"):
        if not isinstance(value, str) or not _COLOUR.match(value):
            raise EditError(f"A title colour is #rrggbb, not {value!r}")
        return value.lower()
    if name in ("shadow", "box"):
        if not isinstance(value, bool):
            raise EditError(f"Title {name} is on or off")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EditError(f"Title {name} must be a number")
    low, high = _NUMBERS[name]
    if not low <= value <= high:
        raise EditError(f"Title {name} must be between {low:g} and {high:g}, not {value:g}")
    return float(value)


#: Preset sizes are for a 1080-line sequence and scale with the sequence's height.
PRESET_HEIGHT = 1080
_PIXEL_SIZES = ("size", "outline", "shadow_offset", "box_padding")


def make_title(preset: str, duration: RationalTime, height: int = PRESET_HEIGHT, **overrides: object) -> Clip:
    """A new title clip of `duration` from a preset ("Centred title", "Lower third"), sized for a
    sequence `height` pixels tall (a lower third takes the same share of a 720p or vertical frame)."""
    if preset not in PRESETS:
        raise EditError(f"No title preset {preset!r}; there are {', '.join(PRESETS)}")
    values = {**DEFAULTS, **PRESETS[preset]}
    for name in _PIXEL_SIZES:
        low, high = _NUMBERS[name]
        values[name] = min(high, max(low, round(float(values[name]) * height / PRESET_HEIGHT, 1)))
    for name, value in overrides.items():
        values[name] = _checked(name, value)
    ref = otio.schema.GeneratorReference(name=preset, generator_kind=GENERATOR_KIND, parameters=values)
    clip = otio.schema.Clip(
        name=_name(str(values["text"])),
        media_reference=ref,
        source_range=otio.opentime.TimeRange(RationalTime(0, duration.rate), duration),
    )
    return clip


def _name(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return first.strip()[:40] or "Title"


def set_title(timeline: Timeline, ident: str, **values: object) -> Change:
    """Change title settings (one undo step); the clip's name follows the text's first line."""
    checked = {name: _checked(name, value) for name, value in values.items()}
    track, clip = find_clip(timeline, ident)
    if not is_title(clip):
        raise EditError(f"Clip {clip.name!r} is not a title")
    with mutation(timeline, "Edit Title", [track]) as change:
        params = clip.media_reference.parameters
        for name, value in checked.items():
            params[name] = value
        if "text" in checked:
            clip.name = _name(str(checked["text"]))
        change.result = title_settings(clip)
    return change


#: A new title's length when the user gives none: long enough to read two lines twice.
DEFAULT_SECONDS = 5


def _free(track: otio.schema.Track, start: int, end: int, rate: float) -> bool:
    for slot in trackedit.layout(track, rate):
        if isinstance(slot.item, otio.schema.Gap):
            continue
        if slot.start < end and start < slot.end:
            return False
    return True


def add_title(timeline: Timeline, preset: str, at: int, frames: int | None = None) -> Change | ChangeGroup:
    """A title from `preset` at frame `at`, on the lowest video track above every picture there
    that is free for its length (a new track on top when none is): one undo step; result: its id."""
    rate = settings(timeline).rate
    frames = frames or round(DEFAULT_SECONDS * rate)
    if at < 0 or frames <= 0:
        raise EditError("A title needs a place at or after the start and a length")
    clip = make_title(preset, RationalTime(frames, rate), settings(timeline).height)
    ident = clip_id(clip)
    video = all_tracks(timeline, otio.schema.TrackKind.Video)
    busy = [i for i, t in enumerate(video) if not _free(t, at, at + frames, rate)]
    above = busy[-1] + 1 if busy else 0
    free = [t for t in video[above:] if not is_locked(t)]
    steps: list[Change | ChangeGroup] = []
    if free:
        name = free[0].name
    else:
        added = add_track(timeline, otio.schema.TrackKind.Video)
        steps.append(added)
        name = added.result
    try:
        placed = edits.overwrite(timeline, RationalTime(at, rate), {name: clip})
    except BaseException:
        for step in reversed(steps):
            step.undo()
        raise
    placed.result = ident
    steps.append(placed)
    return ChangeGroup(f"Add {preset}", steps)
