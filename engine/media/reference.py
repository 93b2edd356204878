"""Clips for a file a user brings: its picture and its sound, described from a probe.

This is what importing into the bin and dropping on the timeline do, and
what tests and scripts use to build edits from real files. The media's
available range is the file's duration in its own frame rate (sample rate
for sound-only files), so trims stop at the file's real ends.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio

from engine.media.probe import MediaInfo, probe
from engine.project.clips import linked_av, media_clip, media_reference
from engine.project.document import AUDIO, AUDIO_SAMPLE_RATE, VIDEO
from engine.project.provenance import attach, provenance_of


def available_range(info: MediaInfo) -> otio.opentime.TimeRange | None:
    """The file's extent as OTIO sees it; None for a still, which lasts as long as its clip."""
    if info.kind == "image" or info.duration is None:
        return None
    rate = float(info.video.rate) if info.video is not None else float(AUDIO_SAMPLE_RATE)
    value = info.duration * Fraction(rate)
    return otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(float(value), rate)
    )


def reference_for(
    path: str | os.PathLike[str], info: MediaInfo | None = None
) -> otio.schema.ExternalReference:
    """A file's reference; a generation result (in its cache entry) carries how it was made."""
    info = info or probe(path)
    reference = media_reference(str(Path(path).absolute()), available_range(info), still=info.kind == "image")
    made = provenance_of(path)
    if made is not None:
        attach(reference, made)
    return reference


def clips_for(
    path: str | os.PathLike[str], rate: float, duration: int | None = None, source_start: int | None = None
) -> list[otio.schema.Clip]:
    """The clips a file makes at project `rate`: picture and sound linked, or the one it has.

    A still needs `duration` (in frames), since it has no length of its own.
    """
    info = probe(path)
    ref = reference_for(path, info)
    name = Path(path).stem
    if info.video is not None and info.audio is not None:
        return list(linked_av(name, ref, rate, duration, source_start))
    kind = VIDEO if info.video is not None else AUDIO
    return [media_clip(name, ref, rate, duration, source_start, kind)]
