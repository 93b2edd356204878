"""Music that ducks under voice-over: a gain envelope on music tracks wherever a voice clip is heard.

A mixer would do this with a side-chain compressor listening to the voice;
an editor can do better, because it knows where every line is before it
plays. So the envelope is computed from the document alone: wherever a clip
on an audible voice track plays, the music tracks are lowered by the duck
amount (default 10 dB), reaching full depth as the line starts (the attack
ramp begins `attack` earlier) and coming back over `release` after it ends.
The ramps are straight lines in decibels, as a fader moves.

The gain at a sample depends only on the sample's position, never on the
block it is mixed in, so preview (small blocks from a playback thread) and
export (large blocks) mix the same numbers, sample for sample. The settings
live on the timeline (``metadata["shotline"]["ducking"]``) and change by an
undoable edit; an amount of 0 dB turns ducking off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import opentimelineio as otio

from engine.errors import EditError
from engine.project import document, trackedit
from engine.project.change import Change, mutation
from engine.project.document import AUDIO_SAMPLE_RATE, Timeline, shotline_meta
from engine.project.roles import MUSIC, VOICE, track_role
from engine.project.tracks import audible_tracks
from engine.render.plan import frame_to_sample

DEFAULT_AMOUNT_DB, DEFAULT_ATTACK_MS, DEFAULT_RELEASE_MS = 10.0, 200, 500
AMOUNT_RANGE, TIME_RANGE_MS = (0.0, 40.0), (0, 5000)
SAMPLES_PER_MS = AUDIO_SAMPLE_RATE // 1000


@dataclass(frozen=True)
class DuckSettings:
    amount_db: float = DEFAULT_AMOUNT_DB  # how far music drops under a voice; 0 is off
    attack_ms: int = DEFAULT_ATTACK_MS  # the drop starts this long before a line
    release_ms: int = DEFAULT_RELEASE_MS  # and music comes back over this long after it

    @property
    def enabled(self) -> bool:
        return self.amount_db > 0

    def to_dict(self) -> dict:
        return {"amount_db": self.amount_db, "attack_ms": self.attack_ms, "release_ms": self.release_ms}


def duck_settings(timeline: Timeline) -> DuckSettings:
    stored = timeline.metadata.get("shotline", {}).get("ducking")
    if not hasattr(stored, "get"):
        return DuckSettings()
    try:
        return DuckSettings(
            float(stored.get("amount_db", DEFAULT_AMOUNT_DB)),
            int(stored.get("attack_ms", DEFAULT_ATTACK_MS)),
            int(stored.get("release_ms", DEFAULT_RELEASE_MS)),
        )
    except (TypeError, ValueError):
        return DuckSettings()  # a hand-edited file with nonsense in it still plays


def set_duck_settings(timeline: Timeline, settings: DuckSettings) -> Change:
    """Change how far and how fast music ducks under voice-over (undoable)."""
    low, high = AMOUNT_RANGE
    if not low <= settings.amount_db <= high:
        raise EditError(f"The duck amount must be from {low:g} to {high:g} dB, not {settings.amount_db:g}")
    for label, value in (("Attack", settings.attack_ms), ("Release", settings.release_ms)):
        if not TIME_RANGE_MS[0] <= value <= TIME_RANGE_MS[1]:
            raise EditError(f"{label} must be from 0 to {TIME_RANGE_MS[1]} ms, not {value}")
    if settings == duck_settings(timeline):
        raise EditError("Ducking is already set so")
    with mutation(timeline, "Ducking Settings", stack=True) as change:
        shotline_meta(timeline)["ducking"] = settings.to_dict()
        change.result = settings
    return change


def voice_spans(timeline: Timeline) -> list[tuple[int, int]]:
    """Where voice-over is heard: [start, end) samples at 48 kHz, overlapping spans merged."""
    rate = document.settings(timeline).rate
    spans = []
    for track in audible_tracks(timeline):
        if track_role(track) != VOICE:
            continue
        for slot in trackedit.layout(track, rate):
            if isinstance(slot.item, otio.schema.Clip) and slot.item.enabled:
                spans.append((frame_to_sample(slot.start, rate), frame_to_sample(slot.end, rate)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def depth_at(spans: list[tuple[int, int]], settings: DuckSettings, positions: np.ndarray) -> np.ndarray:
    """How ducked (0 none, 1 full) the music is at each sample position."""
    attack = settings.attack_ms * SAMPLES_PER_MS
    release = settings.release_ms * SAMPLES_PER_MS
    depth = np.zeros(positions.shape, np.float64)
    if not spans or not settings.enabled or positions.size == 0:
        return depth
    lo, hi = float(positions.min()), float(positions.max())
    for start, end in spans:
        if end + release < lo or start - attack > hi:
            continue
        rise = np.clip((positions - (start - attack)) / attack, 0.0, 1.0) if attack else positions >= start
        fall = np.clip(1.0 - (positions - end) / release, 0.0, 1.0) if release else positions < end
        np.maximum(depth, np.minimum(rise, fall), out=depth)
    return depth


def gain_db_at(timeline: Timeline, positions: np.ndarray) -> np.ndarray:
    """The music's duck gain in dB at sample positions (for drawing the envelope on music clips)."""
    settings = duck_settings(timeline)
    return -settings.amount_db * depth_at(voice_spans(timeline), settings, np.asarray(positions, np.float64))


def is_music(track: otio.schema.Track | None) -> bool:
    return track is not None and track_role(track) == MUSIC


class BlockDucking:
    """The duck gain over one mixed block, applied to the segments of music clips."""

    def __init__(self, timeline: Timeline, start: int, count: int) -> None:
        self.gain: np.ndarray | None = None
        settings = duck_settings(timeline)
        if not settings.enabled or count <= 0 or not any(is_music(t) for t in audible_tracks(timeline)):
            return
        depth = depth_at(voice_spans(timeline), settings, np.arange(start, start + count, dtype=np.float64))
        if depth.any():
            self.gain = np.power(10.0, -settings.amount_db * depth / 20.0).astype(np.float32)

    def apply(self, clip: otio.schema.Clip, out_start: int, samples: np.ndarray) -> None:
        """Lower `samples` (a music clip's part of the block, from `out_start`) in place."""
        if self.gain is not None and is_music(clip.parent()):
            samples *= self.gain[out_start : out_start + len(samples), None]
