"""A frame cache with a size limit, so memory never grows with the length of a project.

Least recently used frames go first. Sizes are counted in bytes of the
pixels held, which is what the machine actually runs out of. Anything with
an `nbytes` (NumPy arrays, the renderer's pictures) can be cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Any


class FrameCache:
    def __init__(self, max_megabytes: float = 256.0) -> None:
        self.max_bytes = int(max_megabytes * 1024 * 1024)
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()  # the viewer's render thread and the UI may share one cache

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            frame = self._items.get(key)
            if frame is not None:
                self._items.move_to_end(key)
            return frame

    def put(self, key: Hashable, frame: Any) -> None:
        size = frame.nbytes
        if size > self.max_bytes:
            return  # a frame larger than the whole cache is not worth evicting everything for
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._items[key] = frame
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes
