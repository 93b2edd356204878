"""What the timeline shows and plays at a given time, decided from the document alone.

Video: the topmost visible video track with something at the frame wins. A
cross-dissolve straddles its cut (``in_offset`` frames before it,
``out_offset`` after): during it the outgoing clip keeps playing past its out
point and the incoming one starts before its in point, blended by progress.
Fades go to black. Audio: every audible track (mute and solo honoured) mixes,
each clip with its gain, fades, and equal-power crossfades at transitions.

Timelines from other editors bring three more things, honoured here: a
disabled clip is not there (what is below shows through, and it is silent);
a transition at a track's start fades its first clip in from nothing, one
at its end fades the last clip out; and a nested sequence (a Stack in a
track) shows and sounds as its own tracks composited, from its source range.

Times are project frames (video) and sample indices at 48 kHz (audio). Frame
``f`` starts at sample ``round(f * 48000 / rate)`` with the exact rational
rate, so boundaries never drift, even at 29.97 fps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import opentimelineio as otio

from engine.project import document, effects, timewarp, trackedit
from engine.project.document import AUDIO_SAMPLE_RATE
from engine.project.times import rate_fraction
from engine.project.tracks import audible_tracks, visible_video_tracks
from engine.project.transitions import transitions_on
from engine.render import ramp_sound


@dataclass(frozen=True)
class Layer:
    """One clip's picture contributing `weight` of the output frame."""

    clip: otio.schema.Clip
    source_frame: int  # project frames since the media's first frame
    weight: float
    offset: int = 0  # frames since the clip's start on its track (keyframes count from there)
    #: slow motion: how far (0..1) the exact source position lies towards the next source frame,
    #: and how that in-between picture is made (timewarp.NEAREST ignores it)
    between: float = 0.0
    interpolation: str = timewarp.NEAREST


def frame_to_sample(frame: int, rate: float) -> int:
    """The first sample of a project frame."""
    exact = rate_fraction(rate)
    return round(Fraction(frame) * AUDIO_SAMPLE_RATE / exact)


def source_seconds(clip: otio.schema.Clip, source_frame: int, rate: float) -> Fraction:
    """Media time (seconds, exact) of a source frame counted at the project rate."""
    return Fraction(source_frame) / rate_fraction(rate)


def fade_factor(clip: otio.schema.Clip, offset: int, length: int) -> float:
    """Fade multiplier at `offset` frames into a clip of `length` frames (sampled mid-frame)."""
    meta = clip.metadata.get("shotline", {})
    fade_in = int(meta.get("fade_in", 0) or 0)
    fade_out = int(meta.get("fade_out", 0) or 0)
    factor = 1.0
    if fade_in > 0 and offset < fade_in:
        factor *= (offset + 0.5) / fade_in
    if fade_out > 0 and offset >= length - fade_out:
        factor *= (length - offset - 0.5) / fade_out
    return max(0.0, min(1.0, factor))


@dataclass(frozen=True)
class _Window:
    """A transition's span on its track: [start, end) frames, and the clips on each side."""

    start: int
    end: int
    cut: int
    outgoing: otio.schema.Clip
    incoming: otio.schema.Clip
    out_slot: trackedit.Slot
    in_slot: trackedit.Slot


def transition_windows(track: otio.schema.Track, rate: float) -> list[_Window]:
    """Every transition on the track with the clips it joins."""
    windows = []
    for found in transitions_on(track, rate):
        around = trackedit.slots_around_cut(track, found.cut, rate)
        if around is None:
            continue
        before, after = around
        if isinstance(before.item, otio.schema.Clip) and isinstance(after.item, otio.schema.Clip):
            start, end = found.cut - found.in_offset, found.cut + found.out_offset
            windows.append(_Window(start, end, found.cut, before.item, after.item, before, after))
    return windows


@dataclass(frozen=True)
class _Edge:
    """A transition at a track's start or end: its clip fades in from (or out to) nothing."""

    start: int
    end: int
    slot: trackedit.Slot
    fading_in: bool


