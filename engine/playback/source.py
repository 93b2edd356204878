"""A file on its own, as the source viewer plays it, and the clips a marked range of it makes.

The source viewer shows a one-file timeline at the project's rate (so its
frames are the frames an edit will use) and at the file's own shape (so a
portrait phone clip is not squeezed into a landscape frame). Inserting or
overwriting copies the file's clips with the marked range and fresh ids;
nothing is probed again, so building the edit does no file I/O.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from engine.media.probe import probe
from engine.media.reference import clips_for
from engine.project import document, trackedit
from engine.project.clips import clip_kind
from engine.project.document import VIDEO, new_id, new_project, shotline_meta
from engine.project.times import rate_fraction

#: How long a still lasts when it is edited in, as in Premiere's default still duration.
STILL_SECONDS = 5


def still_frames(rate: float) -> int:
    return round(STILL_SECONDS * rate_fraction(rate))


def _even(value: int) -> int:
    return max(2, value // 2 * 2)


def source_timeline(path: str | os.PathLike[str], rate: float, size: tuple[int, int]) -> otio.schema.Timeline:
    """A timeline holding just this file on V1/A1 (what it has), at project `rate`; reads the file."""
    info = probe(path)
    if info.video is not None:
        scale = min(Fraction(size[0], info.video.width), Fraction(size[1], info.video.height), Fraction(1))
        size = (_even(int(info.video.width * scale)), _even(int(info.video.height * scale)))
    timeline = new_project(Path(path).name, rate=rate, size=size, video_tracks=1, audio_tracks=1)
    clips = clips_for(path, rate, still_frames(rate) if info.kind == "image" else None)
    for clip in clips:
        name = "V1" if clip_kind(clip) == VIDEO else "A1"
        document.track(timeline, name).append(clip)
    return timeline


def source_length(timeline: otio.schema.Timeline) -> int:
    return trackedit.timeline_end(timeline, document.settings(timeline).rate)


def placements(timeline: otio.schema.Timeline, first: int, count: int) -> dict[str, otio.schema.Clip]:
    """Fresh clips (new ids, linked to each other) of frames [first, first + count) of the source."""
    rate = document.settings(timeline).rate
    link = new_id()
    out: dict[str, otio.schema.Clip] = {}
    for track in document.tracks(timeline):
        for item in track:
            if not isinstance(item, otio.schema.Clip):
                continue
            clip = item.clone()
            start, _ = trackedit.source_frames(item, rate)
            trackedit.set_source(clip, start + first, count, rate)
            meta = shotline_meta(clip)
            meta["id"] = new_id()
            if "link" in meta:
                meta["link"] = link
            out[track.name] = clip
    return out
