"""What a drag from the media bin (or the source viewer) carries: files and, optionally, a range.

A custom MIME type holding JSON, so the timeline can tell a bin item from a
file dragged in from the file manager (which arrives as plain URLs and is
imported first), and so no Python object crosses a drag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMimeData

MEDIA_MIME = "application/x-shotline-media"


@dataclass(frozen=True)
class MediaDrag:
    path: Path
    start: int | None = None  # source in point, in project frames, from the source viewer's marks
    frames: int | None = None  # how many frames; None: the whole file


def encode(items: list[MediaDrag]) -> QMimeData:
    data = QMimeData()
    payload = [{"path": str(i.path), "start": i.start, "frames": i.frames} for i in items]
    data.setData(MEDIA_MIME, json.dumps(payload).encode())
    data.setUrls([])
    return data


def decode(data: QMimeData) -> list[MediaDrag]:
    """The media a drop carries; [] when it carries none of ours (or is malformed)."""
    if not data.hasFormat(MEDIA_MIME):
        return []
    try:
        payload = json.loads(bytes(data.data(MEDIA_MIME)).decode())
        return [MediaDrag(Path(i["path"]), i.get("start"), i.get("frames")) for i in payload]
    except (ValueError, KeyError, TypeError):
        return []
