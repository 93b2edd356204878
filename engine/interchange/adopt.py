"""A timeline another editor wrote, made into one Shotline can edit and render.

What the adapters hand back is faithful to the file, not to Shotline's
invariants: no project rate or frame size, tracks named ``""`` or ``"0"``,
audio tracks below video ones, clips that do not say whether they are
picture or sound, items timed in another rate. Adopting fixes exactly
those, and nothing the file meant: cuts, sources, transitions (edge ones
included), disabled clips and tracks, nested sequences and markers stay as
they are. Data and unknown tracks are set aside whole by
`engine.project.foreign` when the result is opened.

The frame rate comes from the file (its sequence, or its first clip); the
frame size from the file where the format records one (FCP 7 XML, FCPXML,
Kdenlive), else from the first video file that is online, else 1920x1080.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import opentimelineio as otio

from engine.errors import MediaError, ProjectFileError
from engine.interchange import edl_speed, fcp7, fcp7_speed
from engine.interchange.formats import Format
from engine.media.probe import probe
from engine.project.document import AUDIO, DEFAULT_SIZE, VIDEO, Timeline, shotline_meta
from engine.project.mediapaths import path_from_url
from engine.project.times import rate_fraction

RationalTime = otio.opentime.RationalTime


#: Set in ``metadata["shotline"]`` while the frame size is a default, not the file's or the media's.
SIZE_GUESSED = "size_guessed"


class SeveralTimelines(ProjectFileError):
    """The file holds more than one timeline and none was chosen; `names` lists them in order."""

    def __init__(self, message: str, names: list[str]) -> None:
        super().__init__(message)
        self.names = names


def choose_timeline(result: object, name: str, wanted: str | None = None) -> Timeline:
    """The timeline to open: the only one, or the one `wanted` names (by name or 1-based number)."""
    if isinstance(result, otio.schema.Timeline):
        timelines = [result]
    elif isinstance(result, otio.schema.SerializableCollection):
        timelines = [t for t in result.find_children(descended_from_type=otio.schema.Timeline)] or [
            c for c in result if isinstance(c, otio.schema.Timeline)
        ]
    else:
        raise ProjectFileError(f"{name} holds no timeline")
    if not timelines:
        raise ProjectFileError(f"{name} holds no timeline")
    names = [t.name or f"Timeline {i + 1}" for i, t in enumerate(timelines)]
    listing = ", ".join(f"{i + 1} {n!r}" for i, n in enumerate(names))
    if wanted is None:
        if len(timelines) == 1:
            return timelines[0]
        raise SeveralTimelines(f"{name} holds {len(timelines)} timelines ({listing}); choose one", names)
    if wanted.isdigit() and 1 <= int(wanted) <= len(timelines):
        return timelines[int(wanted) - 1]
    matches = [t for t, n in zip(timelines, names, strict=True) if n == wanted]
    if len(matches) == 1:
        return matches[0]
    raise ProjectFileError(f"{name} has no timeline {wanted!r}; it holds {listing}")


def adopt(timeline: Timeline, source: Path, fmt: Format, rate: float | None = None) -> Timeline:
    """Give a foreign timeline what Shotline needs to edit it; returns the same timeline."""
    if fmt.suffix == ".edl":
        _fix_edl_dissolve_sources(timeline)
        edl_speed.read_speeds(timeline, source.read_bytes().decode("utf-8-sig"), rate or 24.0)
    if fmt.suffix == ".xml":
        fcp7.honour_enabled(timeline)
        fcp7_speed.read_speeds(timeline)
    if timeline.tracks is None:
        raise ProjectFileError(f"{source.name} has no tracks")
    meta = shotline_meta(timeline)
    if "rate" not in meta:
        exact = rate_fraction(rate or _file_rate(timeline))
        meta["rate"] = f"{exact.numerator}/{exact.denominator}"
    project_rate = float(rate_fraction(str(meta["rate"])))
    _conform_times(timeline, project_rate, source.name)
    if "width" not in meta:
        size = _file_size(timeline, source, fmt) or _media_size(timeline, source.parent)
        width, height = size or DEFAULT_SIZE
        meta["width"], meta["height"] = int(width), int(height)
        if size is None:  # a relink that finds the first video file sets the size from it
            meta[SIZE_GUESSED] = True
    _name_tracks(timeline)
    _restack(timeline)
    _mark_kinds(timeline)
    _absolute_paths(timeline, source.parent)
    return timeline


def _file_rate(timeline: Timeline) -> float:
    if timeline.global_start_time is not None and timeline.global_start_time.rate > 0:
        return timeline.global_start_time.rate
    for clip in timeline.find_clips():
        if clip.source_range is not None:
            return clip.source_range.duration.rate
    for item in timeline.find_children():
        if getattr(item, "source_range", None) is not None:
            return item.source_range.duration.rate
    raise ProjectFileError("the timeline has no frame rate; give one (--rate)")


def _frames(time: RationalTime, rate: float) -> RationalTime:
    """`time` at the project rate, on a whole frame (foreign files time audio at other rates)."""
    value = time.value_rescaled_to(rate)
    if not math.isfinite(value):
        raise ValueError("not a time")
    return RationalTime(round(value), rate)


def _conform_times(timeline: Timeline, rate: float, name: str) -> None:
    """Every item's range at the project rate, so edits and the renderer count whole frames."""
    try:
        for item in timeline.find_children():
            if isinstance(item, otio.schema.Transition):
                item.in_offset = _frames(item.in_offset, rate)
                item.out_offset = _frames(item.out_offset, rate)
            elif item.source_range is not None:
                r = item.source_range
                item.source_range = otio.opentime.TimeRange(
                    _frames(r.start_time, rate), _frames(r.duration, rate)
                )
    except (ValueError, TypeError):
        raise ProjectFileError(f"{name} holds an item with an invalid time") from None


