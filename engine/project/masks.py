"""Which mask a clip uses: a reference in the clip's metadata, changed by an undoable edit.

The pixels live in files (see `engine.masks.sequence`), the reference in the
document: ``clip.metadata["shotline"]["mask"]`` is a folder path relative to
the project's mask folder (`mask_root`). Every change of a mask is written to
a new folder and only then referenced, so undo and redo just switch the
reference back and forth and the old pixels are still there to point at.
"""

from __future__ import annotations

from pathlib import Path

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import VIDEO, Clip, Timeline, find_clip, shotline_meta

KEY = "mask"


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
