"""Which mask a clip uses: a reference in the clip's metadata, changed by an undoable edit.

The pixels live in files (see `engine.masks.sequence`), the reference in the
document: ``clip.metadata["shotline"]["mask"]`` is a folder path relative to
the project's mask folder (`mask_root`). Every change of a mask is written to
a new folder and only then referenced, so undo and redo just switch the
reference back and forth and the old pixels are still there to point at.

That leaves versions nobody points at any more (every stroke is one), so
`unused_versions` finds the folders under a mask root that a given set of
references does not name: the editor passes every version its document and
undo history can still reach, plus the masks generated takes were made
from, and removes the rest when the project is saved or the cache cleaned.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import opentimelineio as otio

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import VIDEO, Clip, Timeline, find_clip, shotline_meta
from engine.results import CacheEntry, remove_entries

KEY = "mask"
VERSION_PREFIX = "m-"  # how the editor names a version folder: <clip id>/m-<id>


def mask_root(project: Path | None, data_dir: Path) -> Path:
    """Where a project's mask folders live: ``<name>.masks`` beside a saved project, or (unsaved) a
    folder in the data directory that the editor copies beside the project on its first save."""
    if project is None:
        return data_dir / "masks" / "unsaved"
    return project.with_name(f"{project.stem}.masks")


def mask_of(clip: Clip) -> str | None:
    """The clip's mask folder, relative to the mask root, or None."""
    value = clip.metadata.get("shotline", {}).get(KEY)
    return str(value) if value else None


def set_mask(timeline: Timeline, ident: str, folder: str | None, description: str = "Paint Mask") -> Change:
    """Point clip `ident` at mask `folder` (relative to the mask root); None removes its mask."""
    track, clip = find_clip(timeline, ident)
    if track.kind != VIDEO:
        raise EditError(f"{clip.name or 'This clip'} is sound; masks are painted on picture clips")
    if folder is not None and (Path(folder).is_absolute() or ".." in Path(folder).parts):
        raise EditError(f"{folder} is not a folder inside the project's mask folder")
    if folder == mask_of(clip):
        raise EditError("The clip already uses this mask")
    with mutation(timeline, description, [track]) as change:
        meta = shotline_meta(clip)
        if folder is None:
            meta.pop(KEY, None)
        else:
            meta[KEY] = folder
        change.result = folder
    return change


# housekeeping -----------------------------------------------------------------------------------


def versions_used(tracks: Iterable[otio.schema.Track], root: Path) -> set[str]:
    """The mask versions (relative to `root`) the clips on `tracks` use or were inpainted with.

    A take's provenance names the mask folder it was made from (an absolute
    path); one under `root` is kept, so "re-render exactly" still finds it.
    """
    found: set[str] = set()
    base = Path(os.path.abspath(root))
    for track in tracks:
        for item in track:
            if not isinstance(item, otio.schema.Clip):
                continue
            folder = mask_of(item)
            if folder:
                found.add(PurePosixPath(folder).as_posix())
            for reference in item.media_references().values():
                made = reference.metadata.get("shotline", {}).get(KEY)
                if not isinstance(made, str) or not made:
                    continue
                with contextlib.suppress(ValueError):
                    found.add(Path(os.path.abspath(made)).relative_to(base).as_posix())
    return found


def unused_versions(root: Path, keep: set[str]) -> list[CacheEntry]:
    """Version folders under `root` (``<clip>/m-*``) that `keep` does not name, with their sizes.

    Only what the editor writes is considered: hidden folders, loose files
    and anything not named like a version are left alone.
    """
    found: list[CacheEntry] = []
    try:
        clips = sorted(p for p in Path(root).iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return found
    for clip in clips:
        try:
            versions = sorted(clip.iterdir())
        except OSError:
            continue
        for version in versions:
            name = f"{clip.name}/{version.name}"
            if version.is_dir() and version.name.startswith(VERSION_PREFIX) and name not in keep:
                found.append(CacheEntry(version, _size(version)))
    return found


def remove_versions(versions: Iterable[CacheEntry]) -> int:
    """Delete these version folders (and clip folders left empty); returns the bytes freed."""
    versions = list(versions)
    freed = remove_entries(versions)
    for parent in {v.folder.parent for v in versions}:
        with contextlib.suppress(OSError):
            parent.rmdir()  # only when empty
    return freed


def _size(folder: Path) -> int:
    total = 0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(base) / name).lstat().st_size
    return total
