"""Cross-dissolves on video tracks and crossfades on audio tracks, as OTIO transitions.

A transition sits between two adjacent clips and straddles their cut:
``in_offset`` frames before it and ``out_offset`` after. It takes no time on
the track; instead the outgoing clip plays past its out point and the
incoming clip starts before its in point, so both need media handles. A
dissolve that the media cannot feed is refused, with the clip and the number
of frames missing, rather than silently shortened.
"""

from __future__ import annotations

from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit
from engine.project.change import Change, mutation
from engine.project.document import AUDIO, Clip, Timeline, Track, settings
from engine.project.document import track as track_named
from engine.project.times import RationalTime, rt, timecode, to_frames

DISSOLVE = otio.schema.TransitionTypes.SMPTE_Dissolve
ALIGNMENTS = ("center", "start", "end")


@dataclass(frozen=True)
class TransitionAt:
    cut: int  # the frame where the incoming clip starts
    in_offset: int  # frames before the cut
    out_offset: int  # frames after the cut
    transition: otio.schema.Transition


def transitions_on(track: Track, rate: float) -> list[TransitionAt]:
    """The transitions of a track with their cut frame, for the renderer and the timeline view."""
    slots = {slot.index: slot for slot in trackedit.layout(track, rate)}
    found = []
    for index, item in enumerate(track):
        if isinstance(item, otio.schema.Transition) and index + 1 in slots:
            found.append(
                TransitionAt(
                    slots[index + 1].start,
                    round(item.in_offset.value_rescaled_to(rate)),
                    round(item.out_offset.value_rescaled_to(rate)),
                    item,
                )
            )
    return found


def _offsets(duration: RationalTime, alignment: str, rate: float) -> tuple[int, int, int]:
    """(length, frames before the cut, frames after) of a requested transition."""
    length = to_frames(duration, rate)
    if length <= 0:
        raise EditError("A transition needs a positive duration")
    return (length, *_split_duration(length, alignment))


def _split_duration(duration: int, alignment: str) -> tuple[int, int]:
    """(frames before the cut, frames after). Centred odd lengths put the extra frame after the cut."""
    if alignment == "center":
        return duration // 2, duration - duration // 2
    if alignment == "end":
        return duration, 0
    if alignment == "start":
        return 0, duration
    raise EditError(f"Alignment must be one of {', '.join(ALIGNMENTS)}")


def _cut(track: Track, frame: int, rate: float) -> tuple[int, trackedit.Slot, trackedit.Slot]:
    """(track index where a transition goes, slot before, slot after) for the cut at `frame`."""
    found = trackedit.slots_around_cut(track, frame, rate)
    if found is None:
        raise EditError(f"There is no cut between two clips on {track.name} at {timecode(frame, rate)}")
    before, after = found
    if not isinstance(before.item, Clip) or not isinstance(after.item, Clip):
        raise EditError(f"A transition needs a clip on both sides of the cut at {timecode(frame, rate)}")
    return before.index + 1, before, after


def add_cross_dissolve(
    timeline: Timeline,
    track_name: str,
    cut_at: RationalTime,
    duration: RationalTime,
    alignment: str = "center",
) -> Change:
    """Dissolve (video) or crossfade (audio) between the two clips meeting at `cut_at`."""
    rate = settings(timeline).rate
    target = track_named(timeline, track_name)
    frame = to_frames(cut_at, rate)
    length, before_frames, after_frames = _offsets(duration, alignment, rate)
    index, before, after = _cut(target, frame, rate)
    if isinstance(target[index], otio.schema.Transition):
        raise EditError(f"There is already a transition at {timecode(frame, rate)}")
    name = "Crossfade" if target.kind == AUDIO else "Cross Dissolve"
    transition = otio.schema.Transition(
        name=name,
        transition_type=DISSOLVE,
        in_offset=rt(before_frames, rate),
        out_offset=rt(after_frames, rate),
    )
    problem = trackedit.has_handles(transition, before.item, after.item, rate)
    if problem:
        raise EditError(f"Cannot add a {length}-frame {name.lower()}: {problem}")
    with mutation(timeline, f"Add {name}", [target]) as change:
        target.insert(index, transition)
        change.result = frame
    return change


def add_crossfade(
    timeline: Timeline,
    track_name: str,
    cut_at: RationalTime,
    duration: RationalTime,
    alignment: str = "center",
) -> Change:
    """An audio crossfade: the same OTIO transition, on an audio track."""
    if track_named(timeline, track_name).kind != AUDIO:
        raise EditError(f"{track_name} is not an audio track; use a cross-dissolve on video")
    return add_cross_dissolve(timeline, track_name, cut_at, duration, alignment)


def _existing(track: Track, frame: int, rate: float) -> TransitionAt:
    for found in transitions_on(track, rate):
        if found.cut == frame:
            return found
    raise EditError(f"There is no transition on {track.name} at {timecode(frame, rate)}")


def remove_transition(timeline: Timeline, track_name: str, cut_at: RationalTime) -> Change:
    rate = settings(timeline).rate
    target = track_named(timeline, track_name)
    found = _existing(target, to_frames(cut_at, rate), rate)
    with mutation(timeline, f"Remove {found.transition.name or 'Transition'}", [target]) as change:
        target.remove(found.transition)
        change.result = found.cut
    return change


def set_transition_duration(
    timeline: Timeline,
    track_name: str,
    cut_at: RationalTime,
    duration: RationalTime,
    alignment: str = "center",
) -> Change:
    """Change a transition's length (and alignment); refused when the handles cannot feed it."""
    rate = settings(timeline).rate
    target = track_named(timeline, track_name)
    frame = to_frames(cut_at, rate)
    found = _existing(target, frame, rate)
    length, before_frames, after_frames = _offsets(duration, alignment, rate)
    index = list(target).index(found.transition)
    trial = found.transition.clone()
    trial.in_offset, trial.out_offset = rt(before_frames, rate), rt(after_frames, rate)
    problem = trackedit.has_handles(trial, target[index - 1], target[index + 1], rate)
    if problem:
        raise EditError(f"Cannot make the transition {length} frames long: {problem}")
    with mutation(timeline, "Transition Duration", [target]) as change:
        found.transition.in_offset = trial.in_offset
        found.transition.out_offset = trial.out_offset
        change.result = length
    return change
