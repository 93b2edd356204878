"""Writing a Shotline timeline for another editor to finish: EDL, FCP 7 XML, FCPXML, AAF, Kdenlive, OTIO.

What another tool needs and Shotline's own project file does not: media as
absolute ``file://`` URLs (a relative path would be resolved against
whatever folder that tool runs in), no empty tracks (an EDL writer refuses a
second, empty video track), one EDL per video track (the format has one),
the frame size in FCP XML, AAF dissolves described the way Avid's are, and
nested sequences flattened where the format has none. What a format cannot
carry (takes, masks, generated provenance, effects, and the format's own
gaps) is named in one line, so nobody learns it from the finished film.

Every file is written under a temporary name beside the target and renamed
into place only when all of them are complete: a failed export leaves
nothing behind, and never a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import aaf2.mobid
import opentimelineio as otio

from engine.atomic import write_atomically
from engine.errors import ExportError, MediaError, ShotlineError
from engine.interchange import bundle, edl_speed, fcp7, fcp7_speed
from engine.interchange.formats import Format, format_for, write_file, write_string
from engine.media.probe import probe
from engine.media.reference import available_range
from engine.project import foreign, ramp_curve, timewarp, titles
from engine.project.document import AUDIO, VIDEO, ProjectSettings, Timeline, settings
from engine.project.mediapaths import path_from_url

RationalTime = otio.opentime.RationalTime
TimeRange = otio.opentime.TimeRange

#: The AAF standard's dissolve operations (AAF Object Specification, section "Effect definitions").
AAF_VIDEO_DISSOLVE = "0c3bea40-fc05-11d2-8a29-0050040ef7d2"
AAF_AUDIO_DISSOLVE = "0c3bea41-fc05-11d2-8a29-0050040ef7d2"


@dataclass
class Exported:
    paths: list[Path]
    warning: str | None = None  # one line: what the format could not carry
    lost: list[str] = field(default_factory=list)


def export_timeline(timeline: Timeline, out: str | os.PathLike[str], rate: float | None = None) -> Exported:
    """Write `timeline` to `out` in the format its extension names."""
    target = Path(out).absolute()
    fmt = format_for(target)
    if not target.parent.is_dir():
        raise ExportError(f"Cannot write {target.name}: the folder {target.parent} does not exist")
    if target.exists() and not target.is_file() and fmt.suffix != ".otiod":
        raise ExportError(f"{target} is not a file; Shotline will not replace it")
    lost = [] if fmt.native else lost_in(timeline, fmt)
    prepared = _prepared(timeline, fmt)
    try:
        if fmt.suffix == ".otioz":
            paths = [bundle.write_bundle(prepared, target)]
        elif fmt.suffix == ".otiod":
            paths = [_write_folder_bundle(prepared, fmt, target)]
        else:
            paths = _write_files(_files_for(prepared, fmt, target, rate))
    except ShotlineError:
        raise
    except Exception as error:  # the adapters' own errors: a message, never a traceback
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"Could not write {target.name} as {fmt.label}: {reason}") from None
    warning = f"{target.name} cannot carry: {'; '.join(lost)}" if lost else None
    return Exported(paths, warning, lost)


def lost_in(timeline: Timeline, fmt: Format) -> list[str]:
    """What of this timeline an export to `fmt` leaves behind, each with how many it concerns."""
    clips = list(timeline.find_clips())
    lost = []

    def note(what: str, count: int, unit: str = "clip") -> None:
        if count:
            lost.append(f"{what} ({count} {unit}{'s' if count != 1 else ''})")

    note("takes", sum(1 for c in clips if len(c.media_references()) > 1))
    note("masks", sum(1 for c in clips if c.metadata.get("shotline", {}).get("mask")))
    note(
        "generated provenance",
        sum(
            1
            for c in clips
            if any(r.metadata.get("shotline", {}).get("generated") for r in c.media_references().values())
        ),
    )
    note("effects", sum(1 for c in clips if _has_effects(c)))
    note("titles", sum(1 for c in clips if titles.is_title(c)))
    for what, count in _time_effects(clips).items():
        if what not in fmt.time_effects:
            note(what, count)
    items = list(timeline.find_children())
    checks = {
        "transitions": sum(1 for i in items if isinstance(i, otio.schema.Transition)),
        "markers": len(timeline.tracks.markers) + sum(len(i.markers) for i in items if hasattr(i, "markers")),
        "nested sequences": sum(1 for i in items if isinstance(i, otio.schema.Stack)),
        "disabled clips": sum(1 for c in clips if not c.enabled),
    }
    for what in fmt.loses:
        note(what, checks.get(what, 0), "item")
    if fmt.suffix == ".edl":
        # the adapter writes the events of the file's first track, the picture: no sound at all
        note("sound", len(_nonempty(timeline, AUDIO)), "track")
    return lost


def _has_effects(clip: otio.schema.Clip) -> bool:
    """Picture and sound effects and fades; speed is counted on its own (`_time_effects`)."""
    meta = clip.metadata.get("shotline", {})
    others = [
        e
        for e in clip.effects
        if not isinstance(e, otio.schema.LinearTimeWarp) and e.effect_name != ramp_curve.EFFECT_NAME
    ]
    return bool(others or meta.get("fade_in") or meta.get("fade_out"))


SPEED, REVERSE, FREEZE, RAMP = "speed changes", "reversed clips", "freeze frames", "speed ramps"


def _time_effects(clips: list[otio.schema.Clip]) -> dict[str, int]:
    """How many clips play at another speed, backwards, frozen, or ramped (no format carries a
    ramp: those get its average speed)."""
    counts = {SPEED: 0, REVERSE: 0, FREEZE: 0, RAMP: 0}
    for clip in clips:
        scalar = timewarp.time_scalar(clip)
        if timewarp.has_ramp(clip):
            counts[RAMP] += 1
        elif scalar == 0:
            counts[FREEZE] += 1
        elif scalar < 0:
            counts[REVERSE] += 1
        elif scalar != 1:
            counts[SPEED] += 1
    return counts


def _time_effects_for(timeline: Timeline, fmt: Format) -> None:
    """Keep only the time effects the format writes: a reversed clip goes to an EDL forwards at its
    speed (its writer refuses negative speeds), a speed ramp as its average speed where the format
    has speed, and the rest play at normal speed over the same cut."""
    for clip in timeline.find_clips():
        scalar = timewarp.time_scalar(clip)
        if timewarp.has_ramp(clip):
            kept = [e for e in clip.effects if e.effect_name != ramp_curve.EFFECT_NAME]
            if SPEED in fmt.time_effects:
                average = float(scalar.limit_denominator(10000))
                kept.insert(0, otio.schema.LinearTimeWarp(name="Speed", time_scalar=average))
            clip.effects[:] = kept
            continue
        if scalar == 1:
            continue
        kind = FREEZE if scalar == 0 else REVERSE if scalar < 0 else SPEED
        if kind in fmt.time_effects:
            continue
        kept = [e for e in clip.effects if not isinstance(e, otio.schema.LinearTimeWarp)]
        if kind == REVERSE and SPEED in fmt.time_effects and scalar != -1:
            kept.insert(0, otio.schema.LinearTimeWarp(name="Speed", time_scalar=float(-scalar)))
        clip.effects[:] = kept


def _nonempty(timeline: Timeline, kind: str) -> list[otio.schema.Track]:
    return [
        t
        for t in timeline.tracks
        if isinstance(t, otio.schema.Track) and t.kind == kind and any(True for _ in t.find_clips())
    ]


# preparing a copy for the format ----------------------------------------------------------


def _prepared(timeline: Timeline, fmt: Format) -> Timeline:
    copy = timeline.clone()
    foreign.restore_tracks(copy)
    if fmt.suffix == ".otioz":
        return copy  # the bundle writer points every reference into the bundle itself
    _absolute_urls(copy)
    if fmt.native:
        return copy
    _titles_to_gaps(copy)
    _drop_empty_tracks(copy)
    _time_effects_for(copy, fmt)
    _known_ranges(copy)
    if fmt.suffix != ".xml":  # FCP 7 XML has nested sequences; the others get their contents
        _flatten_nested(copy)
    if fmt.suffix in (".edl", ".kdenlive", ".fcpxml", ".aaf"):  # their writers drop the flag
        _disabled_to_gaps(copy)
    if fmt.suffix == ".xml":
        _fcp_frame_size(copy)
        fcp7.mark_disabled(copy)
        fcp7_speed.mark_speeds(copy)
    if fmt.suffix == ".aaf":
        _aaf_ready(copy)
    return copy


def _absolute_urls(timeline: Timeline) -> None:
    for clip in timeline.find_clips():
        for ref in clip.media_references().values():
            url = getattr(ref, "target_url", None)
            path = path_from_url(url) if url else None
            if path is not None and path.is_absolute():
                ref.target_url = path.as_uri()


def _known_ranges(timeline: Timeline) -> None:
    """Every reference says how long its media is (the XML and AAF writers need it): probed from
    the file when the project does not know, else the clip's own range."""
    for clip in timeline.find_clips():
        ref = clip.media_reference
        if ref is None or ref.available_range is not None or clip.source_range is None:
            continue
        url = getattr(ref, "target_url", None)
        path = path_from_url(url) if url else None
        extent = None
        if path is not None and path.is_file():
            with contextlib.suppress(MediaError):
                extent = available_range(probe(path))
        ref.available_range = extent or clip.source_range


