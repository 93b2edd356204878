"""Change records: what an edit did, precisely enough to undo and redo it.

Every edit runs inside `mutation()`, which snapshots the tracks (or the stack
of tracks) the edit declares it will touch, runs it, and snapshots them again.
Restoring a snapshot puts back the exact items, names, flags, markers, effects
and metadata, so undo is exact by construction rather than by writing an
inverse for each operation (the inverse would be a second copy of every edit's
logic, and the place where undo bugs live). If the edit raises, the "before"
snapshot is restored at once: a failed edit leaves the timeline unchanged.

Track and stack *objects* are never replaced, only their contents, so callers
holding a track keep a live reference across undo. Clips are restored as
clones; refer to them by `document.clip_id`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import opentimelineio as otio

from engine.errors import TrackLockedError
from engine.project.document import Timeline, Track


def _copy_meta(target: otio._otio.AnyDictionary, source: otio._otio.AnyDictionary) -> None:
    target.clear()
    for key, value in source.items():
        target[key] = value


@dataclass
class _TrackState:
    """A track's full contents, kept as a detached clone."""

    track: Track
    saved: Track

    @classmethod
    def capture(cls, track: Track) -> _TrackState:
        return cls(track, track.clone())

    def restore(self) -> None:
        copy = self.saved.clone()
        self.track.name = copy.name
        self.track.kind = copy.kind
        self.track.enabled = copy.enabled
        self.track.source_range = copy.source_range
        _copy_meta(self.track.metadata, copy.metadata)
        self.track.markers[:] = [m.clone() for m in copy.markers]
        self.track.effects[:] = [e.clone() for e in copy.effects]
        items = list(copy)
        copy.clear()
        self.track[:] = items


@dataclass
class _StackState:
    """Which tracks the timeline has, in order, plus timeline-level markers and metadata."""

    timeline: Timeline
    order: list[Track]
    markers: list[otio.schema.Marker]
    stack_meta: otio.schema.Marker  # detached holders: their metadata is the saved copy
    timeline_meta: otio.schema.Marker
    name: str

    @classmethod
    def capture(cls, timeline: Timeline) -> _StackState:
        stack = timeline.tracks
        return cls(
            timeline,
            list(stack),
            [m.clone() for m in stack.markers],
            _clone_meta(stack.metadata),
            _clone_meta(timeline.metadata),
            timeline.name,
        )

    def restore(self) -> None:
        stack = self.timeline.tracks
        if list(stack) != self.order:
            stack[:] = []
            for t in self.order:
                stack.append(t)
        stack.markers[:] = [m.clone() for m in self.markers]
        stack_meta, timeline_meta = self.stack_meta.clone(), self.timeline_meta.clone()  # kept alive here
        _copy_meta(stack.metadata, stack_meta.metadata)
        _copy_meta(self.timeline.metadata, timeline_meta.metadata)
        self.timeline.name = self.name


def _clone_meta(meta: otio._otio.AnyDictionary) -> otio.schema.Marker:
    """A deep copy of metadata, held by a detached object that keeps it alive."""
    return otio.schema.Marker(metadata=meta).clone()


@dataclass
class Change:
    """One edit's effect on the document; undo and redo restore exact states.

    ``result`` carries what the edit made that a caller needs next (the id of
    a clip it created, the time of a cut), so the editor can select it.
    """

    description: str
    before: list[Any] = field(default_factory=list)
    after: list[Any] = field(default_factory=list)
    result: Any = None

    def undo(self) -> None:
        for state in reversed(self.before):
            state.restore()

    def redo(self) -> None:
        for state in self.after:
            state.restore()


@dataclass
class ChangeGroup:
    """Several changes that undo and redo as one step."""

    description: str
    changes: list[Change | ChangeGroup] = field(default_factory=list)

    @property
    def result(self) -> Any:
        return self.changes[-1].result if self.changes else None

    def undo(self) -> None:
        for change in reversed(self.changes):
            change.undo()

    def redo(self) -> None:
        for change in self.changes:
            change.redo()


def is_locked(track: Track) -> bool:
    return bool(track.metadata.get("shotline", {}).get("locked", False))


@contextmanager
def mutation(
    timeline: Timeline,
    description: str,
    tracks: Iterable[Track] = (),
    stack: bool = False,
    allow_locked: bool = False,
) -> Iterator[Change]:
    """Run an edit so that it either completes with a `Change` or changes nothing.

    ``tracks`` are the tracks the edit may modify; ``stack`` says it may add,
    remove or reorder tracks or touch timeline markers and metadata.
    """
    touched: list[Track] = []
    for t in tracks:
        if not any(t is seen for seen in touched):
            touched.append(t)
    if not allow_locked:
        for t in touched:
            if is_locked(t):
                raise TrackLockedError(f"Track {t.name} is locked; unlock it to edit it")
    before: list[Any] = []
    if stack:
        before.append(_StackState.capture(timeline))
    before.extend(_TrackState.capture(t) for t in touched)
    change = Change(description, before)
    try:
        yield change
    except BaseException:
        change.undo()
        raise
    after: list[Any] = []
    if stack:
        after.append(_StackState.capture(timeline))
    after.extend(_TrackState.capture(t) for t in touched)
    change.after = after
