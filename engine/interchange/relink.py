"""Relinking offline media by searching a folder, as an editor does after a cut comes from elsewhere.

Each offline reference (a file that is not there, or a clip that names no
file at all, as every EDL clip does) is matched against the files in the
folder: by file name, then by name without extension, then by duration.
A clip with no path is looked for by its clip name and its reel name.

A match is not taken on trust. The file is probed again: its real length
and start timecode become the reference's available range (so a clip cut
from 01:00:04:05 of a file starting at 01:00:00:00 shows that file's
frame 4 s 5 f in), a file too short for what the clip shows is refused
and stays offline with the reason, and a file at another frame rate is
relinked with a note saying so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from engine.errors import EditError, MediaError
from engine.interchange.adopt import SIZE_GUESSED
from engine.media.probe import MediaInfo, probe
from engine.media.reference import available_range
from engine.media.timecode import start_timecode
from engine.project import foreign
from engine.project.change import Change, mutation
from engine.project.document import Timeline, settings, tracks
from engine.project.mediapaths import path_from_url
from engine.project.times import timecode

RationalTime = otio.opentime.RationalTime
TimeRange = otio.opentime.TimeRange

#: Files a search never considers (sidecars and project files, not media).
NOT_MEDIA = {
    ".otio",
    ".otioz",
    ".edl",
    ".xml",
    ".fcpxml",
    ".aaf",
    ".kdenlive",
    ".json",
    ".txt",
    ".srt",
    ".md",
}


@dataclass
class RelinkReport:
    relinked: list[tuple[str, Path]] = field(default_factory=list)  # (clip, file)
    notes: list[str] = field(default_factory=list)  # relinked, but something differs (the rate)
    offline: list[str] = field(default_factory=list)  # clips still offline, with why when known

    def summary(self) -> list[str]:
        lines = [f"Relinked {len(self.relinked)} clip(s); {len(self.offline)} still offline."]
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"offline: {what}" for what in self.offline]
        return lines


@dataclass(frozen=True)
class _Missing:
    clip: otio.schema.Clip
    key: str
    reference: otio.core.MediaReference

    def names(self) -> list[str]:
        """What to look for: the missing file's name, or the clip's and its reel's names."""
        url = getattr(self.reference, "target_url", None)
        path = path_from_url(url) if url else None
        if path is not None:
            return [path.name]
        return [n for n in (self.clip.name, foreign.reel_name(self.clip)) if n]


def missing_references(timeline: Timeline) -> list[_Missing]:
    """Every reference (all takes) whose file is not there or that names no file."""
    found = []
    for clip in timeline.find_clips():
        for key, ref in clip.media_references().items():
            if isinstance(ref, otio.schema.GeneratorReference):
                continue
            url = getattr(ref, "target_url", None)
            path = path_from_url(url) if url else None
            if path is None or not path.is_file():
                found.append(_Missing(clip, key, ref))
    return found


def media_files(folder: Path, recursive: bool) -> list[Path]:
    if not folder.is_dir():
        raise EditError(f"{folder} is not a folder")
    walk: Iterable[Path] = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(
        p for p in walk if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in NOT_MEDIA
    )


