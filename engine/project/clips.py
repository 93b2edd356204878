"""Making clips from media: the one place that turns a file's ranges into timeline items.

Clips keep their source range at the project rate even when the media runs at
another rate (a 25 fps file on a 30 fps timeline): every position and length
on the timeline is then a whole number of project frames, and the renderer
maps a source time to the media frame showing at that instant.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project.document import AUDIO, VIDEO, Clip, clip_id, new_id, shotline_meta
from engine.project.times import TimeRange, ceil_frames, floor_frames, tr


def media_reference(
    target_url: str, available_range: TimeRange | None, still: bool = False
) -> otio.schema.ExternalReference:
    """An external reference; a still image has no fixed length (held as long as wanted)."""
    ref = otio.schema.ExternalReference(target_url=target_url, available_range=available_range)
    if still:
        ref.metadata["shotline"] = {"still": True}
    return ref


def media_clip(
    name: str,
    reference: otio.schema.ExternalReference,
    rate: float,
    duration: int | None = None,
    source_start: int | None = None,
    kind: str = VIDEO,
) -> Clip:
    """A clip showing `duration` frames (default: all) of `reference` from `source_start`.

    `kind` records whether this is the picture or the sound of the file, so a
    clip only ever lands on a track of its own kind.
    """
    available = reference.available_range
    if available is not None and not reference.metadata.get("shotline", {}).get("still"):
        lo = ceil_frames(available.start_time, rate)
        hi = floor_frames(available.end_time_exclusive(), rate)
    else:
        lo, hi = 0, None
    start = lo if source_start is None else source_start
    if duration is None:
        if hi is None:
            raise EditError(f"{name}: a still needs a duration")
        duration = hi - start
    if duration <= 0:
        raise EditError(f"{name}: a clip needs a positive duration")
    if start < lo or (hi is not None and start + duration > hi):
        raise EditError(f"{name}: the range asked for is outside the media")
    clip = otio.schema.Clip(name=name, media_reference=reference, source_range=tr(start, duration, rate))
    shotline_meta(clip)["kind"] = "audio" if kind == AUDIO else "video"
    clip_id(clip)
    return clip


def clip_kind(clip: Clip) -> str:
    """VIDEO or AUDIO: the kind of track this clip belongs on."""
    return AUDIO if clip.metadata.get("shotline", {}).get("kind") == "audio" else VIDEO


def linked_av(
    name: str,
    reference: otio.schema.ExternalReference,
    rate: float,
    duration: int | None = None,
    source_start: int | None = None,
) -> tuple[Clip, Clip]:
    """The picture and the sound of one file as two clips linked to each other."""
    video = media_clip(name, reference, rate, duration, source_start, VIDEO)
    audio = media_clip(name, reference.clone(), rate, duration, source_start, AUDIO)
    shared = new_id()
    shotline_meta(video)["link"] = shared
    shotline_meta(audio)["link"] = shared
    return video, audio
