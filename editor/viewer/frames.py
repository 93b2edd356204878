"""Rendering viewer frames on one worker thread that owns its own `Renderer`.

The GUI thread says which frames it wants, nearest first (the playhead's,
then the next few in the direction of play); every call replaces the list,
so a request the playhead has already passed is dropped, never queued. The
worker renders them in order, so during playback its decoders read forward
and never seek. Finished frames wait in a small cache the GUI thread can
read without waiting, and are announced by a queued signal. A frame whose
decode is under way when a new list leaves it out (a click elsewhere while a
far frame decodes its GOP) is abandoned between two decoded pictures, so the
new frame does not wait behind it.

The worker renders a clone of the timeline handed over on the GUI thread,
never the live document, which the GUI thread may be editing meanwhile.
With captions shown (View > Show Captions), the dialogue's subtitles are
drawn over each frame by the export's own burn-in code, so what a Burn
export writes is what the viewer shows.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict

import opentimelineio as otio
from av.video.reformatter import ColorRange
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from engine.errors import MediaError, ShotlineError
from engine.export.captions import BurnedCaptions
from engine.export.subtitles import subtitles
from engine.media.video import Superseded, VideoDecoder
from engine.project import titles
from engine.render import plan
from engine.render.picture import MATRIX, Picture
from engine.render.sources import Sources, VideoOpener, media_path
from engine.render.video import Renderer, render_picture

#: Rendered frames kept, in bytes of pixels: the next second of playback at 1/2 of 1080p fits twice.
CACHE_BYTES = 192 * 1024 * 1024
#: The most frames asked for ahead of the playhead (a second at 30 fps).
MAX_AHEAD = 30

#: A rendered frame is a picture, or the words to show instead (offline media).
Shown = QImage | str


def _bytes(shown: Shown) -> int:
    return shown.sizeInBytes() if isinstance(shown, QImage) else len(shown)


class _Relay(QObject):
    """Owned by the worker (not by a widget), so a late signal never meets a deleted object."""

    rendered = Signal(int, int)  # generation, frame: ready in the cache


def screen_image(picture: Picture) -> QImage:
    """The picture in the format the screen scales fastest: 32-bit RGB.

    Qt's smooth scaling of a 24-bit image into the viewer took 4-17 ms a frame
    on the GUI thread (most of its time during playback); of a 32-bit image,
    about a tenth of that. swscale writes the 32-bit pixels directly, with the
    same conversion as `Picture.to_rgb`, so the colours are the export's.
    """
    converted = picture.to_frame().reformat(
        format="bgra",  # 0xffRRGGBB words in little-endian memory: QImage.Format_RGB32
        src_colorspace=MATRIX,
        dst_colorspace=MATRIX,
        src_color_range=ColorRange.MPEG,
        dst_color_range=ColorRange.JPEG,
    )
    pixels = converted.to_ndarray()
    height, width = pixels.shape[:2]
    return QImage(pixels.data, width, height, pixels.strides[0], QImage.Format.Format_RGB32).copy()


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
    def __init__(self, open_video: VideoOpener | None = None) -> None:
        self.relay = _Relay()
        self._open_video = open_video
        self._reopen = False
        self._cond = threading.Condition()
        self._timeline: otio.schema.Timeline | None = None
        self._size = (2, 2)
        self._show_captions = False
        self._captions: BurnedCaptions | None = None  # the shown timeline's subtitles, when shown
        self.generation = 0
        self._wanted: list[int] = []
        self._cache: OrderedDict[int, Shown] = OrderedDict()
        self._cache_bytes = 0
        self._closing = False
        self._rendering: int | None = None  # the frame under way, until a want() leaves it out
        self.rendered_count = 0
        self.superseded_count = 0
        self._thread = threading.Thread(target=self._run, name="viewer-render", daemon=True)
        self._thread.start()

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def set_timeline(self, timeline: otio.schema.Timeline, size: tuple[int, int]) -> None:
        """Render this copy from now on; frames of the old one are forgotten."""
        captions = _captions(timeline) if self._show_captions else None
        with self._cond:
            self._timeline = timeline
            self._size = size
            self._captions = captions
            self.generation += 1
            self._clear_cache()
            self._wanted = []
            self._rendering = None  # a frame of the old copy is not wanted any more

    @property
    def show_captions(self) -> bool:
        return self._show_captions

    def set_show_captions(self, shown: bool) -> None:
        """Draw the dialogue's subtitles over the frames from now on (or stop); frames kept are redone."""
        with self._cond:
            timeline = self._timeline
        captions = _captions(timeline) if shown and timeline is not None else None
        with self._cond:
            self._show_captions = shown
            self._captions = captions
            self.generation += 1
            self._clear_cache()

    def reopen(self) -> None:
        """Open every file again before the next frame (proxies were turned on or off, or made)."""
        with self._cond:
            self._reopen = True
            self.generation += 1
            self._clear_cache()
            self._rendering = None

    def _clear_cache(self) -> None:
        self._cache.clear()
        self._cache_bytes = 0

    def ahead(self, size: tuple[int, int]) -> int:
        """How many frames ahead of the playhead to prepare at `size`: up to a second, in half the cache."""
        frame_bytes = max(1, size[0] * size[1] * 3)
        return max(2, min(MAX_AHEAD, CACHE_BYTES // 2 // frame_bytes))

    def _renderer(self) -> Renderer:
        opener = self._open_video or VideoDecoder

        def watched(path) -> VideoDecoder:
            decoder = opener(path)
            decoder.superseded = self._superseded
            return decoder

        return Renderer(Sources(open_video=watched))

    def _superseded(self) -> bool:
        """Whether the frame under way was left out of the wanted list (read without the lock:
        a stale answer only means one more look four pictures later)."""
        return self._rendering is None or self._closing

    def want(self, frames: list[int]) -> Shown | None:
        """Ask for `frames` (most wanted first); the first one now if it is ready."""
        with self._cond:
            self._wanted = [f for f in dict.fromkeys(frames) if f >= 0 and f not in self._cache]
            if self._rendering is not None and self._rendering not in frames:
                self._rendering = None
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
        renderer = self._renderer()
        try:
            while True:
                with self._cond:
                    while not self._closing and not (self._wanted and self._timeline is not None):
                        self._cond.wait()
                    if self._closing:
                        return
                    frame = self._wanted.pop(0)
                    timeline, size, generation = self._timeline, self._size, self.generation
                    captions = self._captions
                    reopen, self._reopen = self._reopen, False
                    self._rendering = frame
                if reopen:
                    renderer.close()
                    renderer = self._renderer()
                try:
                    shown = self._render(renderer, timeline, frame, size, captions)
                except Superseded:
                    self.superseded_count += 1
                    continue
                with self._cond:
                    self._rendering = None
                    if generation != self.generation:
                        continue
                    self._cache[frame] = shown
                    self._cache_bytes += _bytes(shown)
                    while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
                        _, dropped = self._cache.popitem(last=False)
                        self._cache_bytes -= _bytes(dropped)
                    self.rendered_count += 1
                with contextlib.suppress(RuntimeError):  # the viewer closed while this frame rendered
                    self.relay.rendered.emit(generation, frame)
        finally:
            renderer.close()

    @staticmethod
    def _render(
        renderer: Renderer,
        timeline: otio.schema.Timeline,
        frame: int,
        size: tuple[int, int],
        captions: BurnedCaptions | None = None,
    ) -> Shown:
        try:
            picture = render_picture(timeline, frame, size, renderer=renderer)
            if captions is not None:
                picture = captions.picture(frame, picture)
            return screen_image(picture)
        except MediaError as error:
            return offline_message(timeline, frame, error)
        except Exception as error:  # a damaged file: a message in the viewer, never a dead worker
            return f"Cannot show this frame: {error}"


def _captions(timeline: otio.schema.Timeline | None) -> BurnedCaptions | None:
    """The subtitles of a timeline as the export burns them; None when it has none (nothing to draw)."""
    try:
        entries = subtitles(timeline) if timeline is not None else []
    except (ShotlineError, ValueError):  # a source file's timeline with no project settings
        return None
    return BurnedCaptions(entries) if entries else None
