"""Snapping: edges pulled onto cuts, the playhead and markers when they come within a few pixels.

The distance is in pixels, not frames, so snapping feels the same at every
zoom, as it does in Premiere and Resolve.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable


class Snapper:
    def __init__(self, targets: Iterable[int], pixels_per_frame: float, pixels: float) -> None:
        self._targets = sorted(set(targets))
        self._reach = pixels / pixels_per_frame

    def nearest(self, frame: float) -> int | None:
        """The target nearest `frame` within reach, or None."""
        i = bisect.bisect_left(self._targets, frame)
        best = None
        for j in (i - 1, i):
            if 0 <= j < len(self._targets):
                target = self._targets[j]
                if abs(target - frame) <= self._reach and (
                    best is None or abs(target - frame) < abs(best - frame)
                ):
                    best = target
        return best

    def offset(self, edges: Iterable[float]) -> int | None:
        """The shift that puts the nearest of several moving edges on a target, or None."""
        best: float | None = None
        for edge in edges:
            target = self.nearest(edge)
            if target is not None and (best is None or abs(target - edge) < abs(best)):
                best = target - edge
        return None if best is None else round(best)