def _drop_empty_tracks(timeline: Timeline) -> None:
    keep = [
        c
        for c in timeline.tracks
        if not isinstance(c, otio.schema.Track)
        or c.kind not in (VIDEO, AUDIO)
        or any(True for _ in c.find_clips())
    ]
    if len(keep) == len(timeline.tracks):
        return
    timeline.tracks[:] = []
    for child in keep:
        timeline.tracks.append(child)


def _flatten_nested(timeline: Timeline) -> None:
    """Each nested Stack replaced by its picture (or sound) flattened into one track's items."""
    for t in list(timeline.tracks):
        if not isinstance(t, otio.schema.Track):
            continue
        for index, item in reversed(list(enumerate(t))):
            if not isinstance(item, otio.schema.Stack):
                continue
            inner = [c for c in item if isinstance(c, otio.schema.Track) and c.kind == t.kind and c.enabled]
            flat = otio.algorithms.flatten_stack(inner) if inner else otio.schema.Track()
            trimmed = otio.algorithms.track_trimmed_to_range(flat, item.trimmed_range())
            pieces = [c.clone() for c in trimmed]
            total = sum(
                (p.duration() for p in pieces if not isinstance(p, otio.schema.Transition)), RationalTime()
            )
            missing = item.duration() - total
            if missing.value > 0:
                pieces.append(otio.schema.Gap(source_range=TimeRange(RationalTime(0, missing.rate), missing)))
            del t[index]
            for offset, piece in enumerate(pieces):
                t.insert(index + offset, piece)


