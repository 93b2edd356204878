"""Frame-exact video decoding.

The frame shown at source time t is the one whose presentation time is the
latest at or before t (the same rule for variable frame rate footage), so
preview and export agree to the frame. A jump seeks to the keyframe before t
and decodes forward; reading forward, as playback and export do, keeps
decoding from where it is and never seeks. Frames come back as PyAV frames so
an encoder can take them without a detour through RGB; `upright_rgb`
converts and turns phone footage upright when pixels are needed.
"""

from __future__ import annotations

import os
from fractions import Fraction

import av
import numpy as np

from engine.errors import MediaError
from engine.media.probe import open_container, rotation_of

#: Reading forward by less than this decodes through instead of seeking.
FORWARD_DECODE_LIMIT = Fraction(2)


class VideoDecoder:
    """Frames of one file by source time; not thread-safe (one decoder per thread)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        self._container = open_container(path)
        streams = self._container.streams.video
        if not streams:
            self._container.close()
            raise MediaError(f"{os.path.basename(self.path)} has no picture")
        self._stream = streams[0]
        self._stream.thread_type = "AUTO"
        self._time_base = Fraction(self._stream.time_base)
        self._frames = None
        self._current: av.VideoFrame | None = None  # the last frame at or before the last request
        self._next: av.VideoFrame | None = None  # the frame after it, once decoded
        self._ended = False
        self.seeks = 0
        self._restart(None)
        first = self._advance()
        if first is None:
            raise MediaError(f"{os.path.basename(self.path)}: the picture cannot be decoded")
        self._origin = first.pts if first.pts is not None else 0
        self.rotation = rotation_of(first)
        self._current, self._next = None, first

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoDecoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _restart(self, pts: int | None) -> None:
        if pts is not None:
            self._container.seek(pts, stream=self._stream, backward=True, any_frame=False)
            self.seeks += 1
        self._frames = self._container.decode(self._stream)
        self._ended = False

    def _advance(self) -> av.VideoFrame | None:
        """The next decoded frame, or None at the end of the file."""
        if self._ended:
            return None
        try:
            while True:
                frame = next(self._frames)
                if frame.pts is not None:
                    return frame
        except StopIteration:
            self._ended = True
            return None
        except av.FFmpegError as error:
            raise MediaError(f"{os.path.basename(self.path)} cannot be decoded here ({error})") from None

    def _pts(self, seconds: Fraction) -> int:
        return self._origin + int(Fraction(seconds) / self._time_base)

    def frame_at(self, seconds: Fraction) -> av.VideoFrame:
        """The frame showing `seconds` after the file's first frame (first/last frame outside it)."""
        target = self._pts(seconds)
        current, following = self._current, self._next
        if current is not None and current.pts <= target and (following is None or target < following.pts):
            return current  # still showing
        if current is None and following is not None and target < following.pts:
            return following  # before the first frame
        reference = current.pts if current is not None else following.pts if following is not None else None
        forward = (
            reference is not None and 0 <= (target - reference) * self._time_base <= FORWARD_DECODE_LIMIT
        )
        if not forward:
            self._restart(max(target, self._origin))
            self._current, self._next = None, self._advance()
        while self._next is not None and self._next.pts <= target:
            self._current, self._next = self._next, self._advance()
        if self._current is not None:
            return self._current
        if self._next is None:
            raise MediaError(f"{os.path.basename(self.path)}: no frame at {float(seconds):.3f} s")
        return self._next


def upright_rgb(frame: av.VideoFrame, rotation: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """RGB (h, w, 3) uint8 of a frame, turned upright, optionally scaled to `size` (w, h) as displayed."""
    if size is not None:
        width, height = size
        coded = (height, width) if rotation in (90, 270) else (width, height)
        if coded != (frame.width, frame.height):
            frame = frame.reformat(width=coded[0], height=coded[1], format="rgb24")
    rgb = frame.to_ndarray(format="rgb24")
    turns = rotation // 90
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb
