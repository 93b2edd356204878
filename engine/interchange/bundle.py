"""`.otioz` bundles: a project and every file it uses (all takes included) in one file to hand on.

The layout is OpenTimelineIO's own (``version.txt``, ``content.otio``, and
the media under ``media/``), so OTIO's otioz adapter and other tools read
it; unlike that adapter's writer, every take of every clip goes in, not just
the one playing, so whoever opens it can still switch takes.

Opening a bundle unpacks it into a folder next to it (``film.otioz`` into
``film/``) and opens ``content.otio`` there: its media references are
relative to that folder, so the project comes back already relinked.
Unpacking refuses names that would leave the folder and archives larger
than the free disk space.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import opentimelineio as otio

from engine.errors import ExportError, ProjectFileError
from engine.project import persistence
from engine.project.document import Timeline
from engine.project.mediapaths import path_from_url
from engine.project.persistence import LoadedProject

VERSION_FILE, VERSION = "version.txt", "1.0.0"
CONTENT = "content.otio"
MEDIA = "media"


#: Called as media are copied in: (bytes written, bytes in all). It may raise to stop the bundle.
Progress = Callable[[int, int], None]
CHUNK = 4 * 2**20


def write_bundle(timeline: Timeline, target: Path, progress: Progress | None = None) -> Path:
    """Write `target` (.otioz) with the timeline and all its media; missing media are an error.

    Whatever stops it (a full disk, `progress` raising because the user cancelled) leaves no file.
    """
    copy = timeline.clone()
    files: dict[Path, str] = {}
    missing: list[str] = []
    used: set[str] = set()
    for clip in copy.find_clips():
        for ref in clip.media_references().values():
            url = getattr(ref, "target_url", None)
            path = path_from_url(url) if url else None
            if path is None:
                continue
            if not path.is_file():
                missing.append(f"{clip.name}: {path}")
                continue
            if path not in files:
                files[path] = _unique(path.name, used)
            ref.target_url = f"{MEDIA}/{files[path]}"
    if missing:
        raise ExportError(
            f"Cannot bundle {target.name}: {len(missing)} media file(s) are missing "
            f"({missing[0]}); relink them first"
        )
    content = otio.adapters.write_to_string(copy, "otio_json")
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".writing", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        with zipfile.ZipFile(temp, "w") as archive:
            archive.writestr(VERSION_FILE, VERSION, compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr(CONTENT, content, compress_type=zipfile.ZIP_DEFLATED)
            total, done = sum(path.stat().st_size for path in files), 0
            if progress is not None:
                progress(0, total)
            for path, name in files.items():  # media are compressed already
                entry = zipfile.ZipInfo.from_file(path, f"{MEDIA}/{name}")
                entry.compress_type = zipfile.ZIP_STORED
                with open(path, "rb") as source, archive.open(entry, "w", force_zip64=True) as sink:
                    while chunk := source.read(CHUNK):
                        sink.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, total)
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return target


def _unique(name: str, used: set[str]) -> str:
    stem, suffix = os.path.splitext(name)
    candidate, n = name, 1
    while candidate.lower() in used:
        n += 1
        candidate = f"{stem}-{n}{suffix}"
    used.add(candidate.lower())
    return candidate


def unpack_folder(source: Path) -> Path:
    """Where a bundle unpacks: a folder named after it, or ``name (2)`` when that one is taken."""
    folder = source.with_suffix("")
    n = 1
    while folder.exists() and not (folder / CONTENT).is_file():
        n += 1
        folder = source.with_name(f"{source.stem} ({n})")
    return folder


def open_bundle(source: Path) -> LoadedProject:
    """Unpack `source` next to itself (once; a second open reuses the folder) and open its project."""
    if not zipfile.is_zipfile(source):
        raise ProjectFileError(f"{source.name} is not an OTIO bundle (not a zip archive)")
    folder = unpack_folder(source)
    if not (folder / CONTENT).is_file():
        _unpack(source, folder)
    return persistence.load(folder / CONTENT)


def _unpack(source: Path, folder: Path) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if CONTENT not in names:
                raise ProjectFileError(
                    f"{source.name} is a zip archive but not an OTIO bundle (no {CONTENT})"
                )
            for member in members:
                parts = PurePosixPath(member.filename).parts
                if member.filename.startswith("/") or ".." in parts or "\\" in member.filename:
                    raise ProjectFileError(
                        f"{source.name} holds a file outside its folder ({member.filename})"
                    )
            size = sum(m.file_size for m in members)
            free = shutil.disk_usage(folder.parent).free
            if size > free:
                raise ProjectFileError(
                    f"{source.name} needs {size // 2**20} MB to unpack and only {free // 2**20} MB are free"
                )
            scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
            try:
                archive.extractall(scratch)
                os.replace(scratch, folder)
            except BaseException:
                shutil.rmtree(scratch, ignore_errors=True)
                raise
    except zipfile.BadZipFile as error:
        raise ProjectFileError(f"{source.name} is a damaged bundle ({error})") from None
    except OSError as error:
        raise ProjectFileError(f"{source.name} cannot be unpacked: {error.strerror or error}") from None
