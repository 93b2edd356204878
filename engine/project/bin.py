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

Generated results join the bin themselves (`add_generated_take`,
`keep_results`), named after the clip and take they were made for ("Salt flat
· take 3"), since the cache names every animatic `animatic.mp4`. They join
outside the undo history, as the take itself joins its clip: a result took
minutes of GPU time, so deleting its clip, or undoing the step that played it,
must not lose it. An entry's name is kept beside its path (``{"path": ...,
"name": ...}``); the file on disk keeps its cache name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import opentimelineio as otio

from engine.errors import EditError
from engine.project import takes
from engine.project.change import Change, mutation
from engine.project.document import Clip, Timeline, find_clip, shotline_meta, tracks
from engine.project.mediapaths import external_references, path_from_url, url_for_file
from engine.project.provenance import Provenance

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


def _stored(timeline: Timeline, folder: Path | None = None) -> list[tuple[Path, str | None]]:
    """(path, name) of each bin entry, in order, each path once (its first name wins).

    Malformed entries (from a hand-edited file) are skipped; `folder` resolves
    relative paths as a saved project stores them.
    """
    stored = timeline.metadata.get("shotline", {}).get(BIN_KEY)
    found: dict[Path, str | None] = {}
    try:
        items = list(stored) if stored is not None else []
    except TypeError:
        return []
    for item in items:
        try:
            raw, name = item.get("path"), item.get("name")
        except AttributeError:
            continue
        local = path_from_url(raw, folder) if isinstance(raw, str) and raw else None
        if local is not None:
            found.setdefault(Path(normalized(local)), name if isinstance(name, str) and name else None)
    return list(found.items())


def entries(timeline: Timeline) -> list[Path]:
    """The imported files, in import order; malformed entries (from a hand-edited file) are skipped."""
    return [path for path, _name in _stored(timeline)]


def _local_file(url: str | None) -> Path | None:
    """The normalized file a clip's target URL names (None: not a local file).

    The bin asks this for every take of every clip after each edit, so an
    absolute URL's answer (which depends on nothing but the string) is remembered.
    """
    if not url:
        return None
    if url.startswith(("file:", "/")):
        return _absolute_file(url)
    local = path_from_url(url)
    return Path(normalized(local)) if local is not None else None


@lru_cache(maxsize=16384)
def _absolute_file(url: str) -> Path | None:
    local = path_from_url(url)
    return Path(normalized(local)) if local is not None else None


def used_media(timeline: Timeline) -> list[Path]:
    """Files the timeline's clips use (every take), in timeline order, each once."""
    found: list[Path] = []
    for _clip, _take, ref in external_references(timeline):
        local = _local_file(ref.target_url)
        if local is not None:
            found.append(local)
    return list(dict.fromkeys(found))


def media(timeline: Timeline) -> list[tuple[Path, bool]]:
    """Everything the bin shows: (path, imported) for imported files, then timeline-only media."""
    imported = entries(timeline)
    known = set(imported)
    return [(p, True) for p in imported] + [(p, False) for p in used_media(timeline) if p not in known]


def names(timeline: Timeline) -> dict[Path, str]:
    """What the bin calls its items where that is not the file's name: generated media.

    An entry's own name ("Salt flat · take 3", given when the result joined
    the bin) comes first; a generated file only the timeline uses is named
    after the first clip and take that play it. Footage, and a file the user
    imported under its own name, keep the file's name.
    """
    stored = _stored(timeline)
    found = {path: name for path, name in stored if name}
    imported = {path for path, _name in stored}
    for clip in timeline.find_clips():  # runs on every change: the generated flag, not the provenance
        refs = clip.media_references()
        for number, key in enumerate(takes.take_keys(clip), start=1):
            meta = refs[key].metadata.get("shotline")
            path = _local_file(getattr(refs[key], "target_url", None)) if meta else None
            if path is not None and path not in imported and meta.get("generated"):
                found.setdefault(path, take_name(clip.name, number))
    return found


def take_name(clip_name: str | None, number: int) -> str:
    """How the bin names a clip's generated take: "Salt flat · take 3"."""
    return f"{clip_name or 'Shot'} · take {number}"


def _store(timeline: Timeline, stored: Iterable[tuple[Path, str | None]], folder: Path | None = None) -> None:
    """Write (path, name) entries; with `folder`, paths as a project saved there writes them."""
    written = []
    for path, name in stored:
        entry = {"path": url_for_file(path, folder) if folder is not None else str(path)}
        if name:
            entry["name"] = name
        written.append(entry)
    shotline_meta(timeline)[BIN_KEY] = written


def add_media(timeline: Timeline, paths: Iterable[str | os.PathLike[str]]) -> Change:
    """Import files into the bin; files already there are skipped. `result`: the paths added."""
    current = _stored(timeline)
    known = {path for path, _name in current}
    new = [p for p in dict.fromkeys(Path(normalized(p)) for p in paths) if p not in known]
    if not new:
        raise EditError("These files are already in the bin")
    what = f"Import {new[0].name}" if len(new) == 1 else f"Import {len(new)} Files"
    with mutation(timeline, what, stack=True) as change:
        _store(timeline, [*current, *((p, None) for p in new)])
        change.result = new
    return change


