"""Playback without Qt: timecode typing, cuts, shuttle steps, exact clocks and the audio master clock."""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.errors import EditError
from engine.playback import cuts, shuttle
from engine.playback.audio_output import AudioUnavailable
from engine.playback.clock import WallClock, frame_at_sample, sample_of_frame
from engine.playback.player import Player
from engine.playback.ring import RingBuffer
from engine.playback.source import placements, source_timeline
from engine.playback.timecode import parse_timecode
from engine.project import document, edits
from engine.project.times import rt
from engine.render.audio import audio as render_audio
from tests.support import mediagen
from tests.support.editing import av_shot, project, shot


class FakeStream:
    """A sound card that plays only when told to, in device-sized blocks, and keeps what it played."""

    def __init__(self, samplerate: int, channels: int, callback, latency: float = 0.0) -> None:
        self.callback = callback
        self.latency = latency
        self.started = self.closed = False
        self.heard: list[np.ndarray] = []
        self.keep = True
        self.ready = lambda count: True

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        self.closed = True

    def play(self, samples: int, block: int = 1024) -> None:
        while samples > 0:
            count = min(block, samples)
            deadline = time.monotonic() + 10
            while not self.ready(count):  # a real card would play silence; tests wait for the feeder
                assert time.monotonic() < deadline, "the feeder never filled the ring"
                time.sleep(0.001)
            out = np.empty((count, 2), np.float32)
            self.callback(out, count, None, None)
            if self.keep:
                self.heard.append(out)
            samples -= count


def fake_device(streams: list[FakeStream], latency: float = 0.0):
    def open_stream(samplerate: int, channels: int, callback) -> FakeStream:
        stream = FakeStream(samplerate, channels, callback, latency)
        streams.append(stream)
        return stream

    return open_stream


def no_device(samplerate: int, channels: int, callback):
    raise AudioUnavailable("no output device")


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("00:00:01:00", 30),
        ("1:00", 30),
        ("100", 30),
        ("5", 5),
        ("1:02:03:04", 111694),
        ("90", 90),
        ("10000", 1800),
        ("00;00;02;15", 75),
        ("1.10", 40),
    ],
)
def test_timecodes_are_read_as_premiere_reads_them(text: str, frame: int) -> None:
    assert parse_timecode(text, 30.0) == frame


def test_relative_timecodes_move_from_the_current_frame_and_nonsense_is_refused() -> None:
    assert parse_timecode("+10", 30.0, current=100) == 110
    assert parse_timecode("-1:00", 30.0, current=100) == 70
    assert parse_timecode("-1:00", 30.0, current=10) == 0
    assert parse_timecode("1:00", 30000 / 1001) == 30  # nominal frames, as timecode() writes them
    for bad in ("", "abc", "1:2:3:4:5", "+"):
        with pytest.raises(EditError):
            parse_timecode(bad, 30.0)


def test_cuts_are_every_clip_edge_on_every_track() -> None:
    timeline = project()
    edits.append(timeline, {"V1": shot("a", 30)})
    edits.append(timeline, {"V1": shot("b", 20)})
    edits.overwrite(timeline, rt(40, 30.0), {"V2": shot("c", 5)})
    assert cuts.edit_points(timeline) == [0, 30, 40, 45, 50]
    assert cuts.next_cut(timeline, 0) == 30 and cuts.next_cut(timeline, 30) == 40
    assert cuts.previous_cut(timeline, 41) == 40 and cuts.previous_cut(timeline, 40) == 30
    assert cuts.previous_cut(timeline, 0) == 0 and cuts.next_cut(timeline, 50) == 50


def test_shuttle_doubles_to_eight_times_and_turns_round() -> None:
    speeds, speed = [], 0
    for _ in range(5):
        speed = shuttle.forward(speed)
        speeds.append(speed)
    assert speeds == [1, 2, 4, 8, 8]
    assert shuttle.backward(8) == -1 and shuttle.backward(-1) == -2 and shuttle.backward(-8) == -8
    assert shuttle.forward(-4) == 1 and shuttle.toggle(0) == 1 and shuttle.toggle(4) == 0


@pytest.mark.parametrize("rate", [24000 / 1001, 25.0, 30000 / 1001, 60000 / 1001])
def test_sample_to_frame_is_the_exact_inverse_of_the_mixers_frame_starts(rate: float) -> None:
    for frame in list(range(0, 200)) + list(range(107_000, 107_100)):  # an hour in, no drift
        first = sample_of_frame(frame, rate)
        assert frame_at_sample(first, rate) == frame
        assert frame_at_sample(first - 1, rate) == frame - 1


def test_ring_wraps_and_plays_silence_when_dry() -> None:
    ring = RingBuffer(8)
    ring.write(np.arange(12, dtype=np.float32).reshape(6, 2))
    out = np.empty((4, 2), np.float32)
    assert ring.read_into(out) == 4 and out[0, 0] == 0 and out[3, 1] == 7
    ring.write(np.full((6, 2), 9, np.float32))  # wraps round the end
    out = np.empty((10, 2), np.float32)
    assert ring.read_into(out) == 8 and out[2, 0] == 9 and (out[8:] == 0).all()
    assert ring.read_total == 12


