"""A speed-ramped clip's sound: pitch-kept stretches at the local speed, cross-faded.

The stretcher (`stretch`) plays a clip at one speed. A ramp's speed changes
every frame, so its sound is cut into pieces of `PIECE_FRAMES` frames, each
stretched at the ramp's mean speed over the piece and starting at the exact
source sample the curve reaches there; each piece plays `CROSSFADE` samples
past its end, fading out while the next fades in, so the joins do not click.
Over a whole piece the sound stays in step with the picture (it starts where
the picture is), and the sound lasts exactly as long as the clip.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import opentimelineio as otio

from engine.project import ramp_curve
from engine.project.document import AUDIO_SAMPLE_RATE
from engine.project.times import rate_fraction

#: Frames per stretched piece: short enough to follow a ramp, long enough for the stretcher.
PIECE_FRAMES = 12
#: Samples over which one piece fades into the next.
CROSSFADE = 1024


def _sample(frame: int, rate: float) -> int:
    return round(Fraction(frame) * AUDIO_SAMPLE_RATE / rate_fraction(rate))


def pieces(segment, clip_start: int, length: int, rate: float, block_start: int) -> list:
    """`segment` (a plan.AudioSegment over the block for the whole ramped clip) as the pieces
    heard in it, each at its own speed. `clip_start` is the clip's first project frame and
    `length` its frames; `block_start` the block's first output sample."""
    clip: otio.schema.Clip = segment.clip
    a = block_start + segment.out_start
    b = a + segment.count
    clip_lo = _sample(clip_start, rate)
    # the clip's first sample plays its source start (the plan measured at the clip's mean speed)
    origin = segment.source_sample - math.floor((a - clip_lo) * segment.speed)
    per_frame = Fraction(AUDIO_SAMPLE_RATE) / rate_fraction(rate)
    found = []
    count = max(1, math.ceil(length / PIECE_FRAMES))
    for index in range(count):
        k0, k1 = index * PIECE_FRAMES, min(length, (index + 1) * PIECE_FRAMES)
        lo = _sample(clip_start + k0, rate) if index > 0 else min(a, clip_lo)  # a dissolve's head
        hi = (
            _sample(clip_start + k1, rate)
            if index < count - 1
            else max(b, _sample(clip_start + length, rate))
        )
        played = ramp_curve.clip_position(clip, k0)
        speed = (ramp_curve.clip_position(clip, k1) - played) / (k1 - k0)
        speed = speed.limit_denominator(10000)
        piece_lo = _sample(clip_start + k0, rate)
        base = origin + round(played * per_frame)
        end = hi + (CROSSFADE if index < count - 1 else 0)
        x, y = max(lo, a), min(end, b)
        if x >= y:
            continue
        fades = []
        if index > 0:
            fades.append((lo - block_start, lo + CROSSFADE - block_start, 0.0, 1.0, "lin"))
        if index < count - 1:
            fades.append((hi - block_start, end - block_start, 1.0, 0.0, "lin"))
        envelope = tuple(segment.envelope) + tuple(
            f for f in fades if f[1] > x - block_start and f[0] < y - block_start
        )
        found.append(
            dataclasses.replace(
                segment,
                out_start=x - block_start,
                count=y - x,
                source_sample=base + math.floor((x - piece_lo) * speed),
                speed=speed,
                clip_offset=x - piece_lo,
                envelope=envelope,
                # the same whatever block is read (a dissolve past the clip's end reads on in a next chunk)
                piece=_sample(clip_start + k1, rate) - piece_lo + CROSSFADE,
            )
        )
    return found
