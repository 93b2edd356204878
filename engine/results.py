"""Generated results on disk, as anything below the job machinery reads them.

A result is a cache entry `<cache>/<key>/` holding the output files and
`result.json` (files, provenance, spec). The job machinery writes entries
(engine.jobs.cache); the document, the media layer and the editor only read
them (is this file a result? how was it made?) or clean them out (results
no take uses any more). That reading and cleaning is here, at the bottom of
the engine, so the document does not depend on how jobs run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.atomic import DOOMED

MANIFEST = "result.json"

#: A manifest is a few kilobytes; anything much bigger is not one of ours.
MANIFEST_LIMIT = 1 << 20


def manifest_of(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The manifest of the cache entry that holds `path` as one of its results, else None.

    The file counts when the manifest lists it, or when it is the same file
    under another name (the bin lists a result by the shot's name, a hard
    link in the same entry).
    """
    file = Path(path)
    manifest_path = file.parent / MANIFEST
    try:
        if manifest_path.stat().st_size > MANIFEST_LIMIT:
            return None
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        names = [str(n) for n in manifest["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(manifest, dict):
        return None
    if file.name in names:
        return manifest
    for name in names:
        try:
            if os.path.samefile(file, file.parent / name):
                return manifest
        except OSError:
            continue
    return None


# cleaning -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheEntry:
    """One finished result on disk and what it takes."""

    folder: Path
    size: int  # bytes, every file in the entry


def _size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).lstat().st_size
    return total


def unreferenced(folder: str | os.PathLike[str], used: Iterable[str | os.PathLike[str]]) -> list[CacheEntry]:
    """Results in the cache `folder` that no path in `used` lies in, with their sizes.

    Only finished entries (a folder holding result.json) count: a job still
    running writes into a hidden `.job-*` folder, and reference frames made
    for jobs live beside the entries, so neither is ever offered for deletion.
    A path counts as used when it is inside the entry, so a result listed
    under another name (a hard link in its entry) keeps the entry too.
    """
    root = Path(folder)
    kept = {Path(os.path.normpath(os.path.abspath(p))) for p in used}
    kept_dirs = {p.parent for p in kept}
    found: list[CacheEntry] = []
    try:
        children = sorted(root.iterdir())
    except OSError:
        return found
    for entry in children:
        if entry.name.startswith(".") or not (entry / MANIFEST).is_file():
            continue
        resolved = Path(os.path.normpath(os.path.abspath(entry)))
        if any(d == resolved or resolved in d.parents for d in kept_dirs):
            continue
        found.append(CacheEntry(entry, _size(entry)))
    return found


def last_used(path: str | os.PathLike[str]) -> float:
    """When a result was last made or used: its manifest's modification time (`mark_used` sets it),
    or the file's own for a stored input."""
    where = Path(path)
    manifest = where / MANIFEST
    try:
        return (manifest if manifest.is_file() else where).stat().st_mtime
    except OSError:
        return 0.0


def mark_used(path: str | os.PathLike[str]) -> None:
    """Say that a result (the file or the entry holding it) or a stored input was just used, so an
    age limit keeps it."""
    where = Path(path)
    for candidate in (where / MANIFEST, where.parent / MANIFEST, where):
        if candidate.is_file():
            with contextlib.suppress(OSError):
                os.utime(candidate)
            return


def unused_for(entries: Iterable[CacheEntry], seconds: float, now: float) -> list[CacheEntry]:
    """The entries not made or used in the last `seconds` (an engine's age limit: no project says
    which of a GPU box's results are still wanted, so time does)."""
    return [entry for entry in entries if now - last_used(entry.folder) > seconds]


def remove_entries(entries: Iterable[CacheEntry]) -> int:
    """Delete these entries; returns the bytes freed. An entry that cannot go is left (and not counted).

    Each entry is first renamed to a hidden name, so it leaves the cache in
    one step: the engine never finds half an entry, only a result or none.
    """
    freed = 0
    for entry in entries:
        doomed = entry.folder.with_name(f"{DOOMED}{entry.folder.name}")
        try:
            os.replace(entry.folder, doomed)
        except OSError:
            continue
        if doomed.is_dir():
            shutil.rmtree(doomed, ignore_errors=True)
        else:  # a stored file (a remote engine's content store), not a folder
            doomed.unlink(missing_ok=True)
        freed += entry.size
    return freed
