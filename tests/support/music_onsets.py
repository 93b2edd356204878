"""A simple onset detector for the score tests: where the low end (kick, bass) suddenly gets louder."""

from __future__ import annotations

import numpy as np

RATE = 48_000
HOP = 48  # 1 ms
WINDOW = 240  # 5 ms


def low_band(audio: np.ndarray, cutoff: float = 250.0) -> np.ndarray:
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    spectrum = np.fft.rfft(mono)
    freqs = np.fft.rfftfreq(len(mono), 1 / RATE)
    spectrum *= np.exp(-0.5 * (freqs / cutoff) ** 2)  # a smooth roll-off: no ringing before an onset
    return np.fft.irfft(spectrum, len(mono))


def onset_strength(audio: np.ndarray) -> np.ndarray:
    """Positive energy flux of the low band, one value per HOP samples (value k: window k*HOP..+WINDOW)."""
    band = low_band(audio) ** 2
    cumulative = np.concatenate([[0.0], np.cumsum(band)])
    starts = np.arange(0, len(band) - WINDOW, HOP)
    energy = np.sqrt((cumulative[starts + WINDOW] - cumulative[starts]) / WINDOW)
    return np.maximum(0.0, np.diff(energy, prepend=energy[0]))


def onset_near(audio: np.ndarray, time: float, radius: float = 0.15) -> float:
    """The time (s) the strongest low-band attack within `radius` s of `time` starts.

    A sampled drum or bass note rises in steps (the click, then the body a
    few ms later), so the attack starts at the first hop whose flux reaches
    half the strongest in the window.
    """
    flux = onset_strength(audio)
    centre = time * RATE - WINDOW / 2  # an onset raises most the energy of the window it just entered
    lo = max(0, int((centre - radius * RATE) / HOP))
    hi = min(len(flux), int((centre + radius * RATE) / HOP) + 1)
    window = flux[lo:hi]
    k = lo + int(np.argmax(window >= 0.5 * window.max()))
    return (k * HOP + WINDOW / 2) / RATE
