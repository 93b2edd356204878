"""Sound out of the speakers during playback, and the clock it gives.

A feeder thread mixes the timeline (`render.audio.mix_audio`, through its
own open `Sources`) a fraction of a second ahead into a ring; the sound
card's callback only copies from the ring. The samples the callback has
handed over, minus the device's output latency, are the samples heard: that
count is the playback clock. When the ring runs dry the callback plays
silence and the count stands still, so the picture waits for the sound
rather than running ahead of it.

The device layer is a function (`StreamOpener`) so tests can hand in a stream
that "plays" on demand. The default opens a PortAudio stream through
sounddevice and raises `AudioUnavailable` when there is no output device.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import opentimelineio as otio

from engine.errors import MediaError, ShotlineError
from engine.media.audio import AudioReader
from engine.playback.ring import RingBuffer
from engine.project.document import AUDIO_SAMPLE_RATE
from engine.render.audio import mix_audio
from engine.render.sources import Sources

CHANNELS = 2
#: Samples mixed per feeder step, and how far ahead of the speakers the ring is kept full.
BLOCK = 2048
AHEAD = AUDIO_SAMPLE_RATE // 3

Callback = Callable[[np.ndarray, int, Any, Any], None]


class AudioUnavailable(ShotlineError):
    """No sound card to play through: playback goes on with a wall clock."""


class OutputStream(Protocol):
    latency: float  # seconds between a sample handed to the callback and the speakers

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def close(self) -> None: ...


StreamOpener = Callable[[int, int, Callback], OutputStream]  # (sample rate, channels, callback)


def open_sounddevice(samplerate: int, channels: int, callback: Callback) -> OutputStream:
    """A float32 PortAudio output stream on the default device."""
    try:
        import sounddevice

        sounddevice.query_devices(kind="output")
        return sounddevice.OutputStream(
            samplerate=samplerate, channels=channels, dtype="float32", callback=callback
        )
    except Exception as error:  # PortAudioError, or OSError when PortAudio itself is missing
        raise AudioUnavailable("no output device") from error


def warm_up_sounddevice() -> threading.Thread:
    """Load PortAudio and list its devices on a worker thread, long before the first Space.

    Importing sounddevice initializes PortAudio, which scans the sound
    system: 20 ms here, more on a machine with real devices. Done inside the
    first `open_sounddevice`, that would be a stall of the GUI thread at the
    moment playback starts. Any failure is left for `open_sounddevice` to
    report when playback asks for a stream.
    """

    def load() -> None:
        try:
            import sounddevice

            sounddevice.query_devices()
        except Exception:  # no PortAudio or no device: said when playback starts, not here
            pass

    thread = threading.Thread(target=load, name="portaudio-warm-up", daemon=True)
    thread.start()
    return thread


class QuietSources(Sources):
    """Sources for playback: a clip whose file is offline is silent instead of stopping the sound."""

    def audio(self, clip: otio.schema.Clip) -> AudioReader | None:
        try:
            return super().audio(clip)
        except MediaError:
            return None


class AudioPlayback:
    """One run of playback at normal speed from `start_sample`."""

    def __init__(
        self,
        timeline: otio.schema.Timeline,
        start_sample: int,
        open_stream: StreamOpener,
        tap: Callable[[np.ndarray], None] | None = None,
    ) -> None:
        self.start_sample = start_sample
        self._tap = tap  # hears each block as it is handed to the device (the meters)
        self._timeline = timeline
        self._ring = RingBuffer(AHEAD)
        self._lock = threading.Lock()  # guards _timeline, _next and _generation
        self._next = start_sample  # the next sample the feeder mixes
        self._generation = 0
        self._stopping = threading.Event()
        self._stream = open_stream(AUDIO_SAMPLE_RATE, CHANNELS, self._callback)
        self._latency = max(0, round(float(getattr(self._stream, "latency", 0.0) or 0.0) * AUDIO_SAMPLE_RATE))
        self._feeder = threading.Thread(target=self._feed, name="audio-feeder", daemon=True)

    def start(self) -> None:
        self._feeder.start()
        try:
            self._stream.start()
        except Exception as error:
            self.stop()
            raise AudioUnavailable("no output device") from error

    def stop(self) -> None:
        self._stopping.set()
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:  # a device that vanished mid-play has nothing left to close
            pass
        if self._feeder.is_alive() and self._feeder is not threading.current_thread():
            self._feeder.join(timeout=2)

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        self._ring.read_into(outdata)
        if self._tap is not None:
            self._tap(outdata)

    def played_samples(self) -> int:
        """Samples heard so far: handed to the device, less what is still in its output latency."""
        return max(0, self._ring.read_total - self._latency)

    def position(self) -> int:
        """The sample at the speakers now, counted from the timeline's start."""
        return self.start_sample + self.played_samples()

    def buffered(self) -> int:
        return self._ring.available()

    def set_timeline(self, timeline: otio.schema.Timeline) -> None:
        """Play an edited timeline from here on: what was mixed ahead of the speakers is mixed again."""
        with self._lock:
            self._timeline = timeline
            self._generation += 1
            self._next = self.start_sample + self._ring.drop_unread()

    def _feed(self) -> None:
        with QuietSources() as sources:
            while not self._stopping.is_set():
                if self._ring.free() < BLOCK:
                    self._stopping.wait(0.004)
                    continue
                with self._lock:
                    timeline, start, generation = self._timeline, self._next, self._generation
                try:
                    block = mix_audio(timeline, start, BLOCK, sources)
                except Exception:  # broken media mid-file: silence rather than a dead feeder
                    block = np.zeros((BLOCK, CHANNELS), np.float32)
                with self._lock:
                    if generation != self._generation:
                        continue  # the timeline changed while mixing: mix again from the new place
                    self._ring.write(block)
                    self._next = start + BLOCK