def _file_size(timeline: Timeline, source: Path, fmt: Format) -> tuple[int, int] | None:
    """The frame size the file itself records, where its format has one."""
    try:
        if fmt.suffix == ".xml":
            chars = timeline.metadata["fcp_xml"]["media"]["video"]["format"]["samplecharacteristics"]
            return int(chars["width"]), int(chars["height"])
        if fmt.suffix in (".kdenlive", ".fcpxml"):
            root = ET.fromstring(source.read_bytes())
            found = root.find("profile") if fmt.suffix == ".kdenlive" else root.find("./resources/format")
            if found is not None and found.get("width") and found.get("height"):
                return int(found.get("width")), int(found.get("height"))
    except (KeyError, TypeError, ValueError, ET.ParseError, OSError):
        return None
    return None


def _media_size(timeline: Timeline, folder: Path) -> tuple[int, int] | None:
    """The picture size of the first video file that is there."""
    for clip in timeline.find_clips():
        url = getattr(clip.media_reference, "target_url", None)
        path = path_from_url(url, folder) if url else None
        if path is None or not path.is_file():
            continue
        try:
            info = probe(path)
        except MediaError:
            continue
        if info.video is not None and info.kind == "video":
            return info.video.width, info.video.height
    return None


def _name_tracks(timeline: Timeline) -> None:
    """Unique track names; unnamed tracks and numbered lanes (FCPXML's "0", "-1") become V1.., A1.."""
    tracks = [t for t in timeline.tracks if isinstance(t, otio.schema.Track)]
    keep = [t.name for t in tracks]
    seen: set[str] = set()
    for i, t in enumerate(tracks):
        name = keep[i].strip()
        if not name or re.fullmatch(r"-?\d+", name) or name in seen:
            t.name = ""
        else:
            seen.add(name)
    for kind, prefix in ((VIDEO, "V"), (AUDIO, "A")):
        n = 0
        for t in tracks:
            if t.kind == kind and not t.name:
                n += 1
                while f"{prefix}{n}" in seen:
                    n += 1
                t.name = f"{prefix}{n}"
                seen.add(t.name)
    for t in tracks:
        if not t.name:
            t.name = f"{t.kind or 'Track'} {len(seen) + 1}"
            seen.add(t.name)


def _restack(timeline: Timeline) -> None:
    """Video tracks below audio tracks, each kind in its own order, as Shotline keeps them."""
    children = list(timeline.tracks)
    video = [c for c in children if isinstance(c, otio.schema.Track) and c.kind == VIDEO]
    audio = [c for c in children if isinstance(c, otio.schema.Track) and c.kind == AUDIO]
    other = [c for c in children if c not in video and c not in audio]
    ordered = [*video, *audio, *other]
    if ordered == children:
        return
    timeline.tracks[:] = []
    for child in ordered:
        timeline.tracks.append(child)


def _mark_kinds(timeline: Timeline) -> None:
    """Each clip says whether it is picture or sound: the kind of the track it is on."""
    for clip in timeline.find_clips():
        track = clip.parent()
        if isinstance(track, otio.schema.Track) and track.kind in (VIDEO, AUDIO):
            shotline_meta(clip).setdefault("kind", "video" if track.kind == VIDEO else "audio")


def _absolute_paths(timeline: Timeline, folder: Path) -> None:
    """Relative media paths in a foreign file are relative to that file, not to the current folder."""
    for clip in timeline.find_clips():
        for ref in clip.media_references().values():
            url = getattr(ref, "target_url", None)
            if not url:
                continue
            path = path_from_url(url, folder)
            if path is not None:
                ref.target_url = str(path)


def _fix_edl_dissolve_sources(timeline: Timeline) -> None:
    """The EDL reader gives a dissolve's incoming clip the outgoing clip's file (it reads the
    event's ``FROM CLIP`` comment); the ``TO CLIP`` comment names the right one."""
    for clip in timeline.find_clips():
        comments = clip.metadata.get("cmx_3600", {}).get("comments", []) or []
        to_clip = [c.split(":", 1)[1].strip() for c in comments if str(c).startswith("TO CLIP:")]
        if to_clip and isinstance(clip.media_reference, otio.schema.ExternalReference):
            clip.media_reference.target_url = to_clip[-1]
