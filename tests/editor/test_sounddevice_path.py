"""The real sound path: the viewer's default opener through sounddevice, with PortAudio stood in for.

`sounddevice.OutputStream` is replaced by a stream that behaves as PortAudio
does: once started, its own thread calls the callback with fixed-size blocks
of preallocated float32 (garbage until the callback fills it), a time-info
object and a status flag. The test hands it samples to play, so what the
speakers consumed is known exactly and the playhead and picture can be held
to it. Then PortAudio failing at each step (no device, no stream, no start)
must leave the viewer playing on the wall clock with "audio is off" shown.
"""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import ClassVar

import numpy as np
import pytest
import sounddevice
from PySide6.QtCore import Qt

from editor.main_window import MainWindow
from engine.playback.audio_output import AHEAD
from engine.playback.clock import frame_at_sample
from engine.render.audio import mix_audio
from engine.render.sources import Sources
from tests.editor.test_viewer import press, shown_index, two_shot_timeline

LATENCY = 0.03
BLOCK = 512  # PortAudio's usual callback size


class PortAudioLike:
    """An OutputStream that plays from its own thread, in blocks, only as many samples as it is given."""

    made: ClassVar[list[PortAudioLike]] = []

    def __init__(self, samplerate: int, channels: int, dtype: str, callback, **_kwargs) -> None:
        self.samplerate, self.channels, self.dtype, self.callback = samplerate, channels, dtype, callback
        self.latency = LATENCY
        self.heard: list[np.ndarray] = []
        self.consumed = 0
        self._budget = 0
        self._lock = threading.Lock()
        self._running = threading.Event()
        self._thread: threading.Thread | None = None
        self.closed = False
        PortAudioLike.made.append(self)

    def start(self) -> None:
        self._running.set()
        self._thread = threading.Thread(target=self._run, name="portaudio", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)

    def close(self) -> None:
        self.closed = True

    def give(self, samples: int) -> None:
        with self._lock:
            self._budget += samples

    def idle(self) -> bool:
        with self._lock:
            return self._budget == 0

    def _run(self) -> None:
        flags = sounddevice.CallbackFlags()
        while self._running.is_set():
            with self._lock:
                ready = self._budget >= BLOCK
            if not ready:
                time.sleep(0.001)
                continue
            out = np.full((BLOCK, self.channels), np.nan, np.float32)  # PortAudio's buffer: not zeroed
            now = time.monotonic()
            info = SimpleNamespace(outputBufferDacTime=now + LATENCY, currentTime=now)
            self.callback(out, BLOCK, info, flags)
            self.heard.append(out.copy())
            with self._lock:
                self._budget -= BLOCK
                self.consumed += BLOCK


def fake_portaudio(monkeypatch) -> None:
    PortAudioLike.made.clear()
    monkeypatch.setattr(
        sounddevice, "query_devices", lambda *a, **k: {"name": "fake", "max_output_channels": 2}
    )
    monkeypatch.setattr(sounddevice, "OutputStream", PortAudioLike)


@pytest.fixture
def editor(qtbot, tmp_path, monkeypatch) -> MainWindow:
    """The editor with its default sound opener (sounddevice), on red (440 Hz) then blue (660 Hz)."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_timeline(two_shot_timeline(tmp_path), None)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    yield window
    window.viewer.shutdown()


def test_the_playhead_follows_the_samples_portaudio_consumed_and_picture_and_sound_agree(
    editor, qtbot, monkeypatch
) -> None:
    fake_portaudio(monkeypatch)
    viewer, head = editor.viewer, editor.context.playhead
    press(qtbot, editor, Qt.Key.Key_Space)
    assert viewer.player.audio is not None and viewer.audio_status.text() == ""
    (stream,) = PortAudioLike.made
    assert (stream.samplerate, stream.channels, stream.dtype) == (48000, 2, "float32")
    audio = viewer.player.audio
    latency = round(LATENCY * 48000)
    assert head.frame == 0  # nothing heard, nothing moves
    for _ in range(3):
        # the feeder keeps a third of a second ahead; hand the "card" a quarter second at a time
        qtbot.waitUntil(lambda: audio.buffered() >= AHEAD - 2048, timeout=5000)
        stream.give(24 * BLOCK)
        qtbot.waitUntil(stream.idle, timeout=5000)
        expected = frame_at_sample(stream.consumed - latency, 30.0)
        qtbot.waitUntil(lambda expected=expected: head.frame == expected, timeout=3000)
        qtbot.waitUntil(lambda expected=expected: viewer.picture.frame == expected, timeout=3000)
        qtbot.wait(30)
        assert head.frame == expected  # the card stopped consuming: the clock stands still with it
    assert head.frame == frame_at_sample(3 * 24 * BLOCK - latency, 30.0) == 22
    assert shown_index(editor) == head.frame  # the picture is red.mp4's frame at the clock
    # the samples the card played are the timeline's mix from frame 0, nothing skipped or repeated
    heard = np.concatenate(stream.heard)
    with Sources() as sources:
        expected_sound = mix_audio(editor.context.session.timeline, 0, len(heard), sources)
    np.testing.assert_allclose(heard, expected_sound, atol=1e-6)
    press(qtbot, editor, Qt.Key.Key_Space)
    assert stream.closed and viewer.player.speed == 0


def no_device(*_args, **_kwargs):
    raise sounddevice.PortAudioError("Error querying device -1", -9996)


class NoStream(PortAudioLike):
    def __init__(self, *args, **kwargs) -> None:
        raise sounddevice.PortAudioError("Invalid device", -9996)


class NoStart(PortAudioLike):
    def start(self) -> None:
        raise sounddevice.PortAudioError("Device unavailable", -9985)


@pytest.mark.parametrize("failing", ["query", "open", "start"])
def test_portaudio_failing_leaves_playback_on_the_wall_clock_and_says_audio_is_off(
    editor, qtbot, monkeypatch, failing: str
) -> None:
    fake_portaudio(monkeypatch)
    if failing == "query":
        monkeypatch.setattr(sounddevice, "query_devices", no_device)
    elif failing == "open":
        monkeypatch.setattr(sounddevice, "OutputStream", NoStream)
    else:
        monkeypatch.setattr(sounddevice, "OutputStream", NoStart)
    messages: list[str] = []
    editor.context.status.message.connect(lambda text, _ms: messages.append(text))
    viewer, head = editor.viewer, editor.context.playhead
    press(qtbot, editor, Qt.Key.Key_Space)
    assert viewer.player.audio is None and viewer.player.speed == 1
    assert viewer.audio_status.text() == "Audio is off: no output device"
    assert viewer.audio_status.isVisible()  # the status bar keeps saying so while it plays
    assert messages[-1] == "Audio is off: no output device"
    started = time.monotonic()
    qtbot.waitUntil(lambda: head.frame >= 6, timeout=3000)  # six frames on the wall clock
    assert time.monotonic() - started >= 0.1
    press(qtbot, editor, Qt.Key.Key_Space)
    assert viewer.player.speed == 0


def test_portaudio_is_loaded_on_a_worker_thread_and_a_failure_there_is_left_to_playback(monkeypatch) -> None:
    from engine.playback.audio_output import warm_up_sounddevice

    seen: list[str] = []

    def listing(*_args, **_kwargs):
        seen.append(threading.current_thread().name)
        raise sounddevice.PortAudioError("Error querying device -1", -9996)

    monkeypatch.setattr(sounddevice, "query_devices", listing)
    worker = warm_up_sounddevice()
    worker.join(timeout=10)
    assert not worker.is_alive() and seen == ["portaudio-warm-up"]  # not the GUI thread, and no exception