class _Candidates:
    """The folder's files, looked up by name, by stem, and (probed on demand) by duration."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._infos: dict[Path, MediaInfo | None] = {}

    def by_name(self, name: str) -> list[Path]:
        exact = [p for p in self.files if p.name == name]
        return exact or [p for p in self.files if p.name.lower() == name.lower()]

    def by_stem(self, name: str) -> list[Path]:
        stem = Path(name).stem.lower() if Path(name).suffix else name.lower()
        return [p for p in self.files if p.stem.lower() in (stem, name.lower())]

    def info(self, path: Path) -> MediaInfo | None:
        if path not in self._infos:
            try:
                self._infos[path] = probe(path)
            except MediaError:
                self._infos[path] = None
        return self._infos[path]

    def by_duration(self, wanted: TimeRange, taken: set[Path]) -> list[Path]:
        rate = wanted.duration.rate
        frames = round(wanted.duration.value)
        hits = []
        for path in self.files:
            if path in taken:
                continue
            info = self.info(path)
            if info is None or info.duration is None:
                continue
            if round(info.duration * Fraction(rate)) == frames:
                hits.append(path)
        return hits


def _by_name(missing: _Missing, candidates: _Candidates) -> tuple[Path | None, str | None]:
    """(file, None) for one match by name or stem; (None, why) for several; (None, None) for none."""
    for lookup in (candidates.by_name, candidates.by_stem):
        for name in missing.names():
            hits = lookup(name)
            if len(hits) == 1:
                return hits[0], None
            if len(hits) > 1:
                return None, f"several files match {name!r} ({', '.join(p.name for p in hits[:3])})"
    return None, None


def _by_duration(
    missing: _Missing, candidates: _Candidates, taken: set[Path]
) -> tuple[Path | None, str | None]:
    """The one file not matched by name that is exactly as long as the missing media was."""
    known = missing.reference.available_range
    if known is not None and known.duration.value > 0:
        hits = candidates.by_duration(known, taken)
        if len(hits) == 1:
            return hits[0], None
        if len(hits) > 1:
            return None, f"several files have its duration ({', '.join(p.name for p in hits[:3])})"
    return None, None


def media_range(path: Path, info: MediaInfo, old: TimeRange | None) -> TimeRange | None:
    """The file's real extent in source time: its start timecode (or the range it was known to
    start at, for a file without one) and its length."""
    extent = available_range(info)
    if extent is None:
        return None
    start = None
    if info.video is not None:
        start = start_timecode(path, info.video.rate)
    if start is None and old is not None:
        start = RationalTime(
            round(old.start_time.value_rescaled_to(extent.duration.rate)), extent.duration.rate
        )
    if start is None:
        return extent
    return TimeRange(start.rescaled_to(extent.duration.rate), extent.duration)


def _check(
    missing: _Missing, path: Path, info: MediaInfo, new: TimeRange | None, rate: float
) -> tuple[str | None, str | None]:
    """(refusal, note): why this file cannot stand in for the clip's media, or what differs."""
    clip = missing.clip
    if new is not None and clip.source_range is not None and info.kind != "image":
        used = clip.source_range
        lo, hi = used.start_time.value_rescaled_to(rate), used.end_time_exclusive().value_rescaled_to(rate)
        have_lo = new.start_time.value_rescaled_to(rate)
        have_hi = new.end_time_exclusive().value_rescaled_to(rate)
        if lo < have_lo - 1e-6 or hi > have_hi + 1e-6:
            return (
                f"{path.name} holds {timecode(round(have_lo), rate)}-{timecode(round(have_hi), rate)} "
                f"but {clip.name} uses {timecode(round(lo), rate)}-{timecode(round(hi), rate)}",
                None,
            )
    old = missing.reference.available_range
    expected = old.duration.rate if old is not None else None
    if expected is None and clip.metadata.get("shotline", {}).get("kind") != "audio" and clip.source_range:
        expected = clip.source_range.duration.rate
    if info.video is not None and expected and info.kind == "video":
        file_rate = float(info.video.rate)
        if abs(file_rate - expected) > 1e-3:
            return (
                None,
                f"{clip.name}: {path.name} is {file_rate:.3f} fps, the clip's media was {expected:.3f} fps",
            )
    return None, None