def keep_results(timeline: Timeline, results: Iterable[tuple[str | os.PathLike[str], str]]) -> Change:
    """Generated files into the bin under a name each; files already there keep their place and name.

    Never refused (a result from the cache may be in the bin already), so a
    finished job can always call it. `result`: the paths added.
    """
    current = _stored(timeline)
    known = {path for path, _name in current}
    new: dict[Path, str] = {}
    for raw, name in results:
        path = Path(normalized(raw))
        if path not in known:
            new.setdefault(path, name)
    with mutation(timeline, "Keep Generated Media", stack=True) as change:
        if new:
            _store(timeline, [*current, *new.items()])
        change.result = list(new)
    return change


def _take_files(clip: Clip) -> list[tuple[Path, str]]:
    """(file, bin name) of each generated take of `clip`."""
    found = []
    for number, take in enumerate(takes.takes(clip), start=1):
        local = path_from_url(getattr(take.reference, "target_url", "") or "")
        if take.provenance is not None and local is not None:
            found.append((local, take_name(clip.name, number)))
    return found


def keep_clips(timeline: Timeline, clips: Iterable[Clip]) -> Change:
    """The generated takes of `clips` (new clips about to be placed, or placed ones) into the bin.

    Run before the edit that places them: an undoable edit that touches the
    timeline's metadata would otherwise put back a bin without them on undo.
    """
    return keep_results(timeline, [found for clip in clips for found in _take_files(clip)])


def keep_next_take(timeline: Timeline, ident: str, reference: otio.core.MediaReference) -> Change:
    """The file of the take about to be added to clip `ident` into the bin, named as that take will be
    (a new take is always the clip's last)."""
    _track, clip = find_clip(timeline, ident)
    local = path_from_url(getattr(reference, "target_url", "") or "")
    name = take_name(clip.name, len(clip.media_references()) + 1)
    return keep_results(timeline, [(local, name)] if local is not None else [])


def add_generated_take(
    timeline: Timeline,
    ident: str,
    reference: otio.core.MediaReference,
    prov: Provenance | None = None,
    activate: bool = False,
) -> Change:
    """`takes.add_take`, and the take's file into the bin as "<clip> · take N", as one change.

    The editor runs it outside the undo history, so the result stays both on
    the clip and in the bin whatever is undone or deleted later. `result`: the take's key.
    """
    track, _clip = find_clip(timeline, ident)
    with mutation(timeline, "Add Take", [track], stack=True) as change:
        keep_next_take(timeline, ident, reference)
        change.result = takes.add_take(timeline, ident, reference, prov, activate).result
    return change


def remove_media(timeline: Timeline, paths: Iterable[str | os.PathLike[str]]) -> Change:
    """Take files out of the bin (their clips stay on the timeline). `result`: the paths removed."""
    current = _stored(timeline)
    gone = {Path(normalized(p)) for p in paths} & {path for path, _name in current}
    if not gone:
        raise EditError("Those files are not imported in the bin")
    removed = [p for p, _name in current if p in gone]
    name = removed[0].name if len(removed) == 1 else f"{len(removed)} Files"
    what = f"Remove {name} from Bin"
    with mutation(timeline, what, stack=True) as change:
        _store(timeline, [(p, n) for p, n in current if p not in gone])
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
    current = _stored(timeline)
    hits = [
        (clip, ref)
        for clip, _take, ref in external_references(timeline)
        if (local := path_from_url(ref.target_url)) is not None and Path(normalized(local)) == old
    ]
    listed = {path for path, _name in current}
    if not hits and old not in listed:
        raise EditError(f"Nothing in the project uses {old}")
    owners = [t for t in tracks(timeline) if any(clip.parent() is t for clip, _ in hits)]
    with mutation(timeline, f"Relink {old.name}", owners, stack=True, allow_locked=True) as change:
        if old in listed:
            relinked: dict[Path, str | None] = {}
            for path, name in current:
                relinked.setdefault(new if path == old else path, name)
            _store(timeline, relinked.items())
        for _, ref in hits:
            ref.target_url = str(new)
        change.result = len(hits)
    return change


def write_paths(timeline: Timeline, folder: Path) -> None:
    """Rewrite the bin's paths as a project saved in `folder` stores them (on the copy being saved)."""
    current = _stored(timeline)
    if current:
        _store(timeline, current, folder)


def read_paths(timeline: Timeline, folder: Path) -> None:
    """Make the paths of a bin read from a project in `folder` absolute again."""
    if timeline.metadata.get("shotline", {}).get(BIN_KEY) is None:
        return
    _store(timeline, _stored(timeline, folder))


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
