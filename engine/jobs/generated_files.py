"""Whether a file is a generation result, and how it was made: read from its cache entry's manifest.

A result lives in its cache entry, `<cache>/<key>/`, beside `result.json`
(files, provenance, spec), and keeps that manifest for as long as it exists:
cleaning the cache removes the whole entry. So a file brought into the
project from anywhere (the bin's New Generated Shot, an import from the
cache folder, a drag from a file manager) can be recognised by looking
beside it, and the clip made from it carries the same provenance a
Regenerate result would: the badge shows, Regenerate is prefilled, and
"re-render exactly" has what it needs. Looking costs one stat for an
ordinary file (no manifest there) and one small JSON read for a result.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from engine.errors import ShotlineError
from engine.jobs.cache import MANIFEST
from engine.project.provenance import Provenance

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


def provenance_of(path: str | os.PathLike[str]) -> Provenance | None:
    """How the generation result at `path` was made, or None for anything else (or a damaged manifest)."""
    manifest = manifest_of(path)
    if manifest is None:
        return None
    made = manifest.get("provenance")
    if not isinstance(made, dict):
        return None
    spec = manifest.get("spec") if isinstance(manifest.get("spec"), dict) else {}
    made = dict(made)
    made.setdefault("task", spec.get("task") or "video.generate")
    made.setdefault("backend", spec.get("backend") or "unknown")
    try:
        return Provenance.from_dict(made)
    except (ShotlineError, TypeError):
        return None
