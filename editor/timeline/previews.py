"""Pictures and peaks for clips, fetched off the GUI thread and kept for the next paint.

Painting asks `thumbnail` / `peaks` and gets what is already here or None;
a miss queues a request on the engine's `PreviewService`, and when its
future resolves (on a worker thread) a queued signal brings the result to
the GUI thread, where it is stored and `ready` asks the view to repaint.
Painting never waits. Thumbnails are asked for on a grid of whole seconds
of the source, so scrolling and trimming reuse what was made before.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from concurrent.futures import Future
from fractions import Fraction

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from engine.media.background import PreviewService

MAX_IMAGES = 3000
_FAILED = object()


class PreviewCache(QObject):
    ready = Signal()  # something new arrived: repaint
    _arrived = Signal(object, object)  # key, value (emitted from worker threads; delivered queued)

    def __init__(self, parent: QObject | None = None, service: PreviewService | None = None) -> None:
        super().__init__(parent)
        self._service = service or PreviewService()
        self._owns_service = service is None
        self._images: OrderedDict[tuple, QImage | object] = OrderedDict()
        self._peaks: dict[str, np.ndarray | object] = {}
        self._pending: set[tuple] = set()
        self._wanted: dict[tuple[str, int], set[Fraction]] = {}
        # queued even when a future is already done and calls back on this thread mid-paint
        self._arrived.connect(self._store, Qt.ConnectionType.QueuedConnection)
        if self._owns_service:  # requests not started yet are dropped when the view goes
            service = self._service
            self.destroyed.connect(lambda *_: service.close())

    # what painting asks -----------------------------------------------------------

    def thumbnail(self, path: str, seconds: Fraction, height: int) -> QImage | None:
        key = ("thumb", path, seconds, height)
        found = self._images.get(key)
        if found is None:
            if key not in self._pending:
                self._wanted.setdefault((path, height), set()).add(seconds)
            return None
        self._images.move_to_end(key)
        return found if isinstance(found, QImage) else None

    def peaks(self, path: str) -> np.ndarray | None:
        found = self._peaks.get(path)
        if found is None:
            key = ("peaks", path)
            if key not in self._pending:
                self._pending.add(key)
                self._watch(key, self._service.request_peaks(path))
            return None
        return found if isinstance(found, np.ndarray) else None

    def flush(self) -> None:
        """Send the thumbnails missed during one paint as one filmstrip request per file."""
        wanted, self._wanted = self._wanted, {}
        for (path, height), times in wanted.items():
            ordered = sorted(times)
            for seconds in ordered:
                self._pending.add(("thumb", path, seconds, height))
            key = ("strip", path, tuple(ordered), height)
            self._watch(key, self._service.request_filmstrip(path, ordered, height))

    # results ----------------------------------------------------------------------

    def _watch(self, key: tuple, future: Future) -> None:
        def done(finished: Future) -> None:  # on a worker thread: hand over, touch nothing
            try:
                value = finished.result()
            except Exception:  # a broken or missing file draws as offline, not as an error box
                value = _FAILED
            with contextlib.suppress(RuntimeError):  # the view closed meanwhile: nobody to tell
                self._arrived.emit(key, value)

        future.add_done_callback(done)

    def _store(self, key: tuple, value: object) -> None:
        if key[0] == "peaks":
            self._pending.discard(key)
            self._peaks[key[1]] = value
        elif key[0] == "strip":
            _, path, times, height = key
            pictures = value if isinstance(value, list) else [None] * len(times)
            for seconds, picture in zip(times, pictures, strict=True):
                thumb_key = ("thumb", path, seconds, height)
                self._pending.discard(thumb_key)
                self._images[thumb_key] = _qimage(picture) if picture is not None else _FAILED
            while len(self._images) > MAX_IMAGES:
                self._images.popitem(last=False)
        self.ready.emit()

    def close(self) -> None:
        if self._owns_service:
            self._service.close()


def _qimage(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb)
    height, width, _ = rgb.shape
    return QImage(rgb.data, width, height, width * 3, QImage.Format.Format_RGB888).copy()
