"""Three-point editing: which source frames go where, from the marks that are set.

Premiere's rules, in whole frames (out marks are inclusive, as the playhead
stores them). Any three of source in/out and timeline in/out decide the
edit; the fourth follows:

- timeline in and out: the timeline range sets the length; the source starts
  at its in (or ends at its out when only that is set: back-timed, or starts
  at 0 when it has no marks). With all four set the timeline range wins and
  the source out is ignored, as Premiere's "ignore source out point".
- timeline in only: the source's marked range (its whole length where a mark
  is missing) goes in at the timeline in.
- timeline out only: the source range is back-timed so it ends at the out.
- no timeline marks: the source range goes in at the playhead.

A range that does not fit (the source too short for the timeline range, or a
back-timed edit that would start before the timeline) is refused with an
`EditError` in words an editor understands; nothing is half-done.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import EditError
from engine.project.times import timecode


@dataclass(frozen=True)
class Marks:
    in_point: int | None = None
    out_point: int | None = None  # inclusive: the last frame


@dataclass(frozen=True)
class ThreePointEdit:
    source_first: int  # first source frame used
    frames: int  # how many
    at: int  # the timeline frame the first one lands on


def resolve(source: Marks, source_length: int, timeline: Marks, playhead: int, rate: float) -> ThreePointEdit:
    """The edit the marks describe; raises EditError when it cannot be made."""
    if source_length <= 0:
        raise EditError("The source clip has no frames to edit in")
    if timeline.in_point is not None and timeline.out_point is not None:
        frames = timeline.out_point - timeline.in_point + 1
        if frames <= 0:
            raise EditError("The timeline out point is before its in point")
        if source.in_point is not None or source.out_point is None:
            first = source.in_point or 0
        else:
            first = source.out_point - frames + 1  # back-timed from the source out
        if first < 0 or first + frames > source_length:
            have = source_length - first if first >= 0 else (source.out_point or 0) + 1
            raise EditError(
                f"The source is too short for the marked timeline range: it needs {timecode(frames, rate)}"
                f" and has {timecode(max(0, have), rate)} from its mark"
            )
        return ThreePointEdit(first, frames, timeline.in_point)
    first = max(0, source.in_point or 0)
    last = source_length - 1 if source.out_point is None else min(source.out_point, source_length - 1)
    if last < first:
        raise EditError("The source's marked range is empty: set its in before its out")
    frames = last - first + 1
    if timeline.in_point is not None:
        return ThreePointEdit(first, frames, timeline.in_point)
    if timeline.out_point is not None:
        at = timeline.out_point - frames + 1
        if at < 0:
            raise EditError(
                f"The source range ({timecode(frames, rate)}) is longer than the time before the timeline"
                f" out point: it would start before the timeline"
            )
        return ThreePointEdit(first, frames, at)
    return ThreePointEdit(first, frames, max(0, playhead))
