"""Saving and opening projects: plain OTIO JSON, written atomically, read defensively.

A save never leaves a half-written file: the JSON goes to a temporary file
beside the target, is flushed to disk, and replaces the old file in one
`os.replace`, so a crash mid-save leaves the previous version intact.
Opening accepts any OTIO file with one timeline; anything else (corrupt,
truncated, not OTIO, structurally broken) raises `ProjectFileError` naming
the file and the problem. Missing media never stop a project from opening:
they are reported as offline so the editor can offer to relink them.
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import opentimelineio as otio

from engine.atomic import write_atomically
from engine.errors import EditError, ProjectFileError
from engine.project import bin as media_bin
from engine.project import foreign, otiojson, trackedit
from engine.project.change import Change, mutation
from engine.project.document import Timeline, ensure_ids, settings, tracks
from engine.project.mediapaths import (
    external_references,
    file_problem,
    path_from_url,
    shown,
    special_kind,
    url_for_file,
)

#: A project this big is not a project (and would take minutes to parse).
MAX_PROJECT_BYTES = 512 * 1024 * 1024
#: The longest timeline Shotline opens, as Premiere's: past it an export runs for days, and the
#: timeline view's pixels (64 per frame at the closest zoom) stop fitting Qt's 32-bit coordinates.
MAX_TIMELINE_SECONDS = 24 * 3600
MAX_RATE = 240  # fps, as generation and export allow
MAX_SIZE = 16384  # pixels each way (16K)


@dataclass
class LoadedProject:
    timeline: Timeline
    path: Path
    offline: list[tuple[str, str]] = field(default_factory=list)  # (clip name, media path)


def save(timeline: Timeline, path: str | os.PathLike[str]) -> None:
    """Write the project to `path` atomically; the timeline in memory is not changed."""
    target = Path(path).absolute()
    folder = _real_folder(target)  # a linked project's media are relative to the file it links to
    if not folder.is_dir():
        raise ProjectFileError(f"Cannot save {target.name}: the folder {folder} does not exist")
    kind = special_kind(target)
    if kind is not None:
        raise ProjectFileError(f"Cannot save to {shown(target)}: it is {kind}, not a project file")
    copy = timeline.clone()
    for _, _, ref in external_references(copy):
        local = path_from_url(ref.target_url)
        if local is not None:
            ref.target_url = url_for_file(local, folder)
    media_bin.write_paths(copy, folder)
    data = otio.adapters.write_to_string(copy, "otio_json").encode("utf-8")
    try:
        write_atomically(target, data, suffix=".saving")
    except OSError as error:
        reason = "the disk is full" if error.errno == 28 else (error.strerror or str(error))
        raise ProjectFileError(
            f"Could not save {target.name}: {reason}. The previous version is unchanged."
        ) from None
    _sync_folder(folder)


def _real_folder(project: Path) -> Path:
    """The folder of the file `project` is, through a symbolic link: what relative media paths start from."""
    return Path(os.path.realpath(project)).parent if os.path.islink(project) else project.parent


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash right after a save keeps the new file)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_text(path: Path) -> str:
    if not path.exists():
        raise ProjectFileError(f"{path} does not exist")
    if not path.is_file():
        raise ProjectFileError(f"{path} is not a file")
    try:
        size = path.stat().st_size
        if size > MAX_PROJECT_BYTES:
            raise ProjectFileError(f"{path.name} is {size // 2**20} MB, too large to be a project")
        raw = path.read_bytes()
    except PermissionError:
        raise ProjectFileError(f"{path.name} cannot be read: permission denied") from None
    except OSError as error:
        raise ProjectFileError(f"{path.name} cannot be read: {error.strerror or error}") from None
    if not raw.strip():
        raise ProjectFileError(f"{path.name} is empty")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProjectFileError(f"{path.name} is not a project file (it is not text)") from None


def read_timeline(text: str | bytes, name: str) -> Timeline:
    """The one timeline in OTIO JSON text, checked as a project is; ProjectFileError naming `name`.

    What a project file, an autosave journal and a timeline sent to the
    engine for export all go through: the JSON checker (engine.project.otiojson)
    before OpenTimelineIO sees the text, then the checks every edit and the
    renderer rely on. Media paths are left as they are written.
    """
    try:
        result = otiojson.parse(text)
    except ProjectFileError as error:
        raise ProjectFileError(f"{name} {error}") from None
    try:
        timeline = _timeline_of(result, name)
        foreign.set_aside_tracks(timeline)  # data and unknown tracks are kept, not edited or rendered
        _validate(timeline, name)
        return timeline
    except ProjectFileError:
        raise
    except Exception as error:  # untrusted input: anything else it trips is damage, not a bug to show
        raise ProjectFileError(f"{name} is damaged ({type(error).__name__}: {error})") from None


def _timeline_of(result: object, name: str) -> Timeline:
    if isinstance(result, otio.schema.Timeline):
        return result
    if isinstance(result, otio.schema.SerializableCollection):
        timelines = [c for c in result if isinstance(c, otio.schema.Timeline)]
        if len(timelines) == 1:
            return timelines[0]
        raise ProjectFileError(
            f"{name} holds {len(timelines)} timelines; Shotline opens files with exactly one"
        )
    kind = getattr(result, "schema_name", lambda: type(result).__name__)()
    raise ProjectFileError(f"{name} holds a {kind}, not a timeline")


def _finite(value: otio.opentime.RationalTime) -> bool:
    return math.isfinite(value.value) and math.isfinite(value.rate) and value.rate > 0


def _validate(timeline: Timeline, name: str) -> None:
    """Check what every edit and the renderer rely on, so a bad file fails here, clearly."""
    if timeline.tracks is None:
        raise ProjectFileError(f"{name} has no tracks")
    for child in timeline.tracks:
        if not isinstance(child, otio.schema.Track):
            raise ProjectFileError(
                f"{name}: the timeline holds a {child.schema_name()} where a track should be"
            )
        if child.kind not in (otio.schema.TrackKind.Video, otio.schema.TrackKind.Audio):
            raise ProjectFileError(f"{name}: track {child.name!r} is neither video nor audio")
        for item in child:
            where = f"{name}: {item.name or item.schema_name()} on track {child.name}"
            if isinstance(item, otio.schema.Transition):
                if not (_finite(item.in_offset) and _finite(item.out_offset)):
                    raise ProjectFileError(f"{where} has an invalid length")
                if item.in_offset.value < 0 or item.out_offset.value < 0:
                    raise ProjectFileError(f"{where} has a negative length")
                continue
            if isinstance(item, otio.schema.Stack):  # a nested sequence from another editor
                foreign.check_nested(item, settings(timeline).rate, where)
            elif not isinstance(item, otio.schema.Clip | otio.schema.Gap):
                raise ProjectFileError(f"{where} is a {item.schema_name()}, which Shotline cannot edit yet")
            try:
                trimmed = item.trimmed_range()
            except Exception:  # OTIO raises its own error types when neither range is known
                raise ProjectFileError(f"{where} has no time range") from None
            if not (_finite(trimmed.start_time) and _finite(trimmed.duration)):
                raise ProjectFileError(f"{where} has an invalid time range")
            if trimmed.duration.value < 0:
                raise ProjectFileError(f"{where} has a negative duration")
    _validate_shotline_metadata(timeline, name)
    try:
        project = settings(timeline)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError):
        raise ProjectFileError(f"{name} has invalid project settings (rate or size)") from None
    rate = project.rate
    if not (math.isfinite(rate) and 0 < rate <= MAX_RATE):
        raise ProjectFileError(f"{name} has an invalid frame rate ({rate:g} fps; at most {MAX_RATE})")
    if not (0 < project.width <= MAX_SIZE and 0 < project.height <= MAX_SIZE):
        raise ProjectFileError(
            f"{name} has an invalid frame size ({project.width}x{project.height}; "
            f"at most {MAX_SIZE} each way)"
        )
    limit = round(MAX_TIMELINE_SECONDS * rate)
    try:
        for t in tracks(timeline):
            end = trackedit.track_end(t, rate)
            if end > limit:
                raise ProjectFileError(
                    f"{name}: track {t.name} is {end} frames long ({end / rate / 3600:.0f} hours); "
                    f"a timeline holds at most {MAX_TIMELINE_SECONDS // 3600} hours"
                )
    except EditError as error:
        raise ProjectFileError(f"{name}: {error}") from None
    _validate_frame_counts(timeline, name, limit)


def _validate_frame_counts(timeline: Timeline, name: str, limit: int) -> None:
    """Shotline's own frame counts (fades, source starts) within a timeline's length."""
    for owner in timeline.find_clips():
        meta = owner.metadata.get("shotline") or {}
        for key in _INT_KEYS:
            value = meta.get(key)
            if isinstance(value, int) and value > limit:
                raise ProjectFileError(f"{name}: {owner.name or 'a clip'} has a {key} of {value} frames")


_INT_KEYS = ("fade_in", "fade_out", "source_start", "sample_rate")
_BOOL_KEYS = ("locked", "muted", "solo", "hidden", "sync_locked")


def _validate_shotline_metadata(timeline: Timeline, name: str) -> None:
    """Shotline's own keys must have the types the engine reads them as."""
    for owner in [timeline, timeline.tracks, *tracks(timeline), *timeline.find_clips()]:
        meta = owner.metadata.get("shotline")
        if meta is None:
            continue
        if not isinstance(meta, otio._otio.AnyDictionary | dict):
            raise ProjectFileError(f"{name}: {owner.name or 'an item'} has malformed Shotline data")
        for key in _INT_KEYS:
            value = meta.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ProjectFileError(f"{name}: {owner.name or 'an item'} has an invalid {key}")
        for key in _BOOL_KEYS:
            if key in meta and not isinstance(meta[key], bool):
                raise ProjectFileError(f"{name}: track {owner.name} has an invalid {key} flag")
        for key in ("id", "link", "kind"):
            if key in meta and not isinstance(meta[key], str):
                raise ProjectFileError(f"{name}: {owner.name or 'an item'} has an invalid {key}")
        if "width" in meta and not (isinstance(meta["width"], int) and isinstance(meta.get("height"), int)):
            raise ProjectFileError(f"{name} has an invalid frame size")
        if "rate" in meta and not isinstance(meta["rate"], str):
            raise ProjectFileError(f"{name} has an invalid frame rate")


