"""Sync lock: a ripple edit on some tracks moves every other sync-locked track by the same amount.

An insert, a ripple delete or a ripple trim changes the length of the
tracks it edits from one frame on; without sync lock the score and the
voice-over on other tracks would stay where they were and drift out of sync
with the picture. Every track is sync-locked unless the user turns it off
(the flag lives in ``track.metadata["shotline"]["sync_locked"]``, see
`tracks.track_flags`); a track locked against edits is never moved.

What a following track gets, as Premiere and Avid do it: an insert puts a
gap of the inserted length at the edit point (a clip across the point is
split there, and its second half moves later with the rest); a removal of
[start, end) takes that span out of the track whatever lies in it (a clip
across it loses that part of itself), so everything after `end` moves up by
the same amount and stays in sync. Tracks that end before the edit point
have nothing to move and are left alone.

These helpers run inside the caller's `change.mutation`, which must list
the tracks `followers` returns, so undo restores them in the same step.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.project import trackedit
from engine.project.document import Timeline, Track, tracks
from engine.project.tracks import track_flags


def followers(timeline: Timeline, edited: Iterable[Track]) -> list[Track]:
    """The sync-locked, unlocked tracks that are not among `edited`: those a ripple edit moves too."""
    skip = {id(t) for t in edited}
    return [
        t
        for t in tracks(timeline)
        if id(t) not in skip and track_flags(t).sync_locked and not track_flags(t).locked
    ]


def insert_space(followers: Iterable[Track], frame: int, length: int, rate: float) -> None:
    """Push what lies at and after `frame` later by `length` frames (a gap goes in)."""
    if length <= 0:
        return
    for t in followers:
        if frame < trackedit.track_end(t, rate):
            trackedit.place(t, frame, [trackedit.make_gap(length, rate)], rate)
            trackedit.normalize(t, rate)


def remove_spans(followers: Iterable[Track], spans: Iterable[tuple[int, int]], rate: float) -> None:
    """Take each [start, end) out of the tracks and close up (spans merged, latest first)."""
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for t in followers:
        for start, end in reversed(merged):
            stop = min(end, trackedit.track_end(t, rate))
            if start < stop:
                trackedit.remove(t, start, stop, rate)
        trackedit.normalize(t, rate)


def shift_at(followers: Iterable[Track], frame: int, delta: int, rate: float) -> None:
    """Everything from `frame` on moves by `delta` frames: later (a gap at `frame`) or earlier
    (the `-delta` frames before `frame` taken out)."""
    if delta > 0:
        insert_space(followers, frame, delta, rate)
    elif delta < 0:
        remove_spans(followers, [(max(0, frame + delta), frame)], rate)
