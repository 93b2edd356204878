"""Render a score through FluidSynth with a General MIDI soundfont, in process, at 48 kHz.

The synth runs at the project's 48 kHz, so no resampling, and it is driven
note by note from the score's times rounded to samples: the audio between
two events is pulled with `get_samples`, so a downbeat lands on the exact
sample the grid put it on (a MIDI file player would round to its ticks and
its 64-sample blocks). Gain 0.4 keeps the GM soundfont clear of clipping;
should a dense cue still reach full scale, it is rendered again quieter.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np

from engine.generate.score.music.composer import DRUMS, Score
from engine.paths import data_dir

RATE = 48_000
GAIN = 0.4
#: Where Debian, Fedora, Arch and Homebrew (Apple silicon, Intel) put a General MIDI soundfont, best first.
SOUNDFONTS = (
    "/usr/share/sounds/sf2/TimGM6mb.sf2",
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/opt/homebrew/share/soundfonts/default.sf2",
    "/usr/local/share/soundfonts/default.sf2",
)
#: An environment variable that names another soundfont (also how tests hide the real one).
SOUNDFONT_ENV = "SHOTLINE_SOUNDFONT"


def find_soundfont() -> Path | None:
    named = os.environ.get(SOUNDFONT_ENV)
    if named is not None:
        return Path(named) if named and Path(named).is_file() else None
    return next((p for p in _candidates() if p.is_file()), None)


def _candidates() -> list[Path]:
    """The system's soundfonts, then the user's own (any .sf2 in the data folder's soundfonts/, on
    every system: Windows has no standard place), then the one the desktop bundle carries."""
    found = [Path(p) for p in SOUNDFONTS]
    folders = [data_dir() / "soundfonts"]
    if hasattr(sys, "_MEIPASS"):
        folders.append(Path(sys._MEIPASS) / "soundfonts")
    for folder in folders:
        if folder.is_dir():
            found += sorted(folder.glob("*.sf2"))
    return found


@cache
def fluidsynth_module():
    try:
        import fluidsynth
    except (ImportError, OSError):  # the binding, or libfluidsynth under it, is not installed
        return None
    return fluidsynth if hasattr(fluidsynth, "Synth") else None


def available() -> bool:
    return fluidsynth_module() is not None and find_soundfont() is not None


def render(
    score: Score, samples: int, soundfont: Path, progress: Callable[[float], None] = lambda _f: None
) -> np.ndarray:
    """(samples, 2) float32 in -1..1."""
    gain = GAIN
    for _ in range(3):
        audio = _render(score, samples, soundfont, gain, progress)
        if np.abs(audio).max() < 0.98:
            return audio
        gain /= 2
    return audio


def _render(score: Score, samples: int, soundfont: Path, gain: float, progress) -> np.ndarray:
    fluidsynth = fluidsynth_module()
    synth = fluidsynth.Synth(gain=gain, samplerate=float(RATE))
    try:
        font = synth.sfload(str(soundfont))
        if font < 0:
            raise OSError(f"FluidSynth cannot load the soundfont {soundfont}")
        for channel, program in score.programs.items():
            synth.program_select(channel, font, 0, program)
        synth.program_select(DRUMS, font, 128, 0)
        events = []
        for note in score.notes:
            events.append((round(note.start * RATE), 1, note.channel, note.pitch, note.velocity))
            events.append((round(note.end * RATE), 0, note.channel, note.pitch, 0))
        events.sort(key=lambda e: (e[0], e[1]))  # note-offs before note-ons at the same sample
        out = np.zeros((samples, 2), np.float32)
        now = 0
        for n, (at, is_on, channel, pitch, velocity) in enumerate(events):
            at = min(at, samples)
            if at > now:
                out[now:at] = _pull(synth, at - now)
                now = at
                if n % 64 == 0:
                    progress(now / samples)
            if is_on:
                synth.noteon(channel, pitch, velocity)
            else:
                synth.noteoff(channel, pitch)
        if now < samples:
            out[now:] = _pull(synth, samples - now)
        return out
    finally:
        synth.delete()


def _pull(synth, count: int) -> np.ndarray:
    chunks = []
    left = count
    while left:
        take = min(left, 1 << 16)
        chunks.append(np.asarray(synth.get_samples(take), dtype=np.int16).reshape(-1, 2))
        left -= take
    return np.concatenate(chunks).astype(np.float32) / 32768.0
