"""The sound of the timeline: every audible audio track mixed, as the speakers and the export hear it.

Positions are sample numbers at 48 kHz counted from the timeline's start;
`plan.audio_segments` says which clip plays where with what gain and
envelope (fades, crossfades), and this module reads and sums the samples.
Video tracks contribute nothing: a file's sound lives on its linked audio clip.

The mix is not limited or clipped here: float samples above 1.0 survive to
the encoder, which is where a level decision belongs, and a meter can show them.
"""

from __future__ import annotations

import math

import numpy as np
import opentimelineio as otio

from engine.render import ducking, plan, stretch
from engine.render.sources import Sources


def mix_audio(timeline: otio.schema.Timeline, start: int, count: int, sources: Sources) -> np.ndarray:
    """Samples [start, start + count) as float32 (count, 2), reading through open `sources`."""
    out = np.zeros((max(count, 0), 2), np.float32)
    if count <= 0:
        return out
    ducked = ducking.BlockDucking(timeline, start, count)  # music under voice-over
    for segment in plan.audio_segments(timeline, start, count):
        reader = sources.audio(segment.clip)
        if reader is None:
            continue
        if segment.speed != 1:
            key = (id(reader), segment.clip.metadata.get("shotline", {}).get("id") or id(segment.clip))
            base = segment.source_sample - math.floor(segment.clip_offset * segment.speed)
            samples = stretch.stretcher_for(sources).read(
                key, reader, base, segment.clip_offset, segment.count, segment.speed, segment.piece
            )
        else:
            samples = reader.read(segment.source_sample, segment.count)
        envelope = plan.envelope_values(segment)
        if envelope is not None:
            scale = (np.asarray(envelope, np.float64) * segment.gain).astype(np.float32)
            samples *= scale[:, None]
        elif segment.gain != 1.0:
            samples *= np.float32(segment.gain)
        ducked.apply(segment.clip, segment.out_start, samples)
        out[segment.out_start : segment.out_start + segment.count] += samples
    return out


def audio(
    timeline: otio.schema.Timeline, start: int, count: int, sources: Sources | None = None
) -> np.ndarray:
    """The timeline's stereo mix over samples [start, start + count) at 48 kHz, float32 (count, 2)."""
    if sources is not None:
        return mix_audio(timeline, start, count, sources)
    with Sources() as once:
        return mix_audio(timeline, start, count, once)
