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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.atomic import DOOMED, remove_stale
from engine.results import MANIFEST

#: A running job's scratch folder in the cache: hidden, so nothing lists it as a result.
WORKDIR_PREFIX = ".job-"


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
        """A fresh folder for a job to write into, on the cache's disk so the final rename is atomic.

        The job marks it in use (`engine.atomic.holding`) while it runs; the
        folders of jobs whose engine was killed are removed here, by the next
        job in the same cache, once they are stale.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale(self.leftovers())
        return Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=self.folder))

    def leftovers(self) -> list[Path]:
        """Scratch folders of jobs (running, or killed with their engine) and half-removed entries."""
        try:
            return sorted(p for p in self.folder.iterdir() if p.name.startswith((WORKDIR_PREFIX, DOOMED)))
        except OSError:
            return []

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
