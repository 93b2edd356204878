"""Arrays computed from media files, kept on disk so they survive a restart.

Thumbnails and waveform peaks cost a decode to make but are tiny, and a user
reopens the same project many times; recomputing them on every launch would
make a large bin crawl. An entry is keyed by the file's real path, size and
modification time plus what was computed from it, so editing or replacing a
file misses and recomputes rather than showing stale pictures.

The cache is an optimisation and never a reason to fail: an unreadable,
corrupt or foreign entry is a miss (and is overwritten by the next store), and
a full or read-only disk just means nothing is kept. Writes go to a temporary
file in the same folder and are renamed into place, so a crash or a second
Shotline process never sees half an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import MediaError
from engine.paths import data_dir

#: Prefix of in-progress writes; never a valid entry name, so a reader cannot pick one up.
TEMP_PREFIX = ".tmp-"
#: A temporary file this old was left by a crashed writer and may be removed.
STALE_TEMP_SECONDS = 3600.0
#: Pruning goes this far below the limit, so a full cache does not rescan its folder on every store.
PRUNE_TO = 0.9


@dataclass(frozen=True)
class SourceKey:
    """One version of a media file, as it was when its stat was taken."""

    path: str  # absolute, symlinks resolved, so two spellings of one file share entries
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> SourceKey:
        """The file as it is now; `MediaError` when it cannot be looked at."""
        real = os.path.realpath(path)
        try:
            stat = os.stat(real)
        except FileNotFoundError:
            raise MediaError(f"{Path(path)} does not exist") from None
        except OSError as error:
            raise MediaError(f"{Path(path).name} cannot be read ({error.strerror or error})") from None
        return cls(real, stat.st_size, stat.st_mtime_ns)

    def still_current(self) -> bool:
        """Whether the file is unchanged since this key was taken (so a result made from it may be kept)."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


class DiskCache:
    """Numpy arrays under `data_dir()/cache/<kind>/`, one `.npy` file per (source, params).

    The folder is looked up on each call rather than fixed at construction, so
    module-level caches follow `SHOTLINE_DATA_DIR` as tests and portable
    installs set it. Safe to share between threads and processes.
    """

    def __init__(self, kind: str, max_megabytes: float | None = None) -> None:
        self.kind = kind
        self.max_bytes = None if max_megabytes is None else int(max_megabytes * 1024 * 1024)
        self._lock = threading.Lock()
        self._estimate: dict[Path, int] = {}  # bytes believed stored, per folder; rescanned when over

    @property
    def folder(self) -> Path:
        return data_dir() / "cache" / self.kind

    def file_for(self, source: SourceKey, params: str) -> Path:
        """The entry's file: a hash, because paths can be longer or stranger than file names allow."""
        text = "\0".join((source.path, str(source.size), str(source.mtime_ns), self.kind, params))
        return self.folder / (hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() + ".npy")

    def get(
        self, source: SourceKey, params: str, valid: Callable[[np.ndarray], bool] | None = None
    ) -> np.ndarray | None:
        """The stored array, or None on a miss; `valid` rejects entries of the wrong shape or type."""
        try:
            file = self.file_for(source, params)
            with open(file, "rb") as stream:
                array = np.load(stream, allow_pickle=False)
        except Exception:  # missing, truncated, foreign or unreadable: a miss, never a failure
            return None
        if not isinstance(array, np.ndarray) or (valid is not None and not valid(array)):
            return None
        with contextlib.suppress(OSError):
            os.utime(file)  # recently used entries are the last to be pruned
        return array

    def put(self, source: SourceKey, params: str, array: np.ndarray) -> bool:
        """Store `array` atomically; False (and nothing stored) when the disk will not take it."""
        temp: str | None = None
        try:
            file = self.file_for(source, params)
            file.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".npy", dir=file.parent)
            with os.fdopen(handle, "wb") as stream:
                np.save(stream, np.ascontiguousarray(array), allow_pickle=False)
                stream.flush()
                os.fsync(stream.fileno())
            size = os.path.getsize(temp)
            os.replace(temp, file)
            temp = None
        except OSError:
            return False
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
        if self.max_bytes is not None:
            self._account(file.parent, size)
        return True

    def _account(self, folder: Path, added: int) -> None:
        with self._lock:
            estimate = self._estimate.get(folder)
            if estimate is None:
                estimate = self._scan_size(folder)
            else:
                estimate += added
            if estimate > self.max_bytes:
                estimate = self._prune(folder)
            self._estimate[folder] = estimate

    def _entries(self, folder: Path) -> list[tuple[float, int, Path]]:
        """(last used, size, file) of each entry; crashed writers' leftovers are removed on the way."""
        entries = []
        now = time.time()
        for file in folder.iterdir():
            try:
                stat = file.stat()
            except OSError:
                continue  # removed by another thread or process meanwhile
            if file.name.startswith(TEMP_PREFIX):
                if now - stat.st_mtime > STALE_TEMP_SECONDS:
                    with contextlib.suppress(OSError):
                        file.unlink()
                continue
            if file.suffix == ".npy":
                entries.append((stat.st_mtime, stat.st_size, file))
        return entries

    def _scan_size(self, folder: Path) -> int:
        try:
            return sum(size for _, size, _ in self._entries(folder))
        except OSError:
            return 0

    def _prune(self, folder: Path) -> int:
        """Remove least recently used entries until under the limit; the bytes left."""
        try:
            entries = sorted(self._entries(folder))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        target = int(self.max_bytes * PRUNE_TO)
        for _, size, file in entries:
            if total <= target:
                break
            with contextlib.suppress(OSError):
                file.unlink()
                total -= size
        return total
