"""Where things are drawn on the timeline: frames <-> pixels and track rows.

Kept apart from painting so hit-testing for gestures and the painter agree by
construction, and so both can be tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

RULER_HEIGHT = 28
HEADER_WIDTH = 196
VIDEO_ROW = 56
AUDIO_ROW = 48
EDGE_PIXELS = 6  # how close to a clip's edge the mouse trims instead of moving
SNAP_PIXELS = 8
MIN_PIXELS_PER_FRAME = 0.02
MAX_PIXELS_PER_FRAME = 64.0


@dataclass
class TimelineGeometry:
    """Horizontal scale and scroll (pixels per frame, first frame shown), and the vertical scroll."""

    pixels_per_frame: float = 4.0
    first_frame: float = 0.0
    scroll_y: int = 0  # pixels the track rows are scrolled up under the ruler

    def x_of(self, frame: float) -> float:
        return HEADER_WIDTH + (frame - self.first_frame) * self.pixels_per_frame

    def frame_at(self, x: float) -> int:
        return max(0, round((x - HEADER_WIDTH) / self.pixels_per_frame + self.first_frame))

    def frames_in(self, pixels: float) -> float:
        return pixels / self.pixels_per_frame

    def visible_frames(self, width: int) -> tuple[int, int]:
        """[first, last) frames on screen in a canvas `width` pixels wide."""
        first = int(self.first_frame)
        return first, int(self.first_frame + self.frames_in(max(0, width - HEADER_WIDTH))) + 2

    def zoom(self, factor: float, anchor_frame: float, anchor_x: float) -> None:
        """Zoom keeping `anchor_frame` under `anchor_x`, as every NLE does with Ctrl+wheel."""
        self.pixels_per_frame = min(
            MAX_PIXELS_PER_FRAME, max(MIN_PIXELS_PER_FRAME, self.pixels_per_frame * factor)
        )
        offset = (anchor_x - HEADER_WIDTH) / self.pixels_per_frame
        self.first_frame = max(0.0, anchor_frame - offset)

    def fit(self, frames: int, width: int) -> None:
        usable = max(1, width - HEADER_WIDTH - 16)
        self.pixels_per_frame = min(MAX_PIXELS_PER_FRAME, max(MIN_PIXELS_PER_FRAME, usable / max(frames, 1)))
        self.first_frame = 0.0