def load(path: str | os.PathLike[str]) -> LoadedProject:
    """Open a project; media paths become absolute and missing media are listed as offline."""
    source = Path(path).absolute()
    timeline = read_timeline(_read_text(source), source.name)
    try:
        return _interpret(timeline, source)
    except ProjectFileError:
        raise
    except Exception as error:  # untrusted input: anything else it trips is damage, not a bug to show
        raise ProjectFileError(f"{source.name} is damaged ({type(error).__name__}: {error})") from None


def _interpret(timeline: Timeline, source: Path) -> LoadedProject:
    folder = _real_folder(source)
    offline: list[tuple[str, str]] = []
    seen: set[str] = set()
    for clip, _key, ref in external_references(timeline):
        local = path_from_url(ref.target_url, folder)
        if local is None:
            continue
        ref.target_url = str(local)
        if file_problem(local) is not None and str(local) not in seen:
            seen.add(str(local))
            offline.append((clip.name, str(local)))
    offline.extend(foreign.unlinked_clips(timeline))  # EDL and AAF clips: offline by clip or reel name
    media_bin.read_paths(timeline, folder)
    ensure_ids(timeline)
    return LoadedProject(timeline, source, offline)


def relink(timeline: Timeline, old_path: str, new_path: str) -> Change:
    """Point every reference to `old_path` (any take, any clip) at `new_path`."""
    old, new = str(Path(old_path).absolute()), str(Path(new_path).absolute())
    if not Path(new).is_file():
        raise EditError(f"{new} is not a file")
    hits = [(clip, ref) for clip, _, ref in external_references(timeline) if ref.target_url == old]
    if not hits:
        raise EditError(f"No clip uses {old}")
    owners = [t for t in tracks(timeline) if any(c.parent() is t for c, _ in hits)]
    with mutation(timeline, "Relink Media", owners, allow_locked=True) as change:
        for _, ref in hits:
            ref.target_url = new
        change.result = len(hits)
    return change
