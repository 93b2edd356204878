"""The engine daemon's log, kept to a size: it runs for hours on a GPU box nobody looks at.

The daemon's stderr (its own lines, a job's traceback, a library's warnings
written straight to file descriptor 2) goes to `engine-daemon.log` in the
data folder. Once that passes `LOG_LIMIT` bytes it becomes
`engine-daemon.log.1` (replacing the one before) and a fresh log starts, so
at most twice the limit is ever kept.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

LOG_LIMIT = 5_000_000  # bytes


def log_path(folder: Path) -> Path:
    return folder / "engine-daemon.log"


def rotate_if_large(path: Path, limit: int = LOG_LIMIT) -> bool:
    """Move the log aside once it has grown past `limit`; True if it was."""
    try:
        if path.stat().st_size < limit:
            return False
        os.replace(path, path.with_name(f"{path.name}.1"))
    except OSError:
        return False
    return True


class RotatingLog:
    """A text stream for sys.stderr that rotates its file at `limit` and keeps fd 2 pointed at it."""

    def __init__(self, path: Path, limit: int = LOG_LIMIT, fd: int | None = 2) -> None:
        self.path, self.limit, self.fd = path, limit, fd
        self._lock = threading.Lock()
        self._open()

    def _open(self) -> None:
        self._file = open(self.path, "a", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115
        if self.fd is not None:  # what C code and subprocesses write to stderr lands here too
            os.dup2(self._file.fileno(), self.fd)

    def write(self, text: str) -> int:
        with self._lock:
            self._file.write(text)
            if self._file.tell() >= self.limit:
                self._file.close()
                rotate_if_large(self.path, self.limit)
                self._open()
        return len(text)

    def flush(self) -> None:
        with self._lock:
            self._file.flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:
        return "utf-8"


def log_to(path: Path) -> RotatingLog:
    """Send this process's stderr to the rotating log at `path`."""
    log = RotatingLog(path)
    sys.stderr = log  # type: ignore[assignment]
    return log
