"""Finished results on disk, under their spec's key, written so a reader never sees half of one.

A result is a folder `<cache>/<key>/` with the output files and
`result.json` (files, provenance, spec). It is assembled in a temporary
folder beside it and renamed into place in one step, so a crash mid-job,
or two engines finishing the same job, never leave a broken entry.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST = "result.json"


@dataclass(frozen=True)
class CachedResult:
    key: str
    files: list[Path]
    provenance: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "files": [str(f) for f in self.files], "provenance": self.provenance}


class ResultCache:
    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def lookup(self, key: str) -> CachedResult | None:
        entry = self.folder / key
        try:
            manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
            files = [entry / name for name in manifest["files"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(f.is_file() for f in files):
            return None  # something deleted a file: make it again
        return CachedResult(key, files, manifest.get("provenance", {}))

    def workdir(self) -> Path:
        """A fresh folder for a job to write into, on the cache's disk so the final rename is atomic."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".job-", dir=self.folder))

    def store(
        self, key: str, workdir: Path, files: list[Path], provenance: dict[str, Any], spec: Any
    ) -> CachedResult:
        names = [Path(f).relative_to(workdir).as_posix() for f in files]
        manifest = {"files": names, "provenance": provenance, "spec": spec}
        (workdir / MANIFEST).write_text(json.dumps(manifest, indent=1, default=str), encoding="utf-8")
        entry = self.folder / key
        try:
            os.replace(workdir, entry)
        except OSError:
            # an entry is already there (the same job finished twice): keep the first
            shutil.rmtree(workdir, ignore_errors=True)
        result = self.lookup(key)
        if result is None:
            raise OSError(f"The result for {key} could not be stored in {self.folder}")
        return result

    @staticmethod
    def discard(workdir: Path) -> None:
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)


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


def remove_entries(entries: Iterable[CacheEntry]) -> int:
    """Delete these entries; returns the bytes freed. An entry that cannot go is left (and not counted).

    Each entry is first renamed to a hidden name, so it leaves the cache in
    one step: the engine never finds half an entry, only a result or none.
    """
    freed = 0
    for entry in entries:
        doomed = entry.folder.with_name(f".delete-{entry.folder.name}")
        try:
            os.replace(entry.folder, doomed)
        except OSError:
            continue
        shutil.rmtree(doomed, ignore_errors=True)
        freed += entry.size
    return freed