def edge_windows(track: otio.schema.Track, rate: float) -> list[_Edge]:
    """Transitions with a clip on one side only: first in the track, or last."""
    items = list(track)
    slots = {slot.index: slot for slot in trackedit.layout(track, rate)}
    edges = []
    for index, item in enumerate(items):
        if not isinstance(item, otio.schema.Transition):
            continue
        before = slots.get(index - 1)
        after = slots.get(index + 1)
        in_off = round(item.in_offset.value_rescaled_to(rate))
        out_off = round(item.out_offset.value_rescaled_to(rate))
        if before is None and after is not None and isinstance(after.item, otio.schema.Clip):
            edges.append(_Edge(after.start - in_off, after.start + out_off, after, True))
        elif after is None and before is not None and isinstance(before.item, otio.schema.Clip):
            edges.append(_Edge(before.end - in_off, before.end + out_off, before, False))
    return edges


def media_origin(clip: otio.schema.Clip, rate: float) -> int:
    """Source frame of the media's first frame.

    Source ranges are in the media's own time, which for footage with a start
    timecode does not begin at 0; decoders count from the file's first frame.
    """
    ref = clip.media_reference
    if ref is None or ref.available_range is None:
        return 0
    return round(ref.available_range.start_time.value_rescaled_to(rate))


def _clip_source(slot: trackedit.Slot, frame: int, rate: float) -> int:
    """The source frame a clip shows at a project frame, through its speed (timewarp)."""
    start, length = trackedit.source_frames(slot.item, rate)
    return (
        start - media_origin(slot.item, rate) + timewarp.source_offset(slot.item, frame - slot.start, length)
    )


def _layer(slot: trackedit.Slot, frame: int, rate: float, weight: float) -> Layer:
    clip = slot.item
    layer = Layer(clip, _clip_source(slot, frame, rate), weight, frame - slot.start)
    scalar = timewarp.local_speed(clip, frame - slot.start)  # a ramp's speed at this frame
    if scalar == 0 or abs(scalar) >= 1:
        return layer
    mode = timewarp.interpolation(clip)
    if mode == timewarp.NEAREST:
        return layer
    _, length = trackedit.source_frames(clip, rate)
    position = timewarp.clip_position(clip, frame - slot.start, length)
    between = float(position - math.floor(position))
    if between == 0:
        return layer
    return Layer(clip, layer.source_frame, weight, layer.offset, between, mode)


def video_layers(timeline: otio.schema.Timeline, frame: int) -> list[Layer]:
    """What makes up the output frame: nothing (black), one clip, or a dissolve's two."""
    rate = document.settings(timeline).rate
    for track in reversed(visible_video_tracks(timeline)):
        layers = _track_layers(track, frame, rate)
        if layers is not None:
            return layers
    return []


def video_stack(timeline: otio.schema.Timeline, frame: int) -> list[list[Layer]]:
    """Each visible video track's layers at `frame`, bottom track first, tracks with nothing left out.

    The compositor lays them over each other with alpha; `video_layers` is the
    topmost entry alone, what shows when that track's picture is opaque.
    """
    rate = document.settings(timeline).rate
    found = (_track_layers(track, frame, rate) for track in visible_video_tracks(timeline))
    return [layers for layers in found if layers is not None]


def _enabled(layers: list[Layer]) -> list[Layer] | None:
    kept = [layer for layer in layers if layer.clip.enabled]
    return kept or None


def _stack_layers(stack: otio.schema.Stack, frame: int, rate: float) -> list[Layer] | None:
    """A nested sequence's picture at its own `frame`: its topmost enabled video track with something."""
    for inner in reversed([t for t in stack if isinstance(t, otio.schema.Track)]):
        if inner.kind != otio.schema.TrackKind.Video or not inner.enabled:
            continue
        layers = _track_layers(inner, frame, rate)
        if layers is not None:
            return layers
    return None


def _track_layers(track: otio.schema.Track, frame: int, rate: float) -> list[Layer] | None:
    for edge in edge_windows(track, rate):
        if edge.start <= frame < edge.end and edge.slot.start <= frame < edge.slot.end:
            progress = (frame - edge.start + 0.5) / (edge.end - edge.start)
            weight = progress if edge.fading_in else 1.0 - progress
            weight *= fade_factor(edge.slot.item, frame - edge.slot.start, edge.slot.duration)
            return _enabled([_layer(edge.slot, frame, rate, weight)])
    for window in transition_windows(track, rate):
        if window.start <= frame < window.end:
            progress = (frame - window.start + 0.5) / (window.end - window.start)
            out_slot, in_slot = window.out_slot, window.in_slot
            a = fade_factor(
                window.outgoing, min(frame - out_slot.start, out_slot.duration - 1), out_slot.duration
            )
            b = fade_factor(window.incoming, max(frame - in_slot.start, 0), in_slot.duration)
            return _enabled(
                [
                    _layer(out_slot, frame, rate, (1.0 - progress) * a),
                    _layer(in_slot, frame, rate, progress * b),
                ]
            )
    slot = trackedit.slot_at(track, frame, rate)
    if slot is not None and isinstance(slot.item, otio.schema.Stack) and slot.item.enabled:
        start, _ = trackedit.source_frames(slot.item, rate)
        return _stack_layers(slot.item, start + frame - slot.start, rate)
    if slot is None or not isinstance(slot.item, otio.schema.Clip) or not slot.item.enabled:
        return None
    weight = fade_factor(slot.item, frame - slot.start, slot.duration)
    return [_layer(slot, frame, rate, weight)]


@dataclass(frozen=True)
class AudioSegment:
    """Part of one clip heard in an output block.

    Output samples [out_start, out_start + count) of the block come from the
    clip's media starting at `source_sample` (48 kHz, from the media's start),
    multiplied by `gain` and by the envelope `envelope(i)` for i in the segment.
    """

    clip: otio.schema.Clip
    out_start: int
    count: int
    source_sample: int
    gain: float
    envelope: tuple[tuple[int, int, float, float, str], ...]
    # (from, to, value at from, value at to, curve) pieces in block-relative samples
    #: source samples per output sample (a clip at 200% reads twice as fast, its pitch kept)
    speed: Fraction = Fraction(1)
    #: output samples from the clip's first sample to out_start: where a stretched read is in the clip
    clip_offset: int = 0
    #: a speed ramp's piece: its samples, stretched as one (`ramp_sound`); 0: the clip in 1 s chunks
    piece: int = 0


def db_to_gain(db: float) -> float:
    return 10.0 ** (db / 20.0)


def clip_gain_db(clip: otio.schema.Clip) -> float:
    return effects.gain_db(clip)


def audio_segments(timeline: otio.schema.Timeline, start: int, count: int) -> list[AudioSegment]:
    """Every clip piece audible in output samples [start, start + count)."""
    rate = document.settings(timeline).rate
    segments: list[AudioSegment] = []
    for track in audible_tracks(timeline):
        segments.extend(_track_segments(track, start, count, rate))
    return segments


