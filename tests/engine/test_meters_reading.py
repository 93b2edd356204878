"""The viewer reads the meters on the GUI thread while sound plays: it must never wait for the filters."""

from __future__ import annotations

import math
import threading
import time

import numpy as np

from engine.playback import meters
from engine.render.loudness import LoudnessMeter


def test_reading_the_meters_does_not_wait_while_the_loudness_filter_runs(monkeypatch) -> None:
    busy, done = threading.Event(), threading.Event()
    add = LoudnessMeter.add

    def slow_add(self, samples):  # the first block loads scipy: seconds on a busy machine
        busy.set()
        done.wait(10)
        add(self, samples)

    monkeypatch.setattr(LoudnessMeter, "add", slow_add)
    meter = meters.LevelMeter(now=lambda: 0.0)  # no peak falls during the test
    tone = (0.5 * np.sin(np.arange(4800) / 48000 * 2 * math.pi * 440)).astype(np.float32)
    feeder = threading.Thread(target=meter.feed, args=(np.stack([tone, tone], axis=1),))
    feeder.start()
    assert busy.wait(10)
    started = time.perf_counter()
    reading = meter.reading()  # the GUI thread's tick, while the filter is still at work
    waited = time.perf_counter() - started
    done.set()
    feeder.join(10)
    assert waited < 1.0 and reading.loudness == -math.inf  # nothing measured yet, and no wait
    after = meter.reading()
    assert after.peak[0] > -7  # the block's peak (0.5 is about -6 dBFS) once it is in
