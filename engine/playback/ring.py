"""A fixed ring of stereo samples between the mixing thread and the sound card's callback.

The callback must never wait on decoding or mixing, only copy: the feeder
thread keeps the ring filled ahead, and the callback takes what is there.
The lock is held only for the copies.
"""

from __future__ import annotations

import threading

import numpy as np


class RingBuffer:
    def __init__(self, capacity: int, channels: int = 2) -> None:
        self._data = np.zeros((capacity, channels), np.float32)
        self._lock = threading.Lock()
        self.read_total = 0  # samples taken out since the start (what the sound card has been given)
        self.write_total = 0

    @property
    def capacity(self) -> int:
        return len(self._data)

    def available(self) -> int:
        with self._lock:
            return self.write_total - self.read_total

    def free(self) -> int:
        return self.capacity - self.available()

    def write(self, block: np.ndarray) -> None:
        """Append `block` (at most `free()` samples: the feeder checks before mixing)."""
        with self._lock:
            count = len(block)
            if count > self.capacity - (self.write_total - self.read_total):
                raise ValueError("The ring is full")
            self._copy_in(self.write_total % self.capacity, block)
            self.write_total += count

    def _copy_in(self, at: int, block: np.ndarray) -> None:
        first = min(len(block), self.capacity - at)
        self._data[at : at + first] = block[:first]
        self._data[: len(block) - first] = block[first:]

    def read_into(self, out: np.ndarray) -> int:
        """Fill `out` with the oldest samples (silence where there are none); the count taken."""
        with self._lock:
            count = min(len(out), self.write_total - self.read_total)
            at = self.read_total % self.capacity
            first = min(count, self.capacity - at)
            out[:first] = self._data[at : at + first]
            out[first:count] = self._data[: count - first]
            self.read_total += count
        out[count:] = 0
        return count

    def drop_unread(self) -> int:
        """Forget what has not been played yet (the timeline changed under it); the next sample to write."""
        with self._lock:
            self.write_total = self.read_total
            return self.read_total
