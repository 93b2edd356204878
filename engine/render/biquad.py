"""Second-order IIR filters (biquads) run exactly on blocks with NumPy alone, state carried between blocks.

Loudness needs BS.1770's two K-weighting biquads on every block the meters
hear and every block an export writes. scipy's `lfilter` ran them, but
importing scipy takes a second or two of interpreter time; in the editor
that import landed on the first play and held the interpreter while frames
were due (a third of the first seconds' frames were dropped). A biquad's
recursion y[n] = v[n] - a1 y[n-1] - a2 y[n-2] is linear, so a block of it is
one matrix product: with the feed-forward part v computed first and the
previous block's last outputs folded into v's first two samples, the block's
output is a lower-triangular Toeplitz matrix of the filter's impulse
response times v. That is the recursion itself, not an approximation (no
truncated response): the result equals a sample-by-sample loop to rounding,
and the matrix product runs in BLAS without holding the interpreter.
"""

from __future__ import annotations

import numpy as np

#: Samples filtered by one matrix product; longer blocks are cut into pieces this long.
PIECE = 256


def _impulse_response(a1: float, a2: float, length: int) -> np.ndarray:
    """The all-pole part's response to a unit impulse, `length` samples (a stable filter decays)."""
    h = np.zeros(length)
    h[0] = 1.0
    if length > 1:
        h[1] = -a1
    for n in range(2, length):
        h[n] = -a1 * h[n - 1] - a2 * h[n - 2]
    return h


class Biquad:
    """One biquad over a (samples, channels) signal fed block by block in order."""

    def __init__(self, b: np.ndarray, a: np.ndarray, channels: int) -> None:
        b, a = np.asarray(b, np.float64), np.asarray(a, np.float64)
        self.b = b / a[0]
        self.a1, self.a2 = float(a[1] / a[0]), float(a[2] / a[0])
        h = _impulse_response(self.a1, self.a2, PIECE)
        rows, cols = np.indices((PIECE, PIECE))
        self._toeplitz = np.where(rows >= cols, h[np.clip(rows - cols, 0, PIECE - 1)], 0.0)
        self._x = np.zeros((2, channels))  # the last two inputs: x[n-2], x[n-1]
        self._y = np.zeros((2, channels))  # the last two outputs

    def __call__(self, block: np.ndarray) -> np.ndarray:
        data = np.asarray(block, np.float64)
        out = np.empty_like(data)
        for start in range(0, len(data), PIECE):
            out[start : start + PIECE] = self._piece(data[start : start + PIECE])
        return out

    def _piece(self, x: np.ndarray) -> np.ndarray:
        m = len(x)
        padded = np.concatenate([self._x, x])  # x[n-2], x[n-1], x[0], ...
        b0, b1, b2 = self.b
        v = b0 * padded[2:] + b1 * padded[1:-1] + b2 * padded[:-2]
        v[0] -= self.a1 * self._y[1] + self.a2 * self._y[0]
        if m > 1:
            v[1] -= self.a2 * self._y[1]
        y = self._toeplitz[:m, :m] @ v
        self._x = padded[-2:].copy()
        self._y = np.concatenate([self._y, y])[-2:].copy()
        return y


def high_shelf(gain_db: float, q: float, frequency: float, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(b, a) of the Audio EQ Cookbook's high shelf (R. Bristow-Johnson), as pyloudnorm designs it."""
    big_a = 10 ** (gain_db / 40.0)
    w0 = 2 * np.pi * frequency / rate
    alpha = np.sin(w0) / (2 * q)
    cos, root = np.cos(w0), 2 * np.sqrt(big_a) * alpha
    up, down = (big_a + 1) + (big_a - 1) * cos, (big_a + 1) - (big_a - 1) * cos
    b = big_a * np.array([up + root, -2 * ((big_a - 1) + (big_a + 1) * cos), up - root])
    a = np.array([down + root, 2 * ((big_a - 1) - (big_a + 1) * cos), down - root])
    return b, a


def high_pass(q: float, frequency: float, rate: int) -> tuple[np.ndarray, np.ndarray]:
    """(b, a) of the Audio EQ Cookbook's high-pass."""
    w0 = 2 * np.pi * frequency / rate
    alpha = np.sin(w0) / (2 * q)
    cos = np.cos(w0)
    b = np.array([(1 + cos) / 2, -(1 + cos), (1 + cos) / 2])
    a = np.array([1 + alpha, -2 * cos, 1 - alpha])
    return b, a
