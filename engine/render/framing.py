"""Fill frame and Fit frame for a clip on the timeline: its picture's size read from its media.

The transform model (`engine.project.transform.reframe`) works from a
picture size it is given, as the project layer reads no files; here that
size comes from probing the clip's media (upright, as displayed), or is the
frame itself for a title, which is drawn at the frame's size.
"""

from __future__ import annotations

import os

from engine.errors import EditError
from engine.media.probe import probe
from engine.project import titles, transform
from engine.project.change import Change
from engine.project.document import Clip, Timeline, find_clip, settings
from engine.render.sources import media_path


def picture_size(timeline: Timeline, clip: Clip) -> tuple[int, int]:
    """The clip's picture as displayed (width, height); an EditError for a clip without one."""
    if titles.is_title(clip):
        project = settings(timeline)
        return project.width, project.height
    info = probe(os.fspath(media_path(clip)))
    if info.video is None:
        raise EditError(f"Clip {clip.name!r} has no picture to fill or fit")
    return info.video.width, info.video.height


def reframe_clip(timeline: Timeline, ident: str, mode: str) -> Change:
    """Fill ("fill") or fit ("fit") the clip's picture to the sequence frame, one undo step."""
    _track, clip = find_clip(timeline, ident)
    return transform.reframe(timeline, ident, mode, picture_size(timeline, clip))