def test_wall_clock_counts_frames_at_speed() -> None:
    now = [100.0]
    clock = WallClock(10, 2, 30.0, lambda: now[0])
    now[0] += 1.5
    assert clock.position() == Fraction(100)
    backwards = WallClock(10, -1, 30.0, lambda: now[0])
    now[0] += 0.25
    assert backwards.position() == Fraction(5, 2)


def test_without_a_device_normal_speed_runs_on_the_wall_clock_and_says_why() -> None:
    now = [0.0]
    player = Player(no_device, lambda: now[0])
    player.start(project(), 5, 1)
    now[0] = 1.0
    assert player.audio_off == "no output device" and player.audio is None and player.frame() == 35
    player.start(project(), 0, 4)  # shuttle never asks for sound
    assert player.audio_off is None


@pytest.fixture
def tone_timeline(tmp_path: Path):
    """V1: a still held for six minutes; A1: one second of a tone starting at 2 s."""
    still = mediagen.write_image(tmp_path / "still.png", (64, 36))
    sound = mediagen.write_audio(tmp_path / "tone.wav", seconds=1.0, hz=1000)
    timeline = project()
    held = placements(source_timeline(still, 30.0, (64, 36)), 0, 6 * 60 * 30)
    edits.append(timeline, held)
    edits.overwrite(timeline, rt(60, 30.0), placements(source_timeline(sound, 30.0, (64, 36)), 0, 30))
    return timeline


@pytest.mark.slow
def test_audio_is_the_master_clock_over_five_minutes_without_drift(tone_timeline) -> None:
    streams: list[FakeStream] = []
    player = Player(fake_device(streams, latency=0.02))
    player.start(tone_timeline, 30, 1)
    stream = streams[0]
    audio = player.audio
    stream.ready = lambda count: audio.buffered() >= count
    assert stream.started and player.frame() == 30  # nothing heard yet
    rate = 30.0
    played = 0
    latency = round(0.02 * 48000)
    stream.keep = False
    for step in (3, 800, 1601, 1602, 48000 * 7 + 13):  # uneven device blocks
        while played < 5 * 60 * 48000:
            stream.play(step, block=step if step < 4096 else 1024)
            played += step
            heard = max(0, played - latency)
            assert player.frame() == frame_at_sample(sample_of_frame(30, rate) + heard, rate)
            if step < 48000:
                break
    assert player.frame() >= 30 + 5 * 60 * 30
    player.stop()
    assert stream.closed


def test_the_sound_played_is_the_timelines_mix_at_the_clocks_position(tone_timeline) -> None:
    streams: list[FakeStream] = []
    player = Player(fake_device(streams))
    player.start(tone_timeline, 45, 1)  # half a second before the tone
    stream = streams[0]
    stream.ready = lambda count: player.audio.buffered() >= count
    stream.play(48000)
    heard = np.concatenate(stream.heard)
    expected = render_audio(tone_timeline, sample_of_frame(45, 30.0), 48000)
    np.testing.assert_allclose(heard, expected, atol=1e-6)
    assert np.abs(heard[:23000]).max() == 0 and np.abs(heard[25000:]).max() > 0.2  # the tone starts at 2 s
    assert player.frame() == 75
    player.stop()


def test_an_edit_during_playback_is_heard_from_the_speakers_position_on(tone_timeline) -> None:
    streams: list[FakeStream] = []
    player = Player(fake_device(streams))
    player.start(tone_timeline, 45, 1)
    stream = streams[0]
    stream.ready = lambda count: player.audio.buffered() >= count
    stream.play(4800)
    muted = tone_timeline.clone()
    document.track(muted, "A1").enabled = False
    player.set_timeline(muted)
    stream.heard.clear()
    stream.play(48000)
    assert np.abs(np.concatenate(stream.heard)).max() == 0
    player.stop()


def test_offline_sound_is_silence_not_a_dead_feeder(tmp_path: Path) -> None:
    timeline = project()
    video, sound = av_shot("gone", 60)
    edits.append(timeline, {"V1": video, "A1": sound})
    streams: list[FakeStream] = []
    player = Player(fake_device(streams))
    player.start(timeline, 0, 1)
    streams[0].ready = lambda count: player.audio.buffered() >= count
    streams[0].play(9600)
    assert player.frame() == 6 and np.abs(np.concatenate(streams[0].heard)).max() == 0
    player.stop()
    assert not any(t.name == "audio-feeder" for t in threading.enumerate())


def test_a_source_range_makes_fresh_linked_clips(tmp_path: Path) -> None:
    clip = mediagen.write_video(tmp_path / "c.mp4", frames=30, size=(64, 36), tone_hz=440)
    source = source_timeline(clip, 30.0, (1920, 1080))
    assert document.settings(source).width == 64
    made = placements(source, 5, 10)
    again = placements(source, 5, 10)
    assert set(made) == {"V1", "A1"}
    assert made["V1"].source_range.start_time.value == 5 and made["V1"].source_range.duration.value == 10
    meta_v, meta_a = made["V1"].metadata["shotline"], made["A1"].metadata["shotline"]
    assert meta_v["link"] == meta_a["link"] != again["V1"].metadata["shotline"]["link"]
    assert meta_v["id"] != again["V1"].metadata["shotline"]["id"]
