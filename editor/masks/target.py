"""The clip a mask is painted on: its media, and where a viewer point and a playhead frame land in it.

In Mask mode the viewer shows the timeline frame with only the target clip's
track in it (`solo_timeline`), so a clip covered by a higher track is still
seen while it is painted, as Resolve's Magic Mask shows a lower clip. The
clip's media is fitted into the project frame with its shape kept
(letterbox or pillarbox) and the frame is fitted into the widget the same
way. A point on screen is mapped back
through both fits to the media's own pixels, and the playhead's frame to the
media frame showing there, because masks are stored per media frame at the
media's size (see `engine.masks.sequence`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QPointF, QRectF

from engine.errors import ShotlineError
from engine.project import document, trackedit
from engine.project.document import VIDEO, shotline_meta
from engine.project.times import rate_fraction
from engine.render import plan
from engine.render.sources import media_path


@dataclass(frozen=True)
class MaskTarget:
    clip_id: str
    name: str
    media: Path
    size: tuple[int, int]  # the media's picture, as displayed
    media_rate: Fraction


def clip_media(timeline: otio.schema.Timeline, ident: str) -> Path:
    """The file a picture clip plays; ShotlineError (with words for the user) otherwise."""
    track, clip = document.find_clip(timeline, ident)
    if track.kind != VIDEO:
        raise ShotlineError(f"{clip.name or 'This clip'} is sound: select a picture clip to paint a mask")
    return media_path(clip)


def solo_timeline(timeline: otio.schema.Timeline, ident: str) -> otio.schema.Timeline:
    """`timeline` (a copy the caller owns) with every picture track but clip `ident`'s switched off.

    The clip's own track is shown even when the user hid it: what is painted
    must be seen. Other clips of that track stay, so the picture around the
    clip (and a dissolve into it) reads as the cut does. A clip that is gone
    leaves the timeline as it was.
    """
    try:
        own, _ = document.find_clip(timeline, ident)
    except ShotlineError:
        return timeline
    for track in document.tracks(timeline, VIDEO):
        shown = track is own
        track.enabled = shown
        if shown:
            shotline_meta(track)["hidden"] = False
    return timeline


def media_frame(timeline: otio.schema.Timeline, target: MaskTarget, frame: int) -> int | None:
    """The media frame of the target clip at timeline `frame`, or None when the clip is not there."""
    try:
        track, clip = document.find_clip(timeline, target.clip_id)
    except ShotlineError:
        return None
    rate = document.settings(timeline).rate
    slot = trackedit.slot_of(track, clip, rate)
    if not slot.start <= frame < slot.end:
        return None
    start, _ = trackedit.source_frames(clip, rate)
    return _to_media(start - plan.media_origin(clip, rate) + frame - slot.start, rate, target.media_rate)


def media_range(timeline: otio.schema.Timeline, target: MaskTarget) -> tuple[int, int]:
    """(first media frame, count) the clip shows: what tracking and inpainting work on."""
    _, clip = document.find_clip(timeline, target.clip_id)
    rate = document.settings(timeline).rate
    start, length = trackedit.source_frames(clip, rate)
    origin = plan.media_origin(clip, rate)
    first = _to_media(start - origin, rate, target.media_rate)
    last = _to_media(start - origin + length - 1, rate, target.media_rate)
    return first, last - first + 1


def _to_media(source_frame: int, rate: float, media_rate: Fraction) -> int:
    """The media frame showing at a source frame of the project rate (the renderer's rule)."""
    seconds = Fraction(source_frame) / rate_fraction(rate)
    return max(0, math.floor(seconds * media_rate + Fraction(1, 10**6)))


def media_rect(picture: QRectF, project: tuple[int, int], media: tuple[int, int]) -> QRectF:
    """Where the media's pixels are on screen, given where the project frame is drawn."""
    (width, height), (mw, mh) = project, media
    fit = min(width / mw, height / mh)
    x, y = (width - mw * fit) / 2, (height - mh * fit) / 2
    sx, sy = picture.width() / width, picture.height() / height
    return QRectF(picture.x() + x * sx, picture.y() + y * sy, mw * fit * sx, mh * fit * sy)


def to_media(point: QPointF, shown: QRectF, media: tuple[int, int]) -> QPointF:
    """A point on screen in the media's pixels (may lie outside the picture while dragging)."""
    return QPointF(
        (point.x() - shown.x()) * media[0] / shown.width(),
        (point.y() - shown.y()) * media[1] / shown.height(),
    )
