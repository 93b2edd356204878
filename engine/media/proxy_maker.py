"""Proxies made in the background, one at a time, in a worker process at low priority.

Making a proxy decodes and encodes a whole file: minutes for a long 4K clip.
It runs in a separate process (spawned, so no Qt or decoder state is shared)
that lowers its own priority first, so the editor's GUI and playback
threads always win the CPU, and a crash in a decoder cannot take the editor
down. Requests come back as futures; asking again for a file already queued
shares its future. A file that cannot be made into a proxy resolves its
future with the `MediaError`, and the viewer keeps playing the original.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Hashable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from engine.media import proxies

#: How much lower than normal the worker runs (nice 0-19; 19 is lowest).
NICENESS = 15


def _lower_priority(data_folder: str | None) -> None:
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)
    if data_folder:  # the parent's data folder (tests and portable installs set it)
        os.environ["SHOTLINE_DATA_DIR"] = data_folder


def _make(path: str, divisor: int) -> proxies.Proxy:
    return proxies.ensure(path, divisor)


class ProxyMaker:
    """Queue of proxies to make for one editor session."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._in_flight: dict[Hashable, Future[proxies.Proxy]] = {}

    def request(self, path: str | os.PathLike[str], divisor: int) -> Future[proxies.Proxy]:
        """A future of the proxy of `path` at 1/`divisor` size (already done when it exists)."""
        key = (os.path.abspath(path), divisor)
        done = proxies.existing(path, divisor)
        if done is not None:
            future: Future[proxies.Proxy] = Future()
            future.set_result(done)
            return future
        with self._lock:
            future = self._in_flight.get(key)
            if future is not None:
                return future
            future = self._pool().submit(_make, str(Path(path)), divisor)
            self._in_flight[key] = future
        future.add_done_callback(lambda finished: self._forget(key, finished))
        return future

    def pending(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_lower_priority,
                initargs=(os.environ.get("SHOTLINE_DATA_DIR"),),
            )
        return self._executor

    def _forget(self, key: Hashable, done: Future[proxies.Proxy]) -> None:
        with self._lock:
            if self._in_flight.get(key) is done:
                del self._in_flight[key]

    def close(self) -> None:
        """Drop what has not started; a proxy being made is abandoned (its temporary file removed
        by the worker's own cleanup, or never renamed into place)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
