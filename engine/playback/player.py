"""Playback's clock: the sound card's at normal speed, a wall clock otherwise.

Normal-speed playback plays the timeline's sound and takes its time from the
samples played (A/V cannot drift: the picture shows the frame being heard).
Shuttle speeds (2x, 4x, 8x, backwards) are silent and run on wall time, as
in most editors. Without an output device normal speed runs on wall time
too, and `audio_off` says why, for the status bar.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import opentimelineio as otio

from engine.playback.audio_output import AudioPlayback, AudioUnavailable, StreamOpener, open_sounddevice
from engine.playback.clock import WallClock, frame_at_sample, sample_of_frame
from engine.playback.meters import LevelMeter, SilentMeterFeed
from engine.project import document


class Player:
    def __init__(
        self, open_stream: StreamOpener = open_sounddevice, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.open_stream = open_stream
        self._now = now
        self._audio: AudioPlayback | None = None
        self._wall: WallClock | None = None
        self._rate = 30.0
        self.speed = 0
        self.audio_off: str | None = None  # why this run plays silently at normal speed
        self.meter = LevelMeter()  # what is playing, for the audio meters beside the viewer
        self._silent_feed: SilentMeterFeed | None = None

    @property
    def playing(self) -> bool:
        return self.speed != 0

    @property
    def audio(self) -> AudioPlayback | None:
        return self._audio

    def start(self, timeline: otio.schema.Timeline, frame: int, speed: int) -> None:
        """Play `timeline` (a copy no one else edits) from `frame` at `speed` (negative: backwards)."""
        self.stop()
        self.audio_off = None
        if speed == 0:
            return
        self._rate = document.settings(timeline).rate
        self.speed = speed
        self.meter.reset()
        if speed == 1:
            start = sample_of_frame(frame, self._rate)
            try:
                audio = AudioPlayback(timeline, start, self.open_stream, tap=self.meter.feed)
                audio.start()
                self._audio = audio
            except AudioUnavailable as error:
                self.audio_off = str(error)
                self._silent_feed = SilentMeterFeed(timeline, start, self.meter)
                self._silent_feed.start()
        if self._audio is None:
            self._wall = WallClock(frame, speed, self._rate, self._now)

    def frame(self) -> int:
        """The frame playing now."""
        if self._audio is not None:
            return frame_at_sample(self._audio.position(), self._rate)
        if self._wall is not None:
            return math.floor(self._wall.position())
        return 0

    def set_timeline(self, timeline: otio.schema.Timeline) -> None:
        """The document changed during playback: sound from here on comes from this copy."""
        if self._audio is not None:
            self._audio.set_timeline(timeline)
        if self._silent_feed is not None:
            self._silent_feed.set_timeline(timeline)

    def stop(self) -> None:
        if self._audio is not None:
            self._audio.stop()
        if self._silent_feed is not None:
            self._silent_feed.stop()
        self._audio = self._wall = self._silent_feed = None
        self.speed = 0
