"""Audio meters for playback: per-channel peak and RMS in dBFS, and momentary loudness in LUFS.

The meter hears what is handed to the sound card, block by block, from the
audio thread (`feed`), and the viewer reads it on its timer (`reading`).
Peaks hold for half a second and then fall back slowly, as hardware meters
do, so a transient is seen. Without a sound card playback runs on a wall
clock and nothing is handed to a device; `SilentMeterFeed` then mixes the
same sound at wall pace on a thread of its own, so the meters move either way.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import opentimelineio as otio

from engine.project.document import AUDIO_SAMPLE_RATE
from engine.render.audio import mix_audio
from engine.render.loudness import LoudnessMeter
from engine.render.sources import Sources

FLOOR = -90.0  # dBFS shown for silence
#: seconds a peak is held before it starts to fall, so a transient (or the last block) can be read
HOLD_SECONDS = 0.5
#: dB a held peak falls per second once the signal has dropped (IEC 60268-18 meters: ~20 dB / 1.7 s)
FALL_PER_SECOND = 12.0


def dbfs(value: float) -> float:
    return max(FLOOR, 20 * math.log10(value)) if value > 0 else FLOOR


def block_levels(block: np.ndarray) -> tuple[list[float], list[float]]:
    """(peak dBFS, RMS dBFS) of each channel of a (samples, channels) block.

    RMS is given so that a full-scale sine reads 0 dBFS, as peak does (the
    AES convention): a sine at amplitude 0.5 reads -6.02 dBFS on both.
    """
    data = np.asarray(block, np.float64).reshape(len(block), -1)
    if not len(data):
        return [FLOOR] * data.shape[1], [FLOOR] * data.shape[1]
    peaks = np.abs(data).max(axis=0)
    rms = np.sqrt((data**2).mean(axis=0) * 2)
    return [dbfs(float(p)) for p in peaks], [dbfs(float(r)) for r in rms]


@dataclass(frozen=True)
class MeterReading:
    peak: tuple[float, ...]  # held peak per channel, dBFS
    rms: tuple[float, ...]  # RMS per channel over the last block, dBFS
    loudness: float  # momentary (last 400 ms) loudness, LUFS; -inf when silent


class LevelMeter:
    """Thread-safe: the audio thread feeds, the GUI reads."""

    def __init__(
        self, channels: int = 2, rate: int = AUDIO_SAMPLE_RATE, now: Callable[[], float] = time.monotonic
    ):
        self.channels, self.rate = channels, rate
        self._now = now
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._peak = [FLOOR] * self.channels
            self._rms = [FLOOR] * self.channels
            self._held_at = [0.0] * self.channels
            self._loudness = LoudnessMeter(self.rate, self.channels)

    def feed(self, block: np.ndarray) -> None:
        peaks, rms = block_levels(block)
        now = self._now()
        with self._lock:
            for ch in range(min(self.channels, len(peaks))):
                if peaks[ch] >= self._fallen(ch, now):
                    self._peak[ch], self._held_at[ch] = peaks[ch], now
            self._rms = rms[: self.channels]
            self._loudness.add(block)

    def _fallen(self, ch: int, now: float) -> float:
        falling = max(0.0, now - self._held_at[ch] - HOLD_SECONDS)
        return max(FLOOR, self._peak[ch] - FALL_PER_SECOND * falling)

    def reading(self) -> MeterReading:
        now = self._now()
        with self._lock:
            peaks = tuple(self._fallen(ch, now) for ch in range(self.channels))
            loudness = self._loudness.momentary()
            return MeterReading(peaks, tuple(self._rms), loudness)


class SilentMeterFeed:
    """Mixes the timeline from `start_sample` at wall-clock pace into a meter, when there is no sound card."""

    BLOCK = 2048

    def __init__(self, timeline: otio.schema.Timeline, start_sample: int, meter: LevelMeter) -> None:
        self._timeline, self._next, self._meter = timeline, start_sample, meter
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="silent-meter-feed", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def set_timeline(self, timeline: otio.schema.Timeline) -> None:
        with self._lock:
            self._timeline = timeline

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        started = time.monotonic()
        fed = 0
        with Sources() as sources:
            while not self._stopping.is_set():
                due = started + fed / AUDIO_SAMPLE_RATE
                if time.monotonic() < due:
                    self._stopping.wait(due - time.monotonic())
                    continue
                with self._lock:
                    timeline = self._timeline
                try:
                    block = mix_audio(timeline, self._next + fed, self.BLOCK, sources)
                except Exception:  # offline or broken media: the meter shows silence, playback goes on
                    block = np.zeros((self.BLOCK, self._meter.channels), np.float32)
                self._meter.feed(block)
                fed += self.BLOCK
