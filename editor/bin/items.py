"""One bin item: a file, what is known about it so far, and how its row reads.

An item starts as "probing" the moment it is imported and fills in when its
probe comes back; "error" keeps the engine's one-line message to show in the
row; "offline" means the file is not where the project says it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from pathlib import Path

from PySide6.QtGui import QIcon

from engine.media.probe import MediaInfo
from engine.project.provenance import Provenance
from engine.project.times import rate_fraction, timecode


class State(Enum):
    PROBING = "probing"
    READY = "ready"
    ERROR = "error"
    OFFLINE = "offline"


@dataclass
class MediaItem:
    path: Path
    imported: bool = True  # False: listed because the timeline uses it, never imported
    state: State = State.PROBING
    info: MediaInfo | None = None
    error: str = ""
    icon: QIcon | None = None  # the thumbnail or waveform once it has arrived
    made: Provenance | None = None  # a generation result's provenance, read from its cache entry
    title: str | None = None  # the document's name for it ("Salt flat · take 3"); None: the file's name

    @property
    def animatic(self) -> bool:
        """Made by the storyboard backend, not a model: said so wherever the item shows."""
        made = self.made
        return made is not None and (made.backend == "animatic" or bool(made.extra.get("animatic")))

    @property
    def name(self) -> str:
        """What the bin calls it: a generated take by its clip and take, anything else by its file."""
        return self.title or self.path.name

    def duration_text(self, project_rate: float) -> str:
        """The length as timecode at the project's rate, as the timeline will count it."""
        if self.info is None:
            return ""
        if self.info.kind == "image" or self.info.duration is None:
            return "Still"
        frames = math.floor(self.info.duration * rate_fraction(project_rate))
        return timecode(frames, project_rate)

    def format_text(self) -> str:
        """Picture size and frame rate, and the sound's sample rate and channels."""
        info = self.info
        if info is None:
            return ""
        parts = []
        if info.video is not None:
            parts.append(f"{info.video.width}x{info.video.height}")
            if info.kind != "image":
                parts.append(f"{fps_text(info.video.rate)} fps")
        if info.audio is not None:
            parts.append(f"{info.audio.sample_rate} Hz {channels_text(info.audio.channels)}")
        return " · ".join(parts)

    def status_text(self) -> str:
        if self.state is State.PROBING:
            return "Probing…"
        if self.state is State.ERROR:
            return self.error
        if self.state is State.OFFLINE:
            return "Offline: the file is missing (right-click to relink)"
        parts = [] if self.imported else ["On the timeline"]
        if self.made is not None:
            parts.append(f"Generated: {made_by(self.made)}")
        return " · ".join(parts)

    def tooltip(self, project_rate: float) -> str:
        lines = [str(self.path)]
        status = self.status_text()
        if status:
            lines.append(status)
        if self.info is not None and self.state is not State.ERROR:
            lines.append(f"{self.duration_text(project_rate)} · {self.format_text()}")
        made = self.made
        if made is not None and self.state is not State.ERROR:
            lines.append(f"{made.task}" + (f" · seed {made.seed}" if made.seed is not None else ""))
            if made.prompt:
                lines.append(f"Prompt: {made.prompt}")
        return "\n".join(lines)


def made_by(made: Provenance) -> str:
    """Which backend made a result, the animatic named as a storyboard so nobody takes it for a model's."""
    if made.backend == "animatic" or made.extra.get("animatic"):
        return "animatic (storyboard, no AI model)"
    return f"{made.backend} · {made.model_id}" if made.model_id else made.backend


def fps_text(rate: Fraction) -> str:
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def channels_text(channels: int) -> str:
    return {1: "mono", 2: "stereo"}.get(channels, f"{channels} ch")