def _track_segments(track: otio.schema.Track, start: int, count: int, rate: float) -> list[AudioSegment]:
    end = start + count
    windows = transition_windows(track, rate)
    out = []
    edges = edge_windows(track, rate)
    for slot in trackedit.layout(track, rate):
        if isinstance(slot.item, otio.schema.Stack) and slot.item.enabled:
            out.extend(_stack_segments(slot, start, count, rate))
            continue
        if not isinstance(slot.item, otio.schema.Clip) or not slot.item.enabled:
            continue
        clip = slot.item
        speed = timewarp.time_scalar(clip)
        if speed <= 0:
            continue  # a reversed or frozen clip is silent: backwards sound is noise, held sound is none
        # the clip is heard over its own range, extended into any transition it takes part in
        lo_frame, hi_frame = slot.start, slot.end
        ramps: list[tuple[int, int, float, float, str]] = []
        for w in windows:
            if w.outgoing is clip:
                hi_frame = w.end
                ramps.append((frame_to_sample(w.start, rate), frame_to_sample(w.end, rate), 1.0, 0.0, "cos"))
            if w.incoming is clip:
                lo_frame = w.start
                ramps.append((frame_to_sample(w.start, rate), frame_to_sample(w.end, rate), 0.0, 1.0, "sin"))
        for e in edges:
            if e.slot.item is clip:
                v0, v1, curve = (0.0, 1.0, "sin") if e.fading_in else (1.0, 0.0, "cos")
                ramps.append((frame_to_sample(e.start, rate), frame_to_sample(e.end, rate), v0, v1, curve))
        lo, hi = frame_to_sample(lo_frame, rate), frame_to_sample(hi_frame, rate)
        a, b = max(lo, start), min(hi, end)
        if a >= b:
            continue
        meta = clip.metadata.get("shotline", {})
        clip_lo, clip_hi = frame_to_sample(slot.start, rate), frame_to_sample(slot.end, rate)
        fade_in = int(meta.get("fade_in", 0) or 0)
        fade_out = int(meta.get("fade_out", 0) or 0)
        if fade_in:
            ramps.append((clip_lo, frame_to_sample(slot.start + fade_in, rate), 0.0, 1.0, "lin"))
        if fade_out:
            ramps.append((frame_to_sample(slot.end - fade_out, rate), clip_hi, 1.0, 0.0, "lin"))
        src_start, _ = trackedit.source_frames(clip, rate)
        # the clip's first sample is its in point; an incoming dissolve plays from before it
        source_sample = frame_to_sample(src_start - media_origin(clip, rate), rate) + math.floor(
            (a - clip_lo) * speed
        )
        envelope = tuple(
            (r0 - start, r1 - start, v0, v1, curve) for r0, r1, v0, v1, curve in ramps if r1 > a and r0 < b
        )
        segment = AudioSegment(
            clip=clip,
            out_start=a - start,
            count=b - a,
            source_sample=source_sample,
            gain=db_to_gain(clip_gain_db(clip)),
            envelope=envelope,
            speed=speed,
            clip_offset=a - clip_lo,
        )
        if timewarp.has_ramp(clip):  # pitch-kept pieces at the ramp's local speed
            out.extend(ramp_sound.pieces(segment, slot.start, slot.duration, rate, start))
        else:
            out.append(segment)
    return out


def _stack_segments(slot: trackedit.Slot, start: int, count: int, rate: float) -> list[AudioSegment]:
    """A nested sequence's sound over output samples [start, start + count): its audio tracks,
    read from its source range and shifted to where it sits on the outer track."""
    stack = slot.item
    lo, hi = frame_to_sample(slot.start, rate), frame_to_sample(slot.end, rate)
    a, b = max(lo, start), min(hi, start + count)
    if a >= b:
        return []
    inner_start = a - lo + frame_to_sample(trackedit.source_frames(stack, rate)[0], rate)
    shift = a - start
    out = []
    for inner in stack:
        if not isinstance(inner, otio.schema.Track) or inner.kind != otio.schema.TrackKind.Audio:
            continue
        if not inner.enabled:
            continue
        for seg in _track_segments(inner, inner_start, b - a, rate):
            out.append(
                AudioSegment(
                    clip=seg.clip,
                    out_start=seg.out_start + shift,
                    count=seg.count,
                    source_sample=seg.source_sample,
                    gain=seg.gain,
                    envelope=tuple((r0 + shift, r1 + shift, v0, v1, c) for r0, r1, v0, v1, c in seg.envelope),
                    speed=seg.speed,
                    clip_offset=seg.clip_offset,
                )
            )
    return out


def envelope_values(segment: AudioSegment) -> list[float] | None:
    """The per-sample envelope of a segment, or None when it is flat at 1."""
    if not segment.envelope:
        return None
    idx = np.arange(segment.out_start, segment.out_start + segment.count, dtype=np.float64)
    values = np.ones(segment.count, dtype=np.float64)
    for r0, r1, v0, v1, curve in segment.envelope:
        inside = (idx >= r0) & (idx < r1)
        if not inside.any():
            continue
        t = (idx[inside] - r0 + 0.5) / max(1, r1 - r0)
        if curve == "cos":
            ramp = np.cos(t * math.pi / 2)
        elif curve == "sin":
            ramp = np.sin(t * math.pi / 2)
        else:
            ramp = v0 + (v1 - v0) * t
        values[inside] *= ramp
    return values
