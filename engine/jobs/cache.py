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

from engine.results import MANIFEST


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
