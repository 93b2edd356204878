"""The window's proxy settings and the proxies it is making: what the viewer decodes.

On/off and the size are remembered with the editor's settings. While on,
every heavy file the project uses (engine.media.proxies.reason) gets a proxy
in the background, one at a time in a low-priority process, and the viewer
reads each proxy as soon as it is finished; until then it plays the
original. Which files are heavy is decided on a worker thread (a probe and
a look at the first packets), never on the GUI thread, and remembered.
Export never asks here: it always reads the originals.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path

import opentimelineio as otio
from PySide6.QtCore import QObject, Signal

from editor.settings import EditorSettings
from engine.errors import MediaError
from engine.media import proxies
from engine.media.proxy_maker import ProxyMaker
from engine.media.video import VideoDecoder
from engine.render.sources import media_path

#: Frames just decoded that each original keeps for scrubbing back over its GOP (20 frames of 1080p).
SCRUB_MEGABYTES = 64


class ProxySettings(QObject):
    #: Proxies on/off or their size changed, or one was finished: the viewer reopens its files.
    changed = Signal()
    #: (proxies still to make, a line for the dialog and the status bar)
    progress = Signal(int, str)
    _finished = Signal(object, object)  # path, proxy or the error: from a worker to the GUI thread

    def __init__(self, settings: EditorSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.enabled = str(settings.value("proxies/enabled", "false")).lower() == "true"
        stored = int(settings.value("proxies/divisor", proxies.DEFAULT_DIVISOR) or proxies.AUTO)
        self.divisor = stored if stored in proxies.SIZES else proxies.DEFAULT_DIVISOR  # AUTO or 2 or 4
        self._maker: ProxyMaker | None = None
        self._heavy: dict[tuple[str, int, int], bool] = {}  # (path, size, mtime) -> worth a proxy
        self._lock = threading.Lock()
        self.pending: set[str] = set()
        self.failed: dict[str, str] = {}
        self._finished.connect(self._done)

    # what the viewer reads -------------------------------------------------------------------

    def viewer_divisor(self) -> int | None:
        return self.divisor if self.enabled else None

    def open_video(self, path: Path) -> VideoDecoder:
        """Called on the viewer's render thread: the proxy when on and made, else the original."""
        return proxies.open_video(path, self.viewer_divisor(), SCRUB_MEGABYTES)

    # changing them --------------------------------------------------------------------------------

    def set_enabled(self, on: bool) -> None:
        if on == self.enabled:
            return
        self.enabled = on
        self._settings.set_value("proxies/enabled", "true" if on else "false")
        self.changed.emit()

    def set_divisor(self, divisor: int) -> None:
        if divisor not in proxies.SIZES or divisor == self.divisor:
            return
        self.divisor = divisor
        self._settings.set_value("proxies/divisor", divisor)
        self.changed.emit()

    # making them -----------------------------------------------------------------------------------

    def create(self, paths: Iterable[Path], only_heavy: bool) -> None:
        """Make proxies of `paths` at the current size (`only_heavy`: just those worth one)."""
        wanted = [Path(p) for p in dict.fromkeys(paths)]
        if not wanted:
            return
        divisor = self.divisor
        threading.Thread(
            target=self._queue, args=(wanted, divisor, only_heavy), name="proxy-sweep", daemon=True
        ).start()

    def create_for_timeline(self, timeline: otio.schema.Timeline) -> None:
        """While proxies are on: proxies of every heavy file the timeline plays."""
        if self.enabled:
            self.create(timeline_files(timeline), only_heavy=True)

    def _queue(self, paths: list[Path], divisor: int, only_heavy: bool) -> None:
        for path in paths:
            if proxies.existing(path, divisor) is not None or (only_heavy and not self._is_heavy(path)):
                continue
            with self._lock:
                if self._maker is None:
                    self._maker = ProxyMaker()
                maker = self._maker
            future = maker.request(path, divisor)
            with self._lock:
                fresh = str(path) not in self.pending
                self.pending.add(str(path))
            if fresh:
                self._emit_progress()
                future.add_done_callback(lambda done, path=path: self._deliver(path, done))

    def _is_heavy(self, path: Path) -> bool:
        try:
            facts = os.stat(path)
        except OSError:
            return False
        key = (str(path), facts.st_size, facts.st_mtime_ns)
        if key not in self._heavy:
            try:
                self._heavy[key] = proxies.reason(path) is not None
            except MediaError:
                self._heavy[key] = False
        return self._heavy[key]

    def _deliver(self, path: Path, done: Future) -> None:
        if done.cancelled():
            outcome: object = MediaError("cancelled")
        else:
            error = done.exception()
            outcome = error if error is not None else done.result()
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            self._finished.emit(path, outcome)

    def _done(self, path: Path, outcome: object) -> None:
        with self._lock:
            self.pending.discard(str(path))
        if isinstance(outcome, Exception):
            self.failed[str(path)] = str(outcome)
        self._emit_progress()
        if self.enabled and not isinstance(outcome, Exception):
            self.changed.emit()

    def _emit_progress(self) -> None:
        with self._lock:
            count = len(self.pending)
        line = f"Making proxies: {count} to go" if count else "Proxies ready"
        with contextlib.suppress(RuntimeError):
            self.progress.emit(count, line)

    def close(self) -> None:
        with self._lock:
            maker, self._maker = self._maker, None
        if maker is not None:
            maker.close()


def timeline_files(timeline: otio.schema.Timeline) -> list[Path]:
    """The files the timeline's clips play (those that are there)."""
    found: dict[Path, None] = {}
    for clip in timeline.find_clips():
        with contextlib.suppress(MediaError):
            found[media_path(clip)] = None
    return list(found)


def disk_use_line() -> str:
    count, used = proxies.disk_use()
    return f"{count} prox{'y' if count == 1 else 'ies'} on disk, {used / 1e6:.1f} MB"
