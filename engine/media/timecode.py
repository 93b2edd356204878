"""A media file's start timecode: where its first frame sits in the source time other editors use.

Camera files and the media other editors conform carry a start timecode
(``01:00:00:00`` is common) in a QuickTime ``tmcd`` track or an MXF/MP4
tag. An EDL, FCP XML or AAF addresses source frames in that time: a clip cut
from ``01:00:04:05`` of such a file shows the file's frame 4 s 5 f in, not a
frame an hour in. The renderer counts from the reference's available range
start (`engine.render.plan.media_origin`), so a relinked reference starts
there.
"""

from __future__ import annotations

import os
from fractions import Fraction

import opentimelineio as otio

from engine.errors import MediaError
from engine.media.probe import open_container


def start_timecode(path: str | os.PathLike[str], rate: Fraction) -> otio.opentime.RationalTime | None:
    """The file's first frame as a time at `rate` (its frame rate), or None when it has no timecode."""
    with open_container(path) as container:
        tags = [dict(container.metadata)] + [dict(s.metadata) for s in container.streams]
    for tags_of in tags:
        text = tags_of.get("timecode")
        if not text:
            continue
        try:
            return otio.opentime.from_timecode(text, float(rate))
        except (ValueError, TypeError):
            raise MediaError(
                f"{os.fspath(path)} has a start timecode Shotline cannot read ({text})"
            ) from None
    return None
