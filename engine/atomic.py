"""Writing a file so that a reader finds either the old one or the whole new one, never half.

Written under a temporary name in the same folder, flushed to disk, then
renamed over the target in one step; if anything fails the temporary file
goes and the old file stays as it was. Projects and recovery journals both
need exactly this.

What a writer killed outright leaves behind (an export's partial file, a
job's scratch folder) is cleaned by the next run with `remove_stale`:
writers mark their temporary files in use with `holding`, and only
leftovers that are old, the user's own and held by nobody are removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


def write_atomically(
    target: Path, data: bytes, suffix: str = ".writing", new_mode: int | None = None
) -> None:
    """Replace `target` with `data`; OSError (and the old file untouched) if that cannot be done.

    The file keeps what a save must not change: a symbolic link is written
    through (its target gets the new content; the link stays a link), and
    an existing file keeps its permissions and, where allowed, its owner and
    group. A new file gets `new_mode`, or what any new file would (0666
    less the umask), not the private mode of a temporary file.
    """
    target = Path(os.path.realpath(target)) if os.path.islink(target) else Path(target)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            _take_over_mode(out.fileno(), target, new_mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def _take_over_mode(fd: int, target: Path, new_mode: int | None) -> None:
    try:
        old = os.stat(target)
    except FileNotFoundError:
        if new_mode is None:
            umask = os.umask(0)
            os.umask(umask)
            new_mode = 0o666 & ~umask
        os.fchmod(fd, new_mode)
        return
    if hasattr(os, "fchown"):
        with contextlib.suppress(OSError):  # only root may give a file away; a group we are in is fine
            os.fchown(fd, old.st_uid, old.st_gid)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


# leftovers of killed writers -------------------------------------------------------------------

#: A leftover younger than this may belong to a writer that has only just started (made its
#: temporary file, not yet marked it in use), so it is never removed.
STALE_AFTER = 300.0  # seconds
#: The prefix of a folder being removed (renamed first, so readers never find half of it).
DOOMED = ".delete-"


@contextlib.contextmanager
def holding(path: Path) -> Iterator[None]:
    """Mark the file or folder `path` in use while the block runs.

    The mark is an advisory lock the kernel drops when the process ends,
    however it ends, so a writer killed with SIGKILL leaves a leftover that
    the next run sees as free. Where locks do not exist (Windows), nothing
    is marked and nothing is ever cleaned as stale.
    """
    if fcntl is None:
        yield
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def in_use(path: Path) -> bool:
    """Whether a live process holds `path` (see `holding`); True when that cannot be told."""
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def _newest_change(path: Path, info: os.stat_result) -> float:
    newest = info.st_mtime
    if stat.S_ISDIR(info.st_mode):
        for root, dirs, files in os.walk(path):
            for name in (*dirs, *files):
                with contextlib.suppress(OSError):
                    newest = max(newest, os.lstat(os.path.join(root, name)).st_mtime)
    return newest


def remove_stale(paths: Iterable[Path], older_than: float = STALE_AFTER) -> list[Path]:
    """Remove what killed writers left (partial files, scratch folders); returns what went.

    Only a leftover that is this user's own, unchanged for `older_than`
    seconds and not held by a live writer goes. A link is never followed
    or removed; anything that cannot be removed is left as it is.
    """
    removed: list[Path] = []
    now = time.time()
    for path in paths:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if stat.S_ISLNK(info.st_mode) or not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            continue
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            continue
        if now - _newest_change(path, info) < older_than or in_use(path):
            continue
        try:
            if stat.S_ISDIR(info.st_mode):
                doomed = path
                if not path.name.startswith(DOOMED):
                    doomed = path.with_name(f"{DOOMED}{path.name}")
                    os.replace(path, doomed)  # out of sight in one step, then removed
                shutil.rmtree(doomed, ignore_errors=True)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed
