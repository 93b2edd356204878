"""The media bin as part of the document: the files a user brought into the project.

The bin is kept in the timeline's ``metadata["shotline"]["bin"]`` as a list of
``{"path": ...}`` entries, so it is saved with the project, travels in the
same `.otio` file and is undone like any edit: every function here that
changes it returns a `Change` made by `mutation(stack=True)`. In memory a
path is absolute; in a saved file it is written the way clip media are
(relative under the project's folder, else a ``file://`` URL), through the
same helpers in `mediapaths`.

Media used on the timeline belong to the project even when they were never
imported (dragged in from the file manager, made by a generator): `media`
lists them after the imported files, as Premiere's project panel does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import Timeline, shotline_meta, tracks
from engine.project.mediapaths import external_references, path_from_url, url_for_file

BIN_KEY = "bin"

#: What Import Folder picks up; anything else in a folder (sidecars, project files) is left alone.
MEDIA_SUFFIXES = frozenset(
    {
        # video
        ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mxf", ".mts", ".m2ts", ".mpg", ".mpeg", ".ts",
        ".wmv", ".flv", ".3gp", ".ogv",
        # sound
        ".wav", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".opus", ".aif", ".aiff", ".wma",
        # stills
        ".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff",
    }
)  # fmt: skip


def normalized(path: str | os.PathLike[str]) -> str:
    """The one spelling of a path the bin compares and stores in memory."""
    return os.path.normpath(os.path.abspath(path))


def entries(timeline: Timeline) -> list[Path]:
    """The imported files, in import order; malformed entries (from a hand-edited file) are skipped."""
    stored = timeline.metadata.get("shotline", {}).get(BIN_KEY)
    found: list[Path] = []
    try:
        items = list(stored) if stored is not None else []
    except TypeError:
        return found
    for item in items:
        try:
            raw = item.get("path")
        except AttributeError:
            continue
        if isinstance(raw, str) and raw:
            local = path_from_url(raw)
            if local is not None:
                found.append(Path(normalized(local)))
    return list(dict.fromkeys(found))


def used_media(timeline: Timeline) -> list[Path]:
    """Files the timeline's clips use (every take), in timeline order, each once."""
    found: list[Path] = []
    for _clip, _take, ref in external_references(timeline):
        local = path_from_url(ref.target_url)
        if local is not None:
            found.append(Path(normalized(local)))
    return list(dict.fromkeys(found))


def media(timeline: Timeline) -> list[tuple[Path, bool]]:
    """Everything the bin shows: (path, imported) for imported files, then timeline-only media."""
    imported = entries(timeline)
    known = set(imported)
    return [(p, True) for p in imported] + [(p, False) for p in used_media(timeline) if p not in known]


def _store(timeline: Timeline, paths: Iterable[Path]) -> None:
    shotline_meta(timeline)[BIN_KEY] = [{"path": str(p)} for p in paths]


def add_media(timeline: Timeline, paths: Iterable[str | os.PathLike[str]]) -> Change:
    """Import files into the bin; files already there are skipped. `result`: the paths added."""
    current = entries(timeline)
    known = set(current)
    new = [p for p in dict.fromkeys(Path(normalized(p)) for p in paths) if p not in known]
    if not new:
        raise EditError("These files are already in the bin")
    what = f"Import {new[0].name}" if len(new) == 1 else f"Import {len(new)} Files"
    with mutation(timeline, what, stack=True) as change:
        _store(timeline, [*current, *new])
        change.result = new
    return change


def remove_media(timeline: Timeline, paths: Iterable[str | os.PathLike[str]]) -> Change:
    """Take files out of the bin (their clips stay on the timeline). `result`: the paths removed."""
    current = entries(timeline)
    gone = {Path(normalized(p)) for p in paths} & set(current)
    if not gone:
        raise EditError("Those files are not imported in the bin")
    removed = [p for p in current if p in gone]
    name = removed[0].name if len(removed) == 1 else f"{len(removed)} Files"
    what = f"Remove {name} from Bin"
    with mutation(timeline, what, stack=True) as change:
        _store(timeline, [p for p in current if p not in gone])
        change.result = removed
    return change


def relink_media(
    timeline: Timeline, old_path: str | os.PathLike[str], new_path: str | os.PathLike[str]
) -> Change:
    """Point the bin item and every clip (any take) that use `old_path` at `new_path`, as one step.

    Locked tracks are relinked too: relinking fixes where a file is, it does
    not edit the cut. `result`: how many clip references changed.
    """
    old, new = Path(normalized(old_path)), Path(normalized(new_path))
    if not new.is_file():
        raise EditError(f"{new} is not a file")
    current = entries(timeline)
    hits = [
        (clip, ref)
        for clip, _take, ref in external_references(timeline)
        if (local := path_from_url(ref.target_url)) is not None and Path(normalized(local)) == old
    ]
    if not hits and old not in current:
        raise EditError(f"Nothing in the project uses {old}")
    owners = [t for t in tracks(timeline) if any(clip.parent() is t for clip, _ in hits)]
    with mutation(timeline, f"Relink {old.name}", owners, stack=True, allow_locked=True) as change:
        if old in current:
            relinked = [new if p == old else p for p in current]
            _store(timeline, list(dict.fromkeys(relinked)))
        for _, ref in hits:
            ref.target_url = str(new)
        change.result = len(hits)
    return change


def write_paths(timeline: Timeline, folder: Path) -> None:
    """Rewrite the bin's paths as a project saved in `folder` stores them (on the copy being saved)."""
    current = entries(timeline)
    if current:
        shotline_meta(timeline)[BIN_KEY] = [{"path": url_for_file(p, folder)} for p in current]


def read_paths(timeline: Timeline, folder: Path) -> None:
    """Make the paths of a bin read from a project in `folder` absolute again."""
    stored = timeline.metadata.get("shotline", {}).get(BIN_KEY)
    if stored is None:
        return
    found: list[Path] = []
    try:
        items = list(stored)
    except TypeError:
        items = []
    for item in items:
        raw = item.get("path") if hasattr(item, "get") else None
        local = path_from_url(raw, folder) if isinstance(raw, str) else None
        if local is not None:
            found.append(Path(normalized(local)))
    _store(timeline, dict.fromkeys(found))


def media_files_in(folder: str | os.PathLike[str]) -> list[Path]:
    """Media files under `folder`, recursively, sorted; hidden files and folders are skipped.

    Symlinked folders are not followed, so a link back up the tree cannot loop.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in MEDIA_SUFFIXES:
                found.append(Path(normalized(Path(root) / name)))
    return found
