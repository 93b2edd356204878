"""The picture of the timeline at a frame: what the viewer shows and what export encodes.

`render_picture` composes a frame from the plan (`plan.video_layers`): each
layer's source frame is decoded, turned upright, fitted to the frame and
weighted (dissolves, fades to black). `video_frame` is the same picture as
RGB for the screen. Export encodes `render_picture`'s pixels directly, so a
preview frame and an exported frame at the same size are the same pixels.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from fractions import Fraction

import av
import numpy as np
import opentimelineio as otio

from engine.media.cache import FrameCache
from engine.project import document
from engine.project.times import rate_fraction
from engine.render import interpolate, plan
from engine.render.picture import FIT, Picture, black, check_size, from_frame, mix
from engine.render.sources import Sources


class _Fitted:
    """The last fitted picture per decoder, so a held frame (a still, a 25 fps source on a
    30 fps timeline) is converted once rather than once per output frame."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[av.VideoFrame, tuple, Picture]] = {}

    def get(self, decoder: object, frame: av.VideoFrame, params: tuple) -> Picture | None:
        last = self._last.get(id(decoder))
        if last is not None and last[0] is frame and last[1] == params:
            return last[2]
        return None

    def put(self, decoder: object, frame: av.VideoFrame, params: tuple, picture: Picture) -> None:
        self._last[id(decoder)] = (frame, params, picture)


#: Source pictures kept whatever the cache size: the two sides of an interpolated frame, twice.
RECENT_PICTURES = 4
#: Fitted source pictures kept for a viewer that scrubs back and forth (about 80 frames of 1080p).
DEFAULT_CACHE_MB = 256.0


class Renderer:
    """Renders frames of one timeline, keeping decoders open between calls (one per thread).

    Source pictures, once decoded and fitted, stay in a frame cache bounded
    in megabytes, keyed by file, source time, size and fit: scrubbing back
    over frames just seen costs no seek and no decode, and memory does not
    grow with the length of the project. An export, which never looks back,
    passes `cache_megabytes=0`.
    """

    def __init__(self, sources: Sources | None = None, cache_megabytes: float = DEFAULT_CACHE_MB) -> None:
        self.sources = sources or Sources()
        self._fitted = _Fitted()
        self.cache = FrameCache(cache_megabytes)
        self._recent: OrderedDict[tuple, Picture] = OrderedDict()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.sources.close()

    def picture(
        self, timeline: otio.schema.Timeline, frame: int, size: tuple[int, int], fit: str = FIT
    ) -> Picture:
        size = check_size(size)
        rate = document.settings(timeline).rate
        layers = plan.video_layers(timeline, frame)
        pictures = [
            (self._layer_picture(layer, rate, size, fit), layer.weight)
            for layer in layers
            if layer.weight > 0
        ]
        return mix(pictures, size) if pictures else black(size)

    def _layer_picture(self, layer: plan.Layer, rate: float, size: tuple[int, int], fit: str) -> Picture:
        picture = self._source_picture(layer.clip, layer.source_frame, rate, size, fit)
        if layer.between <= 0:
            return picture
        following = self._source_picture(layer.clip, layer.source_frame + 1, rate, size, fit)
        return interpolate.between(picture, following, layer.between, layer.interpolation)

    def _source_picture(
        self, clip: otio.schema.Clip, source_frame: int, rate: float, size: tuple[int, int], fit: str
    ) -> Picture:
        decoder = self.sources.video(clip)
        seconds = Fraction(source_frame) / rate_fraction(rate)
        key = (decoder.path, seconds, size, fit)
        kept = self.cache.get(key) or self._recent.get(key)
        if kept is not None:
            return kept
        decoded = decoder.frame_at(seconds)
        params = (size, fit)
        picture = self._fitted.get(decoder, decoded, params)
        if picture is None:
            picture = from_frame(decoded, decoder.rotation, size, fit)
            self._fitted.put(decoder, decoded, params, picture)
        self.cache.put(key, picture)
        # slow motion between frames asks for each source picture again on the next output frame;
        # an export has no cache, and going back one frame would make the decoder seek
        self._recent[key] = picture
        while len(self._recent) > RECENT_PICTURES:
            self._recent.popitem(last=False)
        return picture


def frame_number(timeline: otio.schema.Timeline, time: otio.opentime.RationalTime | int) -> int:
    """A timeline time as a project frame (times between frames show the frame that started)."""
    if isinstance(time, int):
        return time
    value = time.value_rescaled_to(document.settings(timeline).rate)
    return math.floor(value + 1e-6)  # a hair of float slack: 1001/30000 s is frame 1, not 0


def render_picture(
    timeline: otio.schema.Timeline,
    time: otio.opentime.RationalTime | int,
    size: tuple[int, int] | None = None,
    fit: str = FIT,
    renderer: Renderer | None = None,
) -> Picture:
    """The composed picture at `time`; pass a `Renderer` to keep decoders open across frames."""
    settings = document.settings(timeline)
    size = size or (settings.width, settings.height)
    if renderer is not None:
        return renderer.picture(timeline, frame_number(timeline, time), size, fit)
    with Renderer() as once:
        return once.picture(timeline, frame_number(timeline, time), size, fit)


def video_frame(
    timeline: otio.schema.Timeline,
    time: otio.opentime.RationalTime | int,
    size: tuple[int, int] | None = None,
    fit: str = FIT,
    renderer: Renderer | None = None,
) -> np.ndarray:
    """RGB (h, w, 3) uint8 of the timeline at `time`, at `size` (the project's by default)."""
    return render_picture(timeline, time, size, fit, renderer).to_rgb()
