"""A model's sound at 48 kHz stereo, the rate and layout of every sound on the timeline.

Shared by the tasks whose models make audio: a music model's cue, and the
sound a joint audio-video model (LTX-2) makes with its picture.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np

from engine.generate.score.music.master import RATE, write_wav


def to_48k(audio: np.ndarray, rate: int) -> np.ndarray:
    """(channels, n) at `rate` -> (n', 2) at 48 kHz, with libswresample."""
    import av

    audio = np.asarray(audio, np.float32)
    if audio.ndim == 1:
        audio = audio[None]
    if audio.shape[0] == 1:
        audio = np.repeat(audio, 2, axis=0)
    audio = audio[:2]
    if rate == RATE:
        return audio.T.copy()
    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(audio), format="fltp", layout="stereo")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
    chunks = [f.to_ndarray() for f in resampler.resample(frame)]
    chunks += [f.to_ndarray() for f in resampler.resample(None)]
    return np.concatenate(chunks, axis=1).T if chunks else np.zeros((0, 2), np.float32)


def shot_samples(frames: int, rate: Fraction) -> int:
    """How many 48 kHz samples a shot of `frames` at `rate` lasts (rounded up: never short)."""
    return math.ceil(Fraction(frames) / rate * RATE)


def write_take_sound(path: Path, audio: np.ndarray, rate: int, frames: int, shot_rate: Fraction) -> int:
    """The sound of a take as a 48 kHz stereo WAV exactly as long as its picture; returns its samples.

    Not normalized: a model's level is part of what it made (dialogue under
    ambience), and the timeline's clip gain is where the user changes it.
    """
    stereo = to_48k(audio, rate)
    samples = shot_samples(frames, shot_rate)
    out = np.zeros((samples, 2), np.float32)
    n = min(samples, len(stereo))
    out[:n] = np.clip(stereo[:n], -1.0, 1.0)
    write_wav(path, out)
    return samples
