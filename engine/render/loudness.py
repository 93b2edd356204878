"""Loudness as EBU R128 / ITU-R BS.1770-4 measures it, block by block, so nothing is kept but block energies.

pyloudnorm measures a whole signal held in memory; an export of a feature
would hold gigabytes of samples for that. This meter runs the same
K-weighting filters (the coefficients pyloudnorm designs, by the Audio EQ
Cookbook) block by block with their state carried over, with
engine.render.biquad rather than scipy, whose import cost the first
seconds of playback their frames and which the desktop bundle leaves out.
It keeps one mean square per channel per 100 ms: the 400 ms gating
blocks with 75% overlap that BS.1770 gates are made of four consecutive
ones. Integrated loudness gates them as the
standard does (absolute -70 LUFS, then relative -10 LU); momentary loudness
is the last 400 ms, for the meters during playback.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from engine.render import biquad

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = 10.0
SILENCE = -math.inf


def k_weighting(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(b, a) of the two K-weighting stages: BS.1770's pre-filter (a +4 dB shelf above 1.5 kHz)
    and its RLB high-pass at 38 Hz, designed for `rate` as pyloudnorm designs them."""
    return [biquad.high_shelf(4.0, 1 / np.sqrt(2), 1500.0, rate), biquad.high_pass(0.5, 38.0, rate)]


def _lufs(mean_square: float) -> float:
    return -0.691 + 10 * math.log10(mean_square) if mean_square > 0 else SILENCE


class LoudnessMeter:
    """Feed stereo (or any channel count) float blocks of any length; read LUFS at any time."""

    def __init__(self, rate: int, channels: int = 2) -> None:
        self.rate, self.channels = rate, channels
        self._stages = [biquad.Biquad(b, a, channels) for b, a in k_weighting(rate)]
        self._step = rate // 10  # 100 ms
        self._partial = np.zeros(channels)  # sum of squares of the quarter being filled
        self._filled = 0  # samples in it
        self._quarters: list[float] = []  # channel-summed mean squares per 100 ms (BS.1770 gains 1.0)
        self._recent: deque[float] = deque(maxlen=4)

    def add(self, samples: np.ndarray) -> None:
        data = np.asarray(samples, np.float64).reshape(len(samples), -1)[:, : self.channels]
        if data.shape[1] < self.channels:  # mono into a stereo meter: heard on every channel
            data = np.repeat(data[:, :1], self.channels, axis=1)
        for stage in self._stages:
            data = stage(data)
        squares = data**2
        at = 0
        while at < len(squares):
            take = min(self._step - self._filled, len(squares) - at)
            self._partial += squares[at : at + take].sum(axis=0)
            self._filled += take
            at += take
            if self._filled == self._step:
                quarter = float(self._partial.sum()) / self._step
                self._quarters.append(quarter)
                self._recent.append(quarter)
                self._partial[:] = 0
                self._filled = 0

    def _blocks(self) -> np.ndarray:
        q = np.asarray(self._quarters)
        if len(q) < 4:
            return np.zeros(0)
        return (q[:-3] + q[1:-2] + q[2:-1] + q[3:]) / 4

    def integrated(self) -> float:
        """Integrated loudness (LUFS) of everything fed so far; -inf for silence or under 400 ms."""
        blocks = self._blocks()
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(blocks)
        gated = blocks[loudness >= ABSOLUTE_GATE]
        if not len(gated):
            return SILENCE
        threshold = _lufs(float(gated.mean())) - RELATIVE_GATE
        kept = blocks[(loudness > threshold) & (loudness > ABSOLUTE_GATE)]
        return _lufs(float(kept.mean())) if len(kept) else SILENCE

    def momentary(self) -> float:
        """Loudness of the last 400 ms (LUFS), the figure a meter shows while playing."""
        if not self._recent:
            return SILENCE
        return _lufs(sum(self._recent) / len(self._recent))


def describe(lufs: float) -> str:
    """The figure as the export's notices say it: -inf is "silent"; NaN "not measured" (an answer
    without the figure, from a remote engine of an older version that could not measure it)."""
    if math.isnan(lufs):
        return "not measured"
    return "silent" if not math.isfinite(lufs) else f"{lufs:.1f} LUFS"
