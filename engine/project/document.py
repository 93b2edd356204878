"""The project document: an OpenTimelineIO timeline with Shotline's settings.

A project *is* an `otio.schema.Timeline`. Shotline keeps its own settings in
``timeline.metadata["shotline"]`` (rate, size) and gives every clip a stable
id in ``clip.metadata["shotline"]["id"]`` so that selections, links and undo
refer to clips across the clones that undo restores. Tracks are named V1..Vn
and A1..An by default; their kind (video or audio) is OTIO's track kind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import opentimelineio as otio

from engine.errors import EditError
from engine.project.times import ALLOWED_RATES, rate_float, rate_fraction

Timeline = otio.schema.Timeline
Track = otio.schema.Track
Clip = otio.schema.Clip
Gap = otio.schema.Gap
Transition = otio.schema.Transition

VIDEO = otio.schema.TrackKind.Video
AUDIO = otio.schema.TrackKind.Audio

DEFAULT_RATE = 30.0
DEFAULT_SIZE = (1920, 1080)
#: Audio is mixed and exported at this rate; audio clips still keep their
#: ranges at the project (video) rate so every edit stays on frame boundaries.
AUDIO_SAMPLE_RATE = 48000
#: The sample rates a project's export may use (the mix is at AUDIO_SAMPLE_RATE, resampled on export).
SAMPLE_RATES = (48000, 44100)


@dataclass(frozen=True)
class ProjectSettings:
    """The values every renderer and edit needs from a project."""

    rate: float
    width: int
    height: int
    sample_rate: int = AUDIO_SAMPLE_RATE  # what the export writes


def new_project(
    name: str = "Untitled",
    rate: float | str = DEFAULT_RATE,
    size: tuple[int, int] = DEFAULT_SIZE,
    video_tracks: int = 2,
    audio_tracks: int = 2,
    sample_rate: int = AUDIO_SAMPLE_RATE,
) -> Timeline:
    """An empty project with V1..Vn and A1..An."""
    check_sample_rate(sample_rate)
    exact = rate_fraction(rate)
    if exact not in ALLOWED_RATES.values():
        allowed = ", ".join(ALLOWED_RATES)
        raise EditError(f"{float(exact):g} fps is not a project rate Shotline supports ({allowed})")
    width, height = size
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise EditError(f"{width}x{height} is not a valid frame size (positive, even numbers)")
    timeline = otio.schema.Timeline(name=name)
    rate_value = rate_float(exact)
    timeline.global_start_time = otio.opentime.RationalTime(0, rate_value)
    timeline.metadata["shotline"] = {
        "rate": f"{exact.numerator}/{exact.denominator}",
        "width": int(width),
        "height": int(height),
        "sample_rate": int(sample_rate),
    }
    for i in range(video_tracks):
        timeline.tracks.append(otio.schema.Track(name=f"V{i + 1}", kind=VIDEO))
    for i in range(audio_tracks):
        timeline.tracks.append(otio.schema.Track(name=f"A{i + 1}", kind=AUDIO))
    return timeline


def settings(timeline: Timeline) -> ProjectSettings:
    """The project's rate and size; OTIO files from other tools get defaults.

    A foreign timeline has no Shotline metadata: its rate is taken from its
    global start time, or from its first clip, so edits stay frame-exact.
    """
    meta = timeline.metadata.get("shotline", {})
    if "rate" in meta:
        rate = rate_float(str(meta["rate"]))
    elif timeline.global_start_time is not None:
        rate = timeline.global_start_time.rate
    else:
        clip = next(iter(timeline.find_clips()), None)
        rate = clip.source_range.duration.rate if clip and clip.source_range else DEFAULT_RATE
    width = int(meta.get("width", DEFAULT_SIZE[0]))
    height = int(meta.get("height", DEFAULT_SIZE[1]))
    sample_rate = meta.get("sample_rate", AUDIO_SAMPLE_RATE)
    if sample_rate not in SAMPLE_RATES:
        sample_rate = AUDIO_SAMPLE_RATE  # a hand-edited file: export at the mix's own rate
    return ProjectSettings(rate=rate, width=width, height=height, sample_rate=sample_rate)


def check_sample_rate(sample_rate: int) -> int:
    if sample_rate not in SAMPLE_RATES:
        allowed = ", ".join(str(r) for r in SAMPLE_RATES)
        raise EditError(f"{sample_rate} Hz is not a sample rate Shotline exports ({allowed})")
    return sample_rate


def project_rate(timeline: Timeline) -> float:
    return settings(timeline).rate


def shotline_meta(obj: otio.core.SerializableObject) -> otio._otio.AnyDictionary:
    """The ``metadata["shotline"]`` dict of any OTIO object, created if missing."""
    if obj.metadata.get("shotline") is None:
        obj.metadata["shotline"] = {}
    return obj.metadata["shotline"]


def new_id() -> str:
    return uuid.uuid4().hex[:12]


def clip_id(clip: Clip) -> str:
    """The clip's stable id, assigned on first use."""
    meta = shotline_meta(clip)
    if "id" not in meta:
        meta["id"] = new_id()
    return str(meta["id"])


def ensure_ids(timeline: Timeline) -> None:
    """Give every clip an id (timelines from other tools have none)."""
    seen: set[str] = set()
    for clip in timeline.find_clips():
        ident = clip_id(clip)
        if ident in seen:  # a copied clip: ids must stay unique
            shotline_meta(clip)["id"] = new_id()
        seen.add(clip_id(clip))


def tracks(timeline: Timeline, kind: str | None = None) -> list[Track]:
    """Tracks in stack order (bottom first), optionally of one kind."""
    return [t for t in timeline.tracks if isinstance(t, Track) and (kind is None or t.kind == kind)]


def track(timeline: Timeline, name: str) -> Track:
    """The track with this name; an `EditError` when there is none."""
    for t in tracks(timeline):
        if t.name == name:
            return t
    raise EditError(f"There is no track named {name!r}")


def iter_clips(timeline: Timeline) -> Iterator[tuple[Track, Clip]]:
    for t in tracks(timeline):
        for item in t:
            if isinstance(item, Clip):
                yield t, item


def find_clip(timeline: Timeline, ident: str) -> tuple[Track, Clip]:
    """The clip with this id and the track it is on."""
    for t, clip in iter_clips(timeline):
        if clip.metadata.get("shotline", {}).get("id") == ident:
            return t, clip
    raise EditError(f"No clip with id {ident!r} is on the timeline")
