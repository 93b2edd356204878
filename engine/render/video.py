"""The picture of the timeline at a frame: what the viewer shows and what export encodes.

`render_picture` composes a frame from the plan (`plan.video_stack`): each
layer's source frame is decoded, turned upright, fitted to the frame and
weighted (dissolves, fades). Tracks are laid over each other from the top
down only as far as the first one whose picture covers the frame (opaque,
untransformed, normal blend): below that nothing is decoded, and a frame
whose top clip covers it takes the plain path of cuts and dissolves.
Anything else (a transform, opacity, a blend mode, a title, a letterboxed
picture over another track) is composed with alpha by `compose`. `video_frame` is the same picture as
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

from engine.media import proxies
from engine.media.cache import FrameCache
from engine.project import document, titles, transform
from engine.project.placeholders import is_placeholder
from engine.project.times import rate_fraction
from engine.render import compose, interpolate, kenburns, plan
from engine.render.looks import apply_looks, apply_looks_rgb
from engine.render.picture import FIT, Picture, black, check_size, from_frame, mix, placement
from engine.render.placeholder_panel import panel_picture, panel_rgb_of
from engine.render.sources import Sources
from engine.render.title import draw_title


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
        self._recent_rgb: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._displayed: dict[str, tuple[int, int]] = {}  # file -> upright picture size
        self._rgb: dict[int, tuple[av.VideoFrame, np.ndarray]] = {}  # decoder -> last source RGB(A)
        self._titles: dict[tuple, tuple[np.ndarray, tuple[int, int, int, int]]] = {}
        self._size = (0, 0)  # the size being rendered: a placeholder's panel is drawn at it
        self._full_size = (0, 0)  # the project's size: the grid looks are drawn on (see _looked)

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
        self._size = size
        settings = document.settings(timeline)
        self._full_size = (settings.width, settings.height)
        rate = settings.rate
        shown: list[list[plan.Layer]] = []
        for layers in reversed(plan.video_stack(timeline, frame)):
            shown.insert(0, layers)
            if self._covers(layers, rate, size, fit):
                break
        if len(shown) == 1 and all(self._plain(layer) for layer in shown[0]):
            pictures = [
                (self._looked(layer, rate, size, fit), layer.weight) for layer in shown[0] if layer.weight > 0
            ]
            return mix(pictures, size) if pictures else black(size)
        if not shown:
            return black(size)
        return self._composite(timeline, shown, rate, size, fit)

    @staticmethod
    def _plain(layer: plan.Layer) -> bool:
        """A clip that shows as a fitted picture, nothing more: the fast path's kind."""
        if titles.is_title(layer.clip):
            return False
        return transform.placement_at(layer.clip, layer.offset).is_identity

    def _covers(self, layers: list[plan.Layer], rate: float, size: tuple[int, int], fit: str) -> bool:
        """True when a track's picture hides everything below it: nothing there need be decoded."""
        if sum(layer.weight for layer in layers) < 1.0 - 1e-6:
            return False
        return all(
            self._plain(layer) and placement(self._displayed_size(layer, rate), size, fit) == size
            for layer in layers
        )

    def _displayed_size(self, layer: plan.Layer, rate: float) -> tuple[int, int]:
        if is_placeholder(layer.clip):  # its panel is drawn at the frame's size
            return self._size
        decoder = self.sources.video(layer.clip)
        known = self._displayed.get(decoder.path)
        if known is None:
            decoded = decoder.frame_at(Fraction(layer.source_frame) / rate_fraction(rate))
            known = self._remember_size(decoder, decoded)
        return known

    def _remember_size(self, decoder: object, decoded: av.VideoFrame) -> tuple[int, int]:
        rotated = decoder.rotation in (90, 270)
        known = (decoded.height, decoded.width) if rotated else (decoded.width, decoded.height)
        self._displayed[decoder.path] = known
        return known

    def _composite(
        self,
        timeline: otio.schema.Timeline,
        shown: list[list[plan.Layer]],
        rate: float,
        size: tuple[int, int],
        fit: str,
    ) -> Picture:
        """Tracks bottom to top, each laid over the result so far; a track's dissolve or fade
        mixes what its clips make of the picture below, by their weights."""
        units = size[0] / document.settings(timeline).width
        canvas = np.zeros((size[1], size[0], 3), np.float32)
        for layers in shown:
            placed = [
                (layer.weight, *self._layer(layer, rate, size, fit, units))
                for layer in layers
                if layer.weight > 0
            ]
            placed = [(weight, found, mode) for weight, found, mode in placed if found is not None]
            if len(placed) == 1 and placed[0][0] >= 1.0:
                compose.lay(canvas, placed[0][1], placed[0][2])
                continue
            total = sum(weight for weight, _found, _mode in placed)
            mixed = canvas * np.float32(max(0.0, 1.0 - total))
            for weight, found, mode in placed:
                mixed += np.float32(weight) * compose.lay(canvas.copy(), found, mode)
            canvas = mixed
        return compose.to_picture(canvas)

    def _layer(
        self, layer: plan.Layer, rate: float, size: tuple[int, int], fit: str, units: float
    ) -> tuple[compose.Layer | None, str]:
        """A clip's picture placed in the frame (None when none of it shows), and how it blends."""
        placed = transform.placement_at(layer.clip, layer.offset)
        if titles.is_title(layer.clip):
            drawn, ink = self._title(layer.clip, size, units)
            return compose.place(drawn, size, placed, FIT, units, ink), placed.blend
        if not placed.moves and placement(self._displayed_size(layer, rate), size, fit) == size:
            return compose.opaque(self._looked(layer, rate, size, fit), placed.opacity), placed.blend
        if is_placeholder(layer.clip):  # a script's shot not generated yet: its storyboard panel
            image = panel_rgb_of(layer.clip, size)
            return compose.place(image, size, placed, fit, units), placed.blend
        image = self._source_rgb(layer.clip, layer.source_frame, rate)
        if layer.between > 0:  # slow motion between two source frames, as on the plain path
            following = self._source_rgb(layer.clip, layer.source_frame + 1, rate)
            image = interpolate.between_rgb(image, following, layer.between, layer.interpolation)
        move = kenburns.move_of(layer.clip)
        if move is not None:  # the move's framing first: transforms place what it shows
            origin = plan.media_origin(layer.clip, rate)
            offset, length = kenburns.clip_offset(layer.clip, layer.source_frame, origin, rate)
            image = kenburns.crop(image, move.rect_at(offset, length))
        image = apply_looks_rgb(image, layer.clip, layer.source_frame, self._reduced_by(layer.clip))
        return compose.place(image, size, placed, fit, units), placed.blend

    def _reduced_by(self, clip: otio.schema.Clip) -> int:
        """How many times smaller than the original the clip's decoded pictures are: a proxy's
        divisor where the viewer reads one, so a transformed clip's looks (run on the source
        at its own size) are the original's, as the export draws them."""
        decoder = self.sources.video(clip)
        return decoder.proxy.divisor if isinstance(decoder, proxies.ProxyDecoder) else 1

    def _source_rgb(self, clip: otio.schema.Clip, source_frame: int, rate: float) -> np.ndarray:
        """A source frame as upright RGB(A) at its own size; the last few are kept, since slow
        motion asks for each again on the next output frame and going back would seek."""
        decoder = self.sources.video(clip)
        seconds = Fraction(source_frame) / rate_fraction(rate)
        key = ("rgb", decoder.path, seconds)
        kept = self._recent_rgb.get(key)
        if kept is not None:
            return kept
        decoded = decoder.frame_at(seconds)
        last = self._rgb.get(id(decoder))
        if last is not None and last[0] is decoded:
            image = last[1]
        else:
            image = compose.source_rgb(decoded, decoder.rotation)
            self._rgb[id(decoder)] = (decoded, image)
        self._recent_rgb[key] = image
        while len(self._recent_rgb) > RECENT_PICTURES:
            self._recent_rgb.popitem(last=False)
        return image

    def _title(
        self, clip: otio.schema.Clip, size: tuple[int, int], units: float
    ) -> tuple[np.ndarray, tuple[int, int, int, int]]:
        """The title drawn at this render's size and the box its ink is in; kept, as a title
        holds still for its length."""
        params = titles.title_settings(clip)
        key = (tuple(sorted(params.items())), size, units)
        kept = self._titles.get(key)
        if kept is None:
            if len(self._titles) >= 8:
                self._titles.pop(next(iter(self._titles)))
            drawn = draw_title(params, size, units)
            ys, xs = np.nonzero(drawn[..., 3])
            ink = None
            if len(xs):
                ink = (
                    max(0, int(xs.min()) - 1),
                    max(0, int(ys.min()) - 1),
                    int(xs.max()) + 2,
                    int(ys.max()) + 2,
                )
            kept = self._titles[key] = (drawn, ink or (0, 0, 0, 0))
        return kept

    def _looked(self, layer: plan.Layer, rate: float, size: tuple[int, int], fit: str) -> Picture:
        """The layer's source picture with its clip's looks (colour, LUT, grain...) applied.

        The picture has the frame's size, which at the project's size is what an export
        encodes; a preview at 1/2 tells the looks so (the project's size), and they draw scan
        lines, grain and the rest as the export has them, scaled down, rather than on the
        preview's own coarser rows. (A transformed clip's looks run on the source at its own
        size, the same in preview and export, before it is placed.)"""
        picture = self._layer_picture(layer, rate, size, fit)
        return apply_looks(picture, layer.clip, layer.source_frame, self._full_size)

    def _layer_picture(self, layer: plan.Layer, rate: float, size: tuple[int, int], fit: str) -> Picture:
        picture = self._source_picture(layer.clip, layer.source_frame, rate, size, fit)
        if layer.between <= 0:
            return picture
        following = self._source_picture(layer.clip, layer.source_frame + 1, rate, size, fit)
        return interpolate.between(picture, following, layer.between, layer.interpolation)

    def _source_picture(
        self, clip: otio.schema.Clip, source_frame: int, rate: float, size: tuple[int, int], fit: str
    ) -> Picture:
        if is_placeholder(clip):  # a script's shot not generated yet: its storyboard panel
            return panel_picture(clip, size)
        decoder = self.sources.video(clip)
        seconds = Fraction(source_frame) / rate_fraction(rate)
        move = kenburns.move_of(clip)
        if move is not None:  # a framing per frame: nothing to share with other clips of the file
            offset, length = kenburns.clip_offset(clip, source_frame, plan.media_origin(clip, rate), rate)
            decoded = decoder.frame_at(seconds)
            return kenburns.moved_picture(move, decoded, decoder.rotation, offset, length, size, fit)
        key = (decoder.path, seconds, size, fit)
        kept = self.cache.get(key) or self._recent.get(key)
        if kept is not None:
            return kept
        decoded = decoder.frame_at(seconds)
        if decoder.path not in self._displayed:
            self._remember_size(decoder, decoded)
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
