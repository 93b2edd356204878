"""A small numpy synthesizer: plays a score when FluidSynth or a soundfont is missing.

Each General MIDI program family gets a simple voice (a plucked or struck
decaying tone, a sustained detuned pad, a rounded bass, a reedy lead) and
the drum kit is synthesized (pitched-down sine kick, noise snare and hats,
toms). It will not fool anyone into hearing an orchestra, but it is music,
in tune and in time, to the sample.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from engine.generate.score.music import style as st
from engine.generate.score.music.composer import DRUMS, Note, Score

RATE = 48_000
RELEASE = 0.12  # seconds a note rings after its end
PAN = {0: -0.3, 1: 0.0, 2: 0.25, 3: 0.1, 4: -0.1, 9: 0.0}


def render(score: Score, samples: int, progress: Callable[[float], None] = lambda _f: None) -> np.ndarray:
    """(samples, 2) float32, peak not yet normalized."""
    out = np.zeros((samples + RATE * 2, 2), np.float32)
    noise = np.random.default_rng(12345).standard_normal(2 * RATE).astype(np.float32)  # fixed: deterministic
    for n, note in enumerate(score.notes):
        start = round(note.start * RATE)
        if start >= samples:
            continue
        if note.channel == DRUMS:
            sound = _drum(note, noise)
        else:
            sound = _tone(note, score.programs.get(note.channel, 0))
        pan = PAN.get(note.channel, 0.0)
        end = start + len(sound)
        out[start:end, 0] += sound * (1 - pan) * 0.5
        out[start:end, 1] += sound * (1 + pan) * 0.5
        if n % 256 == 0:
            progress(n / len(score.notes))
    return out[:samples]


def _family(program: int) -> str:
    if program == 47:
        return "timpani"
    if 32 <= program < 40:
        return "bass"
    if 40 <= program < 56 or 88 <= program < 96 or program in (16, 17, 18, 19, 20, 52, 53, 54):
        return "pad"
    if 56 <= program < 88:
        return "lead"
    return "pluck"  # pianos, guitars, mallets, harp


def _tone(note: Note, program: int) -> np.ndarray:
    family = _family(program)
    length = max(0.02, note.end - note.start)
    total = int((length + RELEASE) * RATE)
    t = np.arange(total, dtype=np.float32) / RATE
    freq = 440.0 * 2 ** ((note.pitch - 69) / 12)
    amp = (note.velocity / 127) ** 1.5
    phase = 2 * np.pi * freq * t
    if family == "pluck":
        wave = (
            np.sin(phase)
            + 0.5 * np.sin(2 * phase) * np.exp(-t * 6)
            + 0.25 * np.sin(3 * phase) * np.exp(-t * 9)
        )
        envelope = np.exp(-t * (1.5 + freq / 400))
        level = 0.35
    elif family == "pad":
        wave = sum(_saw(freq * d, t) for d in (0.997, 1.0, 1.003)) / 3
        wave = _soften(wave, 3)
        envelope = np.minimum(1.0, t / 0.25)
        level = 0.12
    elif family == "timpani":
        wave = np.sin(phase) + 0.4 * np.sin(1.5 * phase) * np.exp(-t * 8)
        envelope = np.exp(-t * 3)
        level = 0.6
    elif family == "bass":
        wave = np.sin(phase) + 0.3 * np.sin(2 * phase) + 0.1 * _saw(freq, t)
        envelope = np.exp(-t * 1.2)
        level = 0.5
    else:
        vibrato = 1 + 0.004 * np.sin(2 * np.pi * 5 * t) * np.minimum(1, t / 0.3)
        wave = _soften(np.sign(np.sin(phase * vibrato)) * 0.6 + np.sin(phase * vibrato) * 0.4, 2)
        envelope = np.minimum(1.0, t / 0.03)
        level = 0.18
    attack = np.minimum(1.0, t / 0.004)  # no click at the start
    release = np.clip((length + RELEASE - t) / RELEASE, 0.0, 1.0)
    release = np.where(t < length, 1.0, release)
    return (wave * envelope * attack * release * amp * level).astype(np.float32)


def _saw(freq: float, t: np.ndarray) -> np.ndarray:
    return 2 * ((freq * t) % 1.0) - 1


def _soften(wave: np.ndarray, taps: int) -> np.ndarray:
    """A gentle low-pass: a moving average over a few samples, more for a darker tone."""
    kernel = np.ones(taps * 4, np.float32) / (taps * 4)
    return np.convolve(wave, kernel, mode="same")


def _drum(note: Note, noise: np.ndarray) -> np.ndarray:
    amp = (note.velocity / 127) ** 1.5
    pitch = note.pitch
    if pitch == st.KICK:
        n = int(0.35 * RATE)
        t = np.arange(n, dtype=np.float32) / RATE
        sweep = 2 * np.pi * (45 * t + (110 / 25) * (1 - np.exp(-25 * t)))
        return (np.sin(sweep) * np.exp(-t * 9) * amp * 0.9).astype(np.float32)
    if pitch in (st.LOW_TOM, st.MID_TOM, st.HIGH_TOM):
        n = int(0.3 * RATE)
        t = np.arange(n, dtype=np.float32) / RATE
        base = {st.LOW_TOM: 95, st.MID_TOM: 125, st.HIGH_TOM: 160}[pitch]
        return (np.sin(2 * np.pi * base * t * (1 - 0.2 * t)) * np.exp(-t * 10) * amp * 0.7).astype(np.float32)
    if pitch in (st.SNARE, st.CLAP, st.SIDE_STICK):
        n = int(0.2 * RATE)
        t = np.arange(n, dtype=np.float32) / RATE
        body = np.sin(2 * np.pi * 185 * t) * np.exp(-t * 25)
        rattle = noise[:n] * np.exp(-t * (18 if pitch == st.SNARE else 35))
        level = 0.25 if pitch == st.SIDE_STICK else 0.45
        return ((0.6 * body + rattle) * amp * level).astype(np.float32)
    # hats, ride, crash: high-passed noise with a decay by cymbal
    decay = {st.CRASH: 2.5, st.RIDE: 6.0, st.OPEN_HAT: 8.0}.get(pitch, 40.0)
    n = int(min(1.0, 5 / decay) * RATE)
    t = np.arange(n, dtype=np.float32) / RATE
    bright = np.diff(noise[: n + 1])
    level = {st.CRASH: 0.2, st.RIDE: 0.12}.get(pitch, 0.1)
    return (bright * np.exp(-t * decay) * amp * level).astype(np.float32)
