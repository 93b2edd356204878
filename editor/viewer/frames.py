"""Rendering viewer frames on one worker thread that owns its own `Renderer`.

The GUI thread says which frames it wants, nearest first (the playhead's,
then the next few in the direction of play); every call replaces the list,
so a request the playhead has already passed is dropped, never queued. The
worker renders them in order, so during playback its decoders read forward
and never seek. Finished frames wait in a small cache the GUI thread can
read without waiting, and are announced by a queued signal.

The worker renders a clone of the timeline handed over on the GUI thread,
never the live document, which the GUI thread may be editing meanwhile.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict

import numpy as np
import opentimelineio as otio
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from engine.errors import MediaError
from engine.project import titles
from engine.render import plan
from engine.render.sources import media_path
from engine.render.video import Renderer, video_frame

CACHE = 24

#: A rendered frame is a picture, or the words to show instead (offline media).
Shown = QImage | str


class _Relay(QObject):
    """Owned by the worker (not by a widget), so a late signal never meets a deleted object."""

    rendered = Signal(int, int)  # generation, frame: ready in the cache


def to_qimage(rgb: np.ndarray) -> QImage:
    height, width, _ = rgb.shape
    data = np.ascontiguousarray(rgb)
    return QImage(data.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def offline_message(timeline: otio.schema.Timeline, frame: int, error: Exception) -> str:
    """What to show in place of a frame whose media cannot be read: which clip is offline."""
    for layers in reversed(plan.video_stack(timeline, frame)):  # top first; a title reads no file
        for layer in layers:
            if titles.is_title(layer.clip):
                continue
            try:
                media_path(layer.clip)
            except MediaError:
                return f"Media offline: {layer.clip.name or 'unnamed clip'}"
    return f"Cannot show this frame: {error}"


class FrameWorker:
    def __init__(self) -> None:
        self.relay = _Relay()
        self._cond = threading.Condition()
        self._timeline: otio.schema.Timeline | None = None
        self._size = (2, 2)
        self.generation = 0
        self._wanted: list[int] = []
        self._cache: OrderedDict[int, Shown] = OrderedDict()
        self._closing = False
        self.rendered_count = 0
        self._thread = threading.Thread(target=self._run, name="viewer-render", daemon=True)
        self._thread.start()

    def set_timeline(self, timeline: otio.schema.Timeline, size: tuple[int, int]) -> None:
        """Render this copy from now on; frames of the old one are forgotten."""
        with self._cond:
            self._timeline = timeline
            self._size = size
            self.generation += 1
            self._cache.clear()
            self._wanted = []

    def want(self, frames: list[int]) -> Shown | None:
        """Ask for `frames` (most wanted first); the first one now if it is ready."""
        with self._cond:
            self._wanted = [f for f in dict.fromkeys(frames) if f >= 0 and f not in self._cache]
            self._cond.notify()
            return self._cache.get(frames[0]) if frames else None

    def cached(self, frame: int) -> Shown | None:
        with self._cond:
            return self._cache.get(frame)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with Renderer() as renderer:
            while True:
                with self._cond:
                    while not self._closing and not (self._wanted and self._timeline is not None):
                        self._cond.wait()
                    if self._closing:
                        return
                    frame = self._wanted.pop(0)
                    timeline, size, generation = self._timeline, self._size, self.generation
                shown = self._render(renderer, timeline, frame, size)
                with self._cond:
                    if generation != self.generation:
                        continue
                    self._cache[frame] = shown
                    while len(self._cache) > CACHE:
                        self._cache.popitem(last=False)
                    self.rendered_count += 1
                with contextlib.suppress(RuntimeError):  # the viewer closed while this frame rendered
                    self.relay.rendered.emit(generation, frame)

    @staticmethod
    def _render(
        renderer: Renderer, timeline: otio.schema.Timeline, frame: int, size: tuple[int, int]
    ) -> Shown:
        try:
            return to_qimage(video_frame(timeline, frame, size, renderer=renderer))
        except MediaError as error:
            return offline_message(timeline, frame, error)
        except Exception as error:  # a damaged file: a message in the viewer, never a dead worker
            return f"Cannot show this frame: {error}"
