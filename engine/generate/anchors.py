"""Neighbours' frames as anchors: a shot asked to end on the picture the next shot starts from.

Generate all, when asked (--anchors, the Storyboard's "Anchor Shots to
Their Neighbours"), gives each shot's image-to-video job a `last_image`:
the keyframe of the next shot when that shot is generated in the same batch
(its keyframe is made first), else the first frame of the clip that follows
it as the timeline shows it now, rendered by the one renderer. Only a model
that can end on a given picture honours it (the video task refuses, never
ignores, one that cannot), which is why anchors are asked for, not default.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import opentimelineio as otio
from PIL import Image

from engine.atomic import write_atomically
from engine.project import document, trackedit
from engine.project.document import VIDEO, Timeline
from engine.project.placeholders import is_placeholder


def next_picture(timeline: Timeline, ident: str) -> str | None:
    """The id of the picture clip that follows clip `ident` at its cut (none after a gap or the end)."""
    track, clip = document.find_clip(timeline, ident)
    if track.kind != VIDEO:
        return None
    rate = document.settings(timeline).rate
    slots = trackedit.layout(track, rate)
    here = next((i for i, s in enumerate(slots) if s.item is clip), None)
    if here is None or here + 1 >= len(slots):
        return None
    after = slots[here + 1]
    if not isinstance(after.item, otio.schema.Clip) or after.start != slots[here].end:
        return None
    return document.clip_id(after.item)


def anchor_for(
    timeline: Timeline, ident: str, keyframes: dict[str, str], cache_dir: str | os.PathLike[str] | None
) -> str | None:
    """The picture shot `ident` should end on: its neighbour's keyframe, or the neighbour as it plays."""
    neighbour = next_picture(timeline, ident)
    if neighbour is None:
        return None
    if neighbour in keyframes:
        return keyframes[neighbour]
    _, clip = document.find_clip(timeline, neighbour)
    if is_placeholder(clip) or cache_dir is None:
        return None
    return str(_first_frame(timeline, neighbour, Path(cache_dir)))


def _first_frame(timeline: Timeline, ident: str, cache_dir: Path) -> Path:
    """The clip's first frame on the timeline, as a PNG in the cache named for what it shows."""
    from engine.render.video import video_frame

    track, clip = document.find_clip(timeline, ident)
    rate = document.settings(timeline).rate
    start = next(s.start for s in trackedit.layout(track, rate) if s.item is clip)
    solo = timeline.clone()  # the clip alone, so an upper track or a dissolve does not cover it
    for other in document.tracks(solo, VIDEO):
        if other.name != track.name:
            other.enabled = False
    rgb = video_frame(solo, start)
    digest = hashlib.sha256(rgb.tobytes()).hexdigest()[:16]
    target = cache_dir / "references" / f"anchor-{ident}-{digest}.png"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        from io import BytesIO

        data = BytesIO()
        Image.fromarray(rgb).save(data, format="PNG")
        write_atomically(target, data.getvalue())
    return target
