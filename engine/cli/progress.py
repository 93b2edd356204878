"""The command line's progress bar, shared by `export` and `generate`."""

from __future__ import annotations

import time
from typing import TextIO

from engine.export.mp4 import Progress


class ProgressBar:
    """A one-line bar redrawn at most ten times a second, so it costs nothing next to encoding."""

    def __init__(self, stream: TextIO, width: int = 30, unit: str = "frames") -> None:
        self.stream, self.width, self.unit = stream, width, unit
        self._last = 0.0

    def __call__(self, progress: Progress, unit: str | None = None) -> None:
        """Draw `progress`; `unit` names what it counts when not the bar's own (a transfer's MB)."""
        now = time.monotonic()
        if progress.done < progress.total and now - self._last < 0.1:
            return
        self._last = now
        filled = round(self.width * progress.fraction)
        eta = "" if progress.eta is None else f", {_clock(progress.eta)} left"
        bar = "#" * filled + "-" * (self.width - filled)
        counted = f"{progress.done}/{progress.total} {unit or self.unit}"
        line = f"\r[{bar}] {progress.fraction:4.0%} {counted}{eta}   "
        self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
