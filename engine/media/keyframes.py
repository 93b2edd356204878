"""Where each picture of a file is, and which ones a decoder can start from.

A click far from the playhead decodes from the keyframe before it; a click a
little ahead may instead decode on from where the decoder is. Which is
cheaper depends on how many frames each way decodes, and that needs the
file's packets: their presentation times and which are keyframes. Reading
them is a demux without decoding (a few milliseconds for a minute of 1080p,
tens for an hour), done once per file version: kept in memory for this
process and on disk beside the thumbnails for the next one.

An index is an optimisation, never a reason to fail: a file that cannot be
demuxed (or a stream without timestamps) has none, and the decoder then
decides as it did before (decode through short jumps, seek long ones).
"""

from __future__ import annotations

import bisect
import os
import threading
from dataclasses import dataclass

import av
import numpy as np

from engine.errors import MediaError
from engine.media.diskcache import DiskCache, SourceKey

#: Bumped whenever an index would come out differently, so old entries are never used.
FORMAT = 1
#: Two int64 per picture: an hour of 30 fps footage is under 2 MB.
CACHE = DiskCache("keyframes", max_megabytes=128)
#: Files indexed in this process, newest last; a few hundred indexes are a few megabytes.
MEMORY_ENTRIES = 256

_memory: dict[SourceKey, PacketIndex | None] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class PacketIndex:
    """Presentation times of a stream's pictures in display order, and its keyframes' times."""

    pts: list[int]
    keyframes: list[int]

    def keyframe_at_or_before(self, target: int) -> int | None:
        at = bisect.bisect_right(self.keyframes, target) - 1
        return self.keyframes[at] if at >= 0 else None

    def frames_between(self, after: int, upto: int) -> int:
        """How many pictures have a time in (after, upto]."""
        return max(0, bisect.bisect_right(self.pts, upto) - bisect.bisect_right(self.pts, after))

    def to_array(self) -> np.ndarray:
        pts = np.array(self.pts, dtype=np.int64)
        keys = np.isin(pts, np.array(self.keyframes, dtype=np.int64)).astype(np.int64)
        return np.stack([pts, keys], axis=1)

    @classmethod
    def from_array(cls, array: np.ndarray) -> PacketIndex:
        return cls(array[:, 0].tolist(), array[array[:, 1] != 0, 0].tolist())


def packet_index(path: str | os.PathLike[str]) -> PacketIndex | None:
    """The index of the first video stream of `path`, or None when it cannot be read."""
    try:
        source = SourceKey.of(path)
    except MediaError:
        return None
    with _lock:
        if source in _memory:
            return _memory[source]
    stored = CACHE.get(source, f"v{FORMAT}", valid=_is_index)
    index = PacketIndex.from_array(stored) if stored is not None else _read(path)
    if stored is None and index is not None and source.still_current():
        CACHE.put(source, f"v{FORMAT}", index.to_array())
    with _lock:
        _memory[source] = index
        while len(_memory) > MEMORY_ENTRIES:
            del _memory[next(iter(_memory))]
    return index


def _is_index(array: np.ndarray) -> bool:
    return array.dtype == np.int64 and array.ndim == 2 and array.shape[1] == 2 and len(array) > 0


def _read(path: str | os.PathLike[str]) -> PacketIndex | None:
    pts: list[int] = []
    keyframes: list[int] = []
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            for packet in container.demux(stream):
                if packet.pts is None:
                    if packet.size:
                        return None  # pictures without times cannot be placed: no index
                    continue
                pts.append(packet.pts)
                if packet.is_keyframe:
                    keyframes.append(packet.pts)
    except (av.FFmpegError, OSError, ValueError):
        return None
    if not pts or not keyframes:
        return None
    return PacketIndex(sorted(pts), sorted(keyframes))