def _titles_to_gaps(timeline: Timeline) -> None:
    """Titles are Shotline's generators, which the other formats' writers cannot write: a gap."""
    for clip in list(timeline.find_clips()):
        if titles.is_title(clip):
            parent = clip.parent()
            parent[list(parent).index(clip)] = otio.schema.Gap(
                source_range=TimeRange(RationalTime(0, clip.duration().rate), clip.duration())
            )


def _disabled_to_gaps(timeline: Timeline) -> None:
    """A format with no 'disabled' flag gets a gap where Shotline shows nothing."""
    for clip in list(timeline.find_clips()):
        if clip.enabled:
            continue
        parent = clip.parent()
        index = list(parent).index(clip)
        parent[index] = otio.schema.Gap(
            source_range=TimeRange(RationalTime(0, clip.duration().rate), clip.duration())
        )


def _fcp_frame_size(timeline: Timeline) -> None:
    s = settings(timeline)
    fcp = dict(timeline.metadata.get("fcp_xml", {}) or {})
    media = dict(fcp.get("media", {}) or {})
    video = dict(media.get("video", {}) or {})
    fmt = dict(video.get("format", {}) or {})
    chars = dict(fmt.get("samplecharacteristics", {}) or {})
    chars.update({"width": str(s.width), "height": str(s.height)})
    fmt["samplecharacteristics"] = chars
    video["format"] = fmt
    media["video"] = video
    fcp["media"] = media
    timeline.metadata["fcp_xml"] = fcp


