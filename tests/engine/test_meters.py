"""Audio meters while playing: a known tone reads its level, with a sound card and without one."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from engine.playback.meters import FLOOR, LevelMeter, block_levels
from engine.playback.player import Player
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.times import rt
from tests.engine.test_playback import FakeStream, fake_device, no_device
from tests.support import mediagen
from tests.support.editing import project

MINUS_6 = 20 * np.log10(0.5)  # -6.02 dBFS: a sine peaking at half of full scale


@pytest.fixture
def tone_at_minus_6(tmp_path: Path):
    """A1: two seconds of a 1 kHz sine at -6 dBFS from frame 0."""
    sound = mediagen.write_audio(
        tmp_path / "tone.wav", seconds=2.0, signal=mediagen.tone_signal(1000, amplitude=0.5)
    )
    timeline = project()
    edits.overwrite(timeline, rt(0, 30.0), placements(source_timeline(sound, 30.0, (64, 36)), 0, 60))
    return timeline


def test_a_minus_6_dbfs_sine_reads_minus_6_on_peak_and_rms() -> None:
    t = np.arange(4800) / 48000
    block = np.stack([0.5 * np.sin(2 * np.pi * 1000 * t), 0.25 * np.sin(2 * np.pi * 1000 * t)], axis=1)
    peaks, rms = block_levels(block)
    assert peaks[0] == pytest.approx(MINUS_6, abs=0.5) and rms[0] == pytest.approx(MINUS_6, abs=0.5)
    assert peaks[1] == pytest.approx(MINUS_6 - 6.02, abs=0.5)  # each channel on its own
    assert block_levels(np.zeros((100, 2)))[0] == [FLOOR, FLOOR]


def test_the_meters_show_what_the_sound_card_is_handed(tone_at_minus_6) -> None:
    streams: list[FakeStream] = []
    player = Player(fake_device(streams))
    player.start(tone_at_minus_6, 0, 1)
    stream = streams[0]
    stream.ready = lambda count: player.audio.buffered() >= count
    stream.play(48000)
    reading = player.meter.reading()
    assert all(p == pytest.approx(MINUS_6, abs=0.5) for p in reading.peak)
    assert all(r == pytest.approx(MINUS_6, abs=0.5) for r in reading.rms)
    assert reading.loudness == pytest.approx(-6.0, abs=0.5)  # stereo 1 kHz: LUFS ~ dBFS of the sine's RMS +3
    player.stop()


def test_the_meters_move_without_a_sound_card(tone_at_minus_6) -> None:
    player = Player(no_device)
    player.start(tone_at_minus_6, 0, 1)
    assert player.audio_off == "no output device"
    deadline = time.monotonic() + 5
    while player.meter.reading().peak[0] < MINUS_6 - 0.5 and time.monotonic() < deadline:
        time.sleep(0.02)
    player.stop()
    assert player.meter.reading().peak[0] == pytest.approx(MINUS_6, abs=0.5)


def test_held_peaks_fall_back_after_the_sound_stops() -> None:
    now = [0.0]
    meter = LevelMeter(now=lambda: now[0])
    meter.feed(np.full((480, 2), 0.5, np.float32))
    now[0] = 0.4
    meter.feed(np.zeros((480, 2), np.float32))
    assert meter.reading().peak[0] == pytest.approx(MINUS_6, abs=0.01)  # held for half a second
    now[0] = 1.5
    assert meter.reading().peak[0] == pytest.approx(MINUS_6 - 12.0, abs=0.1)  # then 12 dB a second
