"""Frame-exact video decoding.

The frame shown at source time t is the one whose presentation time is the
latest at or before t (the same rule for variable frame rate footage), so
preview and export agree to the frame. A jump seeks to the keyframe before t
and decodes forward; reading forward, as playback and export do, keeps
decoding from where it is and never seeks. Frames come back as PyAV frames so
an encoder can take them without a detour through RGB; `upright_rgb`
converts and turns phone footage upright when pixels are needed.

A still image (PNG, JPEG) is a one-frame file: every time shows that frame,
decoded once, because the rule "latest frame at or before t" holds the last
frame past the end.

A viewer scrubbing back and forth over long-GOP footage would otherwise seek
and decode a whole GOP for every step back. Given `recent_megabytes`, the
decoder keeps the run of frames it last decoded in a row (the GOP around the
playhead, bounded in bytes): a jump back into that run is answered from it
with no seek and no decode. Export, which never looks back, keeps none.

A jump a little ahead decodes on from where the decoder is only when that
decodes fewer pictures than a seek to the keyframe before the target would:
the file's packet index (engine.media.keyframes, read once per file and kept)
says how many each way. Without an index, jumps up to `forward_limit` decode
through, as they always did.
"""

from __future__ import annotations

import bisect
import math
import os
from collections import deque
from collections.abc import Callable
from fractions import Fraction

import av
import numpy as np

from engine.errors import MediaError
from engine.media.keyframes import PacketIndex, packet_index
from engine.media.probe import media_origin, open_container, rotation_of


class Superseded(BaseException):
    """The frame being decoded is no longer wanted (the playhead moved on): stop and decode no more.

    A BaseException, so that the renderer's handlers of damaged media (which
    show a message in place of the picture) let it through to the viewer's
    worker, which drops the request.
    """


#: Reading forward by less than this decodes through instead of seeking.
FORWARD_DECODE_LIMIT = Fraction(2)
#: What a seek costs beyond the pictures it decodes, in pictures: the container seek, the decoder
#: threads flushed and refilled (a filmstrip stepping a few frames at a time keeps reading on).
SEEK_COST_FRAMES = 8
#: Pictures decoded between two looks at `VideoDecoder.superseded`.
CHECK_EVERY = 4


