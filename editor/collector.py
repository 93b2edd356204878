"""Python's cyclic garbage collector, run only on the GUI thread.

The collector runs in whichever thread happens to allocate when its
threshold is reached. If that is a worker (a journal write, a probe) and the
garbage holds a Qt object, the object is destroyed on the worker: PySide
takes Qt's connection lock there and then waits for the GIL, while the GUI
thread holds the GIL... and waits for that lock. Both stop for good. (Seen
in CI: a journal thread collecting a closed window's wrappers while the next
window was being shown.) So automatic collection is switched off and the
GUI thread collects on a timer, as Anki and other long-lived PyQt/PySide
applications do; reference counting still frees everything that is not in
a cycle at once, on any thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(interval_ms)

    @staticmethod
    def collect() -> None:
        """Collect the generations whose thresholds were passed, as the automatic collector would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 2 if counts[2] > thresholds[2] else 1
        gc.collect(generation)
