"""Anchor Shots to Their Neighbours, in the editor's Generate All: which shot may be queued when.

A shot's video job starts when its keyframe lands; anchored, it also ends
on its neighbour's picture (engine.generate.anchors), so a shot whose next
shot is in the same batch waits for that keyframe too. When the neighbour's
keyframe fails or is cancelled, the waiting shot goes ahead with what the
neighbour shows now (nothing, for a placeholder). The engine's batch (the
CLI) makes every keyframe first and reads the same anchors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.generate.anchors import anchor_for, next_picture
from engine.generate.generate_all import ShotWork
from engine.project.document import Timeline


@dataclass
class Ready:
    """A shot whose video job can go now: its keyframe, and the picture it ends on (or None)."""

    shot: ShotWork
    keyframe: dict[str, Any]
    last_image: str | None


@dataclass
class Anchoring:
    pending: set[str] = field(default_factory=set)  # shots of the batch whose keyframe is not in yet
    keyframes: dict[str, str] = field(default_factory=dict)  # clip id: its keyframe file
    waiting: dict[str, tuple[ShotWork, dict[str, Any]]] = field(default_factory=dict)

    def asked(self, clip_ids: list[str]) -> None:
        self.pending |= set(clip_ids)

    def landed(
        self, timeline: Timeline, shot: ShotWork, keyframe: dict[str, Any], cache: Path | None
    ) -> list[Ready]:
        """Shot `shot`'s keyframe is in: the shots that can be queued now (it, and any waiting on it)."""
        self.pending.discard(shot.clip_id)
        self.keyframes[shot.clip_id] = str(keyframe["files"][0])
        self.waiting[shot.clip_id] = (shot, keyframe)
        return self._release(timeline, cache)

    def gave_up(self, timeline: Timeline, clip_id: str, cache: Path | None) -> list[Ready]:
        """Shot `clip_id`'s keyframe failed or was cancelled: those waiting on it go without it."""
        self.pending.discard(clip_id)
        return self._release(timeline, cache)

    def _release(self, timeline: Timeline, cache: Path | None) -> list[Ready]:
        ready = []
        for ident, (shot, keyframe) in list(self.waiting.items()):
            try:
                neighbour = next_picture(timeline, ident)
            except Exception:  # the shot is gone: its landing will say so
                neighbour = None
            if neighbour is not None and neighbour in self.pending:
                continue
            del self.waiting[ident]
            try:
                end = anchor_for(timeline, ident, self.keyframes, cache)
            except Exception:
                end = None
            ready.append(Ready(shot, keyframe, end))
        return ready
