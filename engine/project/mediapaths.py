"""Where a media reference's file is, as written in a project file and as used in memory.

In memory every path is absolute and plain (``/home/me/film/shot.mp4``), which
is what decoders open. In a project file, media under the project's folder
are written relative to it (``media/shot.mp4``) so a project folder can be
moved or shared whole; other media are written as ``file://`` URLs with
percent-encoding, OTIO's convention. Files from other tools may use either
form, Windows paths aside.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import opentimelineio as otio

from engine.errors import one_line


def path_from_url(url: str, base: Path | None = None) -> Path | None:
    """The file a target URL names, resolved against `base` when relative; None if not a file."""
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme and len(parsed.scheme) > 1:  # http:, s3:, ...: not a local file
        return None
    path = Path(url)
    if not path.is_absolute() and base is not None:
        path = base / path
    return Path(os.path.normpath(path))


#: Longer paths are shortened in messages (their middle left out): a message is read, not parsed.
SHOWN_LENGTH = 300


def shown(path: str | os.PathLike[str]) -> str:
    """A path for a one-line message: control characters as escapes, an absurdly long one shortened."""
    text = one_line(os.fspath(path))
    if len(text) <= SHOWN_LENGTH:
        return text
    half = SHOWN_LENGTH // 2
    return f"{text[:half]}…{text[-half:]}"


#: What a path names when it is not a regular file, for "X is a folder, not a media file".
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_problem(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot be read as a media file ("does not exist", "is a folder, ..."); None if it can.

    Says what is there rather than calling everything missing: a folder, a
    pipe or a device at a media path is a different mistake from a moved file
    (and opening a pipe or a device to read it could block forever).
    """
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "does not exist"
    except ValueError:  # a NUL character
        return "is not a valid file name"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    kind = _kind(mode)
    return None if kind is None else f"is {kind}, not a media file"


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def special_kind(path: str | os.PathLike[str]) -> str | None:
    """What is at `path` (through links) when it is there and not a regular file: "a folder", "a device"...

    None when nothing is there or it is a regular file: what a save or an
    export may replace. Anything else at a destination is never replaced.
    """
    try:
        return _kind(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def url_for_file(path: Path, base: Path) -> str:
    """How a file is written into a project saved in folder `base`."""
    try:
        return PurePosixPath(path.resolve().relative_to(base.resolve())).as_posix()
    except ValueError:
        return path.resolve().as_uri()


def external_references(
    timeline: otio.schema.Timeline,
) -> list[tuple[otio.schema.Clip, str, otio.schema.ExternalReference]]:
    """Every external reference of every clip, all takes included, with its take key."""
    found = []
    for clip in timeline.find_clips():
        for key, ref in clip.media_references().items():
            if isinstance(ref, otio.schema.ExternalReference):
                found.append((clip, key, ref))
    return found


def file_identity(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """A file as provenance and cache keys name it: its absolute path and a hash of its content.

    A reference image replaced under the same name has another hash, which is
    how a take made from the old picture is known to be stale; a missing file
    has no hash (None), so it never matches one that was there. The hash of a
    file whose size and modification time have not changed is remembered:
    the Storyboard asks for every take's references after each edit.
    """
    absolute = os.path.abspath(path)
    try:
        facts = os.stat(absolute)
    except (OSError, ValueError):
        return {"path": absolute, "sha256": None}
    if not stat.S_ISREG(facts.st_mode):  # a pipe or a device would block the read, a folder has no content
        return {"path": absolute, "sha256": None}
    version = (facts.st_ino, facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns)
    return {"path": absolute, "sha256": _sha256(absolute, version)}


@functools.lru_cache(maxsize=4096)
def _sha256(absolute: str, _version: tuple[int, int, int, int]) -> str | None:
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(absolute, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