def relink_folder(
    timeline: Timeline, folder: str | os.PathLike[str], recursive: bool = False
) -> tuple[Change | None, RelinkReport]:
    """Relink every offline reference found in `folder`; one undoable change, and what happened."""
    missing = missing_references(timeline)
    report = RelinkReport()
    if not missing:
        return None, report
    candidates = _Candidates(media_files(Path(folder).absolute(), recursive))
    rate = settings(timeline).rate
    plans: list[tuple[_Missing, otio.schema.ExternalReference]] = []
    why: dict[int, str] = {}
    found = {id(item): _by_name(item, candidates) for item in missing}
    taken = {path for path, _ in found.values() if path is not None}
    for item in missing:
        path, reason = found[id(item)]
        if path is None and reason is None:  # no name matches: the last resort is the length
            path, reason = _by_duration(item, candidates, taken)
            if path is not None:
                taken.add(path)
        if path is None:
            if reason:
                why[id(item.clip)] = reason
            continue
        info = candidates.info(path)
        if info is None:
            why[id(item.clip)] = f"{path.name} is not a media file Shotline can read"
            continue
        try:
            new_range = media_range(path, info, item.reference.available_range)
        except MediaError as error:
            why[id(item.clip)] = str(error)
            continue
        refusal, note = _check(item, path, info, new_range, rate)
        if refusal:
            why[id(item.clip)] = refusal
            continue
        if note:
            report.notes.append(note)
        ref = otio.schema.ExternalReference(target_url=str(path), available_range=new_range)
        for k, v in item.reference.metadata.items():
            ref.metadata[k] = v
        if info.kind == "image":
            ref.metadata["shotline"] = {**dict(ref.metadata.get("shotline", {}) or {}), "still": True}
        plans.append((item, ref))
    change = None
    if plans:
        owners = [t for t in tracks(timeline) if any(_on(t, item.clip) for item, _ in plans)]
        meta = timeline.metadata.get("shotline", {})
        sizes = [
            (info.video.width, info.video.height)
            for _, ref in plans
            if (info := candidates.info(Path(ref.target_url))) is not None
            and info.kind == "video"
            and info.video
        ]
        resize = bool(meta.get(SIZE_GUESSED)) and bool(sizes)
        with mutation(timeline, "Relink Media", owners, stack=resize, allow_locked=True) as change:
            for item, ref in plans:
                refs = item.clip.media_references()
                refs[item.key] = ref
                item.clip.set_media_references(refs, item.clip.active_media_reference_key)
            if resize:  # the size was a guess (an EDL has none): the first video file's is better
                meta["width"], meta["height"] = sizes[0]
                del meta[SIZE_GUESSED]
            change.result = len({id(item.clip) for item, _ in plans})
    seen: set[int] = set()
    for item, ref in plans:
        if id(item.clip) not in seen:
            seen.add(id(item.clip))
            report.relinked.append((item.clip.name, Path(ref.target_url)))
    still: dict[int, otio.schema.Clip] = {id(m.clip): m.clip for m in missing_references(timeline)}
    report.offline = [
        foreign.offline_name(clip) + (f": {why[key]}" if key in why else "") for key, clip in still.items()
    ]
    return change, report


def _on(track: otio.schema.Track, clip: otio.schema.Clip) -> bool:
    parent = clip.parent()
    while parent is not None:
        if parent is track:
            return True
        parent = parent.parent()
    return False


def take_relinks(timeline: Timeline, searched: Timeline) -> Change:
    """The references `relink_folder` set on a copy of `timeline`, put on `timeline` as one change.

    The editor searches a copy off its GUI thread (probing a folder of media
    takes seconds) and applies the outcome here. The copy must still have the
    timeline's clips in the same order; when an edit came in between, this
    refuses rather than relink the wrong clips.
    """
    ours, theirs = list(timeline.find_clips()), list(searched.find_clips())
    if [_clip_key(c) for c in ours] != [_clip_key(c) for c in theirs]:
        raise EditError("The timeline changed while Shotline searched for its media; relink again")
    changed = [
        (clip, other)
        for clip, other in zip(ours, theirs, strict=True)
        if _references(clip) != _references(other)
    ]
    meta, found = timeline.metadata.get("shotline", {}), searched.metadata.get("shotline", {})
    resize = bool(meta.get(SIZE_GUESSED)) and not found.get(SIZE_GUESSED)
    if not changed:
        raise EditError("No clip was relinked")
    owners = [t for t in tracks(timeline) if any(_on(t, clip) for clip, _ in changed)]
    with mutation(timeline, "Relink Media", owners, stack=resize, allow_locked=True) as change:
        for clip, other in changed:
            refs = {key: ref.clone() for key, ref in other.media_references().items()}
            clip.set_media_references(refs, other.active_media_reference_key)
        if resize:
            meta["width"], meta["height"] = found["width"], found["height"]
            del meta[SIZE_GUESSED]
        change.result = len(changed)
    return change


def _clip_key(clip: otio.schema.Clip) -> str:
    return str(clip.metadata.get("shotline", {}).get("id", "")) + "\0" + clip.name


def _references(clip: otio.schema.Clip) -> list[tuple[str, str]]:
    return [(key, ref.to_json_string()) for key, ref in clip.media_references().items()]
