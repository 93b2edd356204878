"""Where things are drawn on the timeline: frames <-> pixels and track rows.

Kept apart from painting so hit-testing for gestures and the painter agree by
construction, and so both can be tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

RULER_HEIGHT = 28
HEADER_WIDTH = 96
VIDEO_ROW = 56
AUDIO_ROW = 44


@dataclass
class TimelineGeometry:
    """Horizontal scale and scroll, in pixels per frame and frames."""

    pixels_per_frame: float = 4.0
    first_frame: int = 0

    def x_of(self, frame: int) -> float:
        return HEADER_WIDTH + (frame - self.first_frame) * self.pixels_per_frame

    def frame_at(self, x: float) -> int:
        return max(0, round((x - HEADER_WIDTH) / self.pixels_per_frame) + self.first_frame)

    def zoom(self, factor: float, anchor_frame: int, anchor_x: float) -> None:
        """Zoom keeping `anchor_frame` under `anchor_x`, as every NLE does with Ctrl+wheel."""
        self.pixels_per_frame = min(64.0, max(0.02, self.pixels_per_frame * factor))
        offset = (anchor_x - HEADER_WIDTH) / self.pixels_per_frame
        self.first_frame = max(0, round(anchor_frame - offset))

    def fit(self, frames: int, width: int) -> None:
        usable = max(1, width - HEADER_WIDTH - 16)
        self.pixels_per_frame = min(64.0, max(0.02, usable / max(frames, 1)))
        self.first_frame = 0
