"""Thumbnails and waveform peaks made on worker threads, handed back as futures.

The editor asks for pictures and peaks while it paints and must not wait for
a decoder, so every request returns at once with a `concurrent.futures.Future`;
the editor turns its completion into a Qt signal on its side (the engine never
imports Qt). A file that cannot be read resolves its future with the
`MediaError` whose message the editor shows in place of the picture.

A bin and a timeline often ask for the same thing while it is still being
made (a repaint before the first answer arrived); such requests share one
future and one decode. Sharing is by path and parameters only, without a
look at the file from the caller's thread (a stat on a network share can
stall), so a file changed while its request is in flight answers that
request from the old version; the disk cache, keyed by size and modification
time, gets every later request right. Cancelling a shared future cancels it
for everyone who holds it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from fractions import Fraction
from typing import Any

import numpy as np

from engine.media import thumbnails, waveform

#: Decoders already use several threads each; two requests at a time keep a laptop responsive.
DEFAULT_WORKERS = 2


class PreviewService:
    """Background thumbnails, filmstrips and peaks for one editor session."""

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shotline-preview")
        self._lock = threading.Lock()
        self._in_flight: dict[Hashable, Future[Any]] = {}

    def request_thumbnail(
        self, path: str | os.PathLike[str], seconds: Fraction, height: int
    ) -> Future[np.ndarray]:
        """A future of `thumbnails.thumbnail(path, seconds, height)`."""
        seconds = Fraction(seconds)
        key = ("thumbnail", os.path.abspath(path), seconds, height)
        return self._submit(key, lambda: thumbnails.thumbnail(path, seconds, height))

    def request_filmstrip(
        self, path: str | os.PathLike[str], times: Sequence[Fraction], height: int
    ) -> Future[list[np.ndarray]]:
        """A future of `thumbnails.filmstrip(path, times, height)`."""
        times = tuple(Fraction(t) for t in times)
        key = ("filmstrip", os.path.abspath(path), times, height)
        return self._submit(key, lambda: thumbnails.filmstrip(path, times, height))

    def request_peaks(
        self, path: str | os.PathLike[str], samples_per_peak: int = waveform.DEFAULT_SAMPLES_PER_PEAK
    ) -> Future[np.ndarray]:
        """A future of `waveform.peaks(path, samples_per_peak)`."""
        key = ("peaks", os.path.abspath(path), samples_per_peak)
        return self._submit(key, lambda: waveform.peaks(path, samples_per_peak))

    def _submit(self, key: Hashable, work: Callable[[], Any]) -> Future[Any]:
        with self._lock:
            future = self._in_flight.get(key)
            if future is not None:
                return future
            future = self._executor.submit(work)
            self._in_flight[key] = future
        # outside the lock: a future that is already done runs this callback right here
        future.add_done_callback(lambda done: self._forget(key, done))
        return future

    def _forget(self, key: Hashable, done: Future[Any]) -> None:
        with self._lock:
            if self._in_flight.get(key) is done:
                del self._in_flight[key]

    def close(self) -> None:
        """Drop requests not yet started and return without waiting for those being made.

        Closing a window should not wait for a long file's peaks. The requests
        already running finish on their own (Python joins the workers when the
        process exits); their futures still resolve, and what they store on
        disk is written whole or not at all.
        """
        self._executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> PreviewService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