class _Run:
    """Frames decoded one after another since the last seek, oldest dropped past a byte bound.

    Consecutive decoding means no frame of the file lies between two neighbours
    here, so the frame showing any time inside the run is known exactly.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._frames: deque[av.VideoFrame] = deque()
        self._pts: deque[int] = deque()
        self._bytes = 0

    def reset(self) -> None:
        self._frames.clear()
        self._pts.clear()
        self._bytes = 0

    def add(self, frame: av.VideoFrame) -> None:
        if self.max_bytes <= 0:
            return
        if self._pts and frame.pts <= self._pts[-1]:
            self.reset()  # out of order (a damaged file): start a new run
        size = sum(plane.buffer_size for plane in frame.planes)
        self._frames.append(frame)
        self._pts.append(frame.pts)
        self._bytes += size
        while self._bytes > self.max_bytes and len(self._frames) > 1:
            old = self._frames.popleft()
            self._pts.popleft()
            self._bytes -= sum(plane.buffer_size for plane in old.planes)

    def showing(self, target: int) -> tuple[av.VideoFrame, av.VideoFrame] | None:
        """(the frame at or before `target`, the one after it) when both are in the run."""
        at = bisect.bisect_right(self._pts, target) - 1
        if at < 0 or at + 1 >= len(self._frames):
            return None
        return self._frames[at], self._frames[at + 1]


class VideoDecoder:
    """Frames of one file by source time; not thread-safe (one decoder per thread)."""

    #: A jump forward by at most this decodes through; further, it seeks (a file of keyframes
    #: only, such as a proxy, seeks cheaply and sets less).
    forward_limit = FORWARD_DECODE_LIMIT

    def __init__(self, path: str | os.PathLike[str], recent_megabytes: float = 0) -> None:
        self.path = str(path)
        self._run = _Run(int(recent_megabytes * 1024 * 1024))
        self._container = open_container(path)
        try:
            self._open()
        except BaseException:
            self._container.close()
            raise

    def _open(self) -> None:
        streams = self._container.streams.video
        if not streams:
            raise MediaError(f"{os.path.basename(self.path)} has no picture")
        self._stream = streams[0]
        self._stream.thread_type = "AUTO"
        self._time_base = Fraction(self._stream.time_base)
        # the file's start, shared with AudioReader so picture and sound count from one origin
        self._origin = media_origin(self._container)
        self._frames = None
        self._current: av.VideoFrame | None = None  # the last frame at or before the last request
        self._next: av.VideoFrame | None = None  # the frame after it, once decoded
        self._ended = False
        self.seeks = 0
        self.recalled = 0  # requests answered from the run of recent frames
        self.decoded = 0  # pictures decoded, for tests and benchmarks
        self._index: PacketIndex | bool | None = False  # False: not read yet
        #: Asked between decoded pictures on the way to a far frame; True stops with `Superseded`
        #: (the viewer's worker sets it; the decoder stays consistent and reads on next time).
        self.superseded: Callable[[], bool] | None = None
        self._restart(None)
        first = self._advance()
        if first is None:
            raise MediaError(f"{os.path.basename(self.path)}: the picture cannot be decoded")
        self._first_pts = first.pts
        self.rotation = rotation_of(first)
        self._current, self._next = None, first

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> VideoDecoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _restart(self, pts: int | None) -> None:
        self._run.reset()
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
                self.decoded += 1
                if frame.pts is not None:
                    self._run.add(frame)
                    return frame
        except StopIteration:
            self._ended = True
            return None
        except av.FFmpegError as error:
            raise MediaError(f"{os.path.basename(self.path)} cannot be decoded here ({error})") from None

    def packet_index(self) -> PacketIndex | None:
        """The file's packet index, read on first need (playback and export never need it)."""
        if self._index is False:
            self._index = packet_index(self.path)
        return self._index  # type: ignore[return-value]

    def _keyframe_is_nearer(self, reference: int, target: int) -> bool:
        """Whether seeking to the keyframe before `target` decodes fewer pictures than reading on."""
        rate = self._stream.average_rate or self._stream.guessed_rate or 30
        if (target - reference) * self._time_base * Fraction(rate) <= SEEK_COST_FRAMES:
            return False  # a step or two: never worth a look at the index
        index = self.packet_index()
        if index is None:
            return False
        key = index.keyframe_at_or_before(target)
        if key is None or key <= reference:
            return False
        after_seek = index.frames_between(key - 1, target)
        return after_seek + SEEK_COST_FRAMES < index.frames_between(reference, target)

    def _pts(self, seconds: Fraction) -> int:
        return math.floor((self._origin + Fraction(seconds)) / self._time_base)

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
            reference is not None
            and 0 <= (target - reference) * self._time_base <= self.forward_limit
            and not self._keyframe_is_nearer(reference, target)
        )
        if not forward:
            kept = self._run.showing(target)
            if kept is not None:  # back inside the frames just decoded: no seek
                self.recalled += 1
                return kept[0]
            self._restart(max(target, self._first_pts))
            self._current, self._next = None, self._advance()
        walked = 0
        while self._next is not None and self._next.pts <= target:
            walked += 1
            if walked % CHECK_EVERY == 0 and self.superseded is not None and self.superseded():
                raise Superseded
            self._current, self._next = self._next, self._advance()
        if self._current is not None:
            return self._current
        if self._next is None:
            raise MediaError(f"{os.path.basename(self.path)}: no frame at {float(seconds):.3f} s")
        return self._next


def upright_rgb(frame: av.VideoFrame, rotation: int, size: tuple[int, int] | None = None) -> np.ndarray:
    """RGB (h, w, 3) uint8 of a frame, turned upright, optionally scaled to `size` (w, h) as displayed.

    Scaling happens in the same swscale pass as the colour conversion (10-bit
    sources included), before the turn, so a small preview never pays for a
    full-size RGB copy. A picture with alpha (PNG logos) is composited over
    black: a frame is opaque once it leaves here; a renderer that wants to
    layer with alpha should take the PyAV frame itself.
    """
    alpha = any(c.is_alpha for c in frame.format.components)
    pixels = "rgba" if alpha else "rgb24"
    width, height = frame.width, frame.height
    if size is not None:
        width, height = (size[1], size[0]) if rotation in (90, 270) else size
    if (width, height) != (frame.width, frame.height) or frame.format.name != pixels:
        frame = frame.reformat(width=width, height=height, format=pixels)
    rgb = frame.to_ndarray()
    if alpha:
        opacity = rgb[..., 3:].astype(np.uint16)
        rgb = ((rgb[..., :3] * opacity + 127) // 255).astype(np.uint8)
    turns = rotation // 90
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb
