"""Ghosts for the tracks a ripple edit moves along with the edited one (sync lock).

While a ripple trim is dragged, the editor must see the music and
voice-over move with the picture, as they will on release: the ghost is
worked out by running the same engine edit on a copy of the timeline and
drawing each clip of the other tracks whose place changed where it lands,
so it can never disagree with what the edit does (sync lock off, locked
tracks, nothing after the edit: no ghost).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import opentimelineio as otio

from editor.timeline.painting import Ghost
from engine.errors import ShotlineError
from engine.project import document, trackedit

Spans = dict[str, tuple[str, int, int]]  # clip id -> (track, start, end)


def _spans(timeline: otio.schema.Timeline, rate: float, skip: set[str]) -> Spans:
    found: Spans = {}
    for track in document.tracks(timeline):
        if track.name in skip:
            continue
        for slot in trackedit.layout(track, rate):
            if isinstance(slot.item, otio.schema.Clip):
                found[document.clip_id(slot.item)] = (track.name, slot.start, slot.end)
    return found


def moved_clips(
    timeline: otio.schema.Timeline,
    rate: float,
    edited_tracks: set[str],
    edit: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> list[Ghost]:
    """Where the clips of tracks other than `edited_tracks` land when `edit(timeline, *args, **kwargs)`
    runs: a ghost for each one whose place changes (none when the engine refuses the edit)."""
    before = _spans(timeline, rate, edited_tracks)
    copy = timeline.clone()
    try:
        edit(copy, *args, **kwargs)
    except ShotlineError:
        return []
    after = _spans(copy, rate, edited_tracks)
    return [
        Ghost(track, start, end)
        for ident, (track, start, end) in after.items()
        if ident in before and before[ident] != (track, start, end)
    ]
