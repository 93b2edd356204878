"""Sequence settings: the frame size, frame rate and sample rate of a project, chosen and changed.

Size and sample rate are free to change: nothing in the timeline is measured
in pixels or samples. A frame-rate change is a *conform*: every item keeps
its place in real time as nearly as whole frames at the new rate allow.
Each cut is put on the new frame nearest its old time (rounded once per cut,
from the timeline's start, so errors never add up along a track), each
clip's source in point likewise, and markers and transitions follow, inside
nested sequences (Stack items in tracks) as on the top level. The change
says which cuts did not land exactly, so the editor can list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit
from engine.project.change import Change, mutation
from engine.project.document import (
    ALLOWED_RATES,
    Timeline,
    check_sample_rate,
    settings,
    shotline_meta,
    tracks,
)
from engine.project.times import RationalTime, TimeRange, rate_float, rate_fraction, timecode

#: (label, width, height) offered by File > New and Sequence > Settings.
SIZE_PRESETS: tuple[tuple[str, int, int], ...] = (
    ("1080p HD (1920x1080)", 1920, 1080),
    ("4K UHD (3840x2160)", 3840, 2160),
    ("Vertical 1080x1920", 1080, 1920),
    ("Square 1080x1080", 1080, 1080),
)
#: The rates the dialogs offer, by their usual labels (all of them ALLOWED_RATES).
RATE_LABELS: tuple[str, ...] = ("23.976", "24", "25", "29.97", "30", "50", "60")


def parse_size(text: str) -> tuple[int, int]:
    """'1080x1920' -> (1080, 1920); an EditError in one line for anything else."""
    parts = text.lower().replace(" ", "").split("x")
    try:
        width, height = (int(p) for p in parts)
    except ValueError:
        raise EditError(f"{text!r} is not a frame size (WIDTHxHEIGHT, e.g. 1920x1080)") from None
    check_size(width, height)
    return width, height


def check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0 or width % 2 or height % 2 or width > 8192 or height > 8192:
        raise EditError(f"{width}x{height} is not a valid frame size (positive, even, at most 8192)")


def check_rate(rate: float | Fraction | str) -> Fraction:
    try:
        exact = rate_fraction(rate)
    except (ValueError, ZeroDivisionError):
        exact = None
    if exact is None or exact not in ALLOWED_RATES.values():
        raise EditError(f"{rate} fps is not a project rate Shotline supports ({', '.join(ALLOWED_RATES)})")
    return exact


@dataclass(frozen=True)
class Moved:
    """A cut (or marker) that could not stay exactly where it was in time."""

    track: str
    item: str
    old_seconds: Fraction
    new_frame: int

    def describe(self, rate: float) -> str:
        shift = float(Fraction(self.new_frame) / rate_fraction(rate) - self.old_seconds) * 1000
        return f"{self.track} {self.item}: now at {timecode(self.new_frame, rate)} ({shift:+.1f} ms)"


def _conform(old: float, new: float):
    """The new frame nearest an old frame's time, and whether it lands exactly."""
    ratio = rate_fraction(new) / rate_fraction(old)

    def frame(n: int) -> tuple[int, bool]:
        exact = Fraction(n) * ratio
        return round(exact), exact.denominator == 1

    return frame


def _rescaled(time: RationalTime, new: float) -> RationalTime:
    return RationalTime(round(time.value_rescaled_to(new)), new)


def change_settings(
    timeline: Timeline,
    size: tuple[int, int] | None = None,
    rate: float | Fraction | str | None = None,
    sample_rate: int | None = None,
) -> Change:
    """Change the sequence's size, rate and/or sample rate as one undo step.

    ``change.result`` lists the `Moved` cuts and markers (empty when the rate
    did not change or every cut landed exactly on a frame of the new rate).
    """
    current = settings(timeline)
    if size is not None:
        check_size(*size)
    if sample_rate is not None:
        check_sample_rate(sample_rate)
    new_rate = rate_float(check_rate(rate)) if rate is not None else current.rate
    conform = rate_fraction(new_rate) != rate_fraction(current.rate)
    every = tracks(timeline)
    # a locked track is conformed too: its cuts must stay whole frames of the sequence's rate
    with mutation(
        timeline, "Sequence Settings", every if conform else [], stack=True, allow_locked=True
    ) as change:
        meta = shotline_meta(timeline)
        if size is not None:
            meta["width"], meta["height"] = int(size[0]), int(size[1])
        if sample_rate is not None:
            meta["sample_rate"] = int(sample_rate)
        moved: list[Moved] = []
        if conform:
            exact = rate_fraction(new_rate)
            moved = _conform_timeline(timeline, current.rate, new_rate)
            meta["rate"] = f"{exact.numerator}/{exact.denominator}"
            timeline.global_start_time = RationalTime(0, new_rate)
        change.result = moved
    return change


def _conform_timeline(timeline: Timeline, old: float, new: float) -> list[Moved]:
    frame = _conform(old, new)
    old_exact = rate_fraction(old)
    moved: list[Moved] = []
    for track in tracks(timeline):
        _conform_track(track, track.name, old, new, moved)
    for marker in timeline.tracks.markers:
        at = marker.marked_range.start_time.value_rescaled_to(old)
        new_frame, exact = frame(round(at))
        if not exact:
            moved.append(Moved("Marker", marker.name or "marker", Fraction(round(at)) / old_exact, new_frame))
        _conform_marker(marker, new)
    return moved


def _conform_track(track: otio.schema.Track, label: str, old: float, new: float, moved: list[Moved]) -> None:
    """Conform one track's cuts; a nested sequence (a Stack item) has its own tracks conformed too,
    so its cuts stay whole frames of the new rate and it still plays what it played."""
    frame = _conform(old, new)
    old_exact = rate_fraction(old)
    slots = {slot.index: slot for slot in trackedit.layout(track, old)}
    for index, item in enumerate(track):
        if isinstance(item, otio.schema.Transition):
            item.in_offset = _rescaled(item.in_offset, new)
            item.out_offset = _rescaled(item.out_offset, new)
            continue
        slot = slots[index]
        start, start_exact = frame(slot.start)
        end, _ = frame(slot.end)
        if not start_exact and slot.start > 0 and isinstance(item, otio.schema.Clip):
            moved.append(Moved(label, item.name or "clip", Fraction(slot.start) / old_exact, start))
        duration = max(1, end - start)
        in_point = item.source_range.start_time if item.source_range is not None else None
        if in_point is None:
            item.source_range = TimeRange(RationalTime(0, new), RationalTime(duration, new))
        else:
            item.source_range = TimeRange(_rescaled(in_point, new), RationalTime(duration, new))
        for marker in item.markers:
            _conform_marker(marker, new)
        if isinstance(item, otio.schema.Stack):
            for inner in item:
                if isinstance(inner, otio.schema.Track):
                    _conform_track(
                        inner, f"{label} › {item.name or 'nested'} › {inner.name}", old, new, moved
                    )
    for marker in track.markers:
        _conform_marker(marker, new)


def _conform_marker(marker: otio.schema.Marker, new: float) -> None:
    marked = marker.marked_range
    marker.marked_range = TimeRange(_rescaled(marked.start_time, new), _rescaled(marked.duration, new))