def _aaf_ready(timeline: Timeline) -> None:
    """What the AAF writer insists on: one edit rate everywhere, ranges on every reference, and a
    dissolve's operation, control points and cut point as Avid describes them."""
    rate = settings(timeline).rate
    mob_ids: dict[str, str] = {}

    def at_rate(r: TimeRange) -> TimeRange:
        return TimeRange(
            RationalTime(round(r.start_time.value_rescaled_to(rate)), rate),
            RationalTime(round(r.duration.value_rescaled_to(rate)), rate),
        )

    for item in timeline.find_children():
        if isinstance(item, otio.schema.Transition):
            kind = item.parent().kind if item.parent() is not None else VIDEO
            item.in_offset = RationalTime(round(item.in_offset.value_rescaled_to(rate)), rate)
            item.out_offset = RationalTime(round(item.out_offset.value_rescaled_to(rate)), rate)
            aaf = dict(item.metadata.get("AAF", {}) or {})
            aaf.setdefault("CutPoint", int(item.in_offset.value))
            aaf.setdefault("PointList", [{"Value": 0, "Time": 0}, {"Value": 1, "Time": 1}])
            aaf.setdefault(
                "OperationGroup",
                {
                    "Operation": {
                        "DataDefinition": {"Name": "Picture" if kind == VIDEO else "Sound"},
                        "Description": "Video Dissolve" if kind == VIDEO else "Mono Audio Dissolve",
                        "Name": "Video Dissolve" if kind == VIDEO else "Mono Audio Dissolve",
                        "Identification": AAF_VIDEO_DISSOLVE if kind == VIDEO else AAF_AUDIO_DISSOLVE,
                        "IsTimeWarp": False,
                        "Bypass": 1,
                        "NumberInputs": 2,
                        "OperationCategory": "OperationCategory_Effect",
                    }
                },
            )
            item.metadata["AAF"] = aaf
        elif isinstance(item, otio.schema.Clip | otio.schema.Gap) and item.source_range is not None:
            item.source_range = at_rate(item.source_range)
            if isinstance(item, otio.schema.Clip):
                ref = item.media_reference
                if ref.available_range is None:
                    ref.available_range = item.source_range
                else:
                    ref.available_range = at_rate(ref.available_range)
                aaf = dict(ref.metadata.get("AAF", {}) or {})
                if not aaf.get("MobID"):  # one master mob per file, shared by every clip of it
                    url = str(getattr(ref, "target_url", "") or id(ref))
                    aaf["MobID"] = mob_ids.setdefault(url, aaf2.mobid.MobID.new().urn)
                    ref.metadata["AAF"] = aaf


# writing ----------------------------------------------------------------------------------


def _files_for(
    timeline: Timeline, fmt: Format, target: Path, rate: float | None
) -> list[tuple[Path, object]]:
    """(destination, what to write there): bytes, or a timeline for a file-writing adapter."""
    if fmt.suffix == ".aaf":
        return [(target, timeline)]
    if fmt.suffix in (".fcpxml", ".kdenlive"):
        return [(target, _with_frame_size(write_string(timeline, fmt), fmt, settings(timeline)))]
    if fmt.suffix == ".xml":
        return [(target, fcp7_speed.fix_out_points(write_string(timeline, fmt)))]
    if fmt.suffix != ".edl":
        return [(target, write_string(timeline, fmt))]
    edl_rate = rate or settings(timeline).rate
    videos = _nonempty(timeline, VIDEO)
    if not videos:
        raise ExportError(f"{target.name}: an EDL needs a video track with clips, and this timeline has none")
    files = []
    for video in videos:
        single = otio.schema.Timeline(name=timeline.name, global_start_time=timeline.global_start_time)
        single.tracks.append(video.clone())
        name = target if len(videos) == 1 else target.with_name(f"{target.stem}_{video.name}{target.suffix}")
        text = write_string(single, fmt, rate=edl_rate).decode("utf-8")
        files.append((name, edl_speed.fix_source_outs(text, edl_rate).encode("utf-8")))
    return files


def _with_frame_size(data: bytes, fmt: Format, project: ProjectSettings) -> bytes:
    """The project's frame size where the adapter writes a fixed or guessed one (Kdenlive's
    profile is always 1920x1080; FCPXML's format comes from probing the media with ffprobe)."""
    root = ET.fromstring(data)
    found = root.findall("profile") if fmt.suffix == ".kdenlive" else root.findall("./resources/format")
    for element in found:
        element.set("width", str(project.width))
        element.set("height", str(project.height))
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    doctype = b"<!DOCTYPE fcpxml>\n" if fmt.suffix == ".fcpxml" else b""
    return head + doctype + ET.tostring(root, encoding="utf-8")


def _write_files(files: list[tuple[Path, object]]) -> list[Path]:
    """Write every file under a temporary name, then move them all into place."""
    temps: list[tuple[Path, Path]] = []
    try:
        for target, content in files:
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".writing", dir=target.parent)
            os.close(handle)
            temp = Path(name)
            temps.append((temp, target))
            if isinstance(content, bytes):
                temp.unlink()
                write_atomically(temp, content)
            else:
                temp.unlink()  # the AAF writer creates its own file
                write_file(content, format_for(target), temp)
        for temp, target in temps:
            os.replace(temp, target)
    except BaseException:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    return [target for _, target in temps]


def _write_folder_bundle(timeline: Timeline, fmt: Format, target: Path) -> Path:
    if target.exists():
        raise ExportError(f"{target} already exists; choose a new name for the folder bundle")
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        inner = scratch / target.name
        write_file(timeline, fmt, inner)
        os.replace(inner, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target
