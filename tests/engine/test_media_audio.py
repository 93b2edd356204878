"""Sound as the project hears it: 48 kHz stereo float32, addressed by sample number, locked to the picture."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media.audio import AudioReader
from tests.support.mediagen import click_signal, tone_signal, write_audio, write_video

RATE = 48000


def clicks_found(samples: np.ndarray, threshold: float = 0.3) -> list[int]:
    """Sample numbers of the loudest point of each click (peaks at least 100 samples apart)."""
    loud = np.flatnonzero(np.abs(samples[:, 0]) > threshold)
    found: list[int] = []
    for index in loud:
        if found and index - found[-1] < 100:
            if abs(samples[index, 0]) > abs(samples[found[-1], 0]):
                found[-1] = int(index)
            continue
        found.append(int(index))
    return found


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples[:, 0] * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[int(np.argmax(spectrum))])


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("audio")
    # ten minutes at 44.1 kHz with a click every minute: resampling must not drift
    minute_clicks = [m * 60 * 44100 for m in range(1, 10)]
    write_audio(folder / "long.wav", seconds=600, rate=44100, signal=click_signal(minute_clicks))
    write_audio(folder / "clicks48.wav", seconds=4, signal=click_signal([RATE, 2 * RATE, 3 * RATE]))
    write_audio(folder / "mono.wav", seconds=1, channels=1, signal=tone_signal(440, channels=1))
    write_audio(folder / "song.m4a", seconds=6, hz=880, codec="aac")
    write_audio(folder / "song.mp3", seconds=6, hz=660, codec="libmp3lame", rate=44100)
    write_audio(folder / "song.opus", seconds=3, hz=550, codec="libopus")
    write_audio(folder / "surround.flac", seconds=1, channels=6, codec="flac")
    write_video(folder / "late.mp4", frames=60, tone_hz=440, audio_start=Fraction(1, 2))
    write_video(
        folder / "late.mkv", frames=60, tone_hz=440, audio_start=Fraction(1, 2), container_format="matroska"
    )
    write_video(folder / "silent.mp4", frames=10)
    return folder


def test_a_48k_file_reads_back_sample_for_sample(media: Path) -> None:
    with AudioReader(media / "clicks48.wav") as reader:
        samples = reader.read(0, 4 * RATE)
    assert samples.shape == (4 * RATE, 2) and samples.dtype == np.float32
    assert clicks_found(samples) == [RATE, 2 * RATE, 3 * RATE]


def test_ten_minutes_resampled_from_44k1_do_not_drift(media: Path) -> None:
    with AudioReader(media / "long.wav") as reader:
        # the click at minute 9, read after a seek far into the file
        window = reader.read(9 * 60 * RATE - 1000, 2000)
        assert reader.seeks == 1
    found = clicks_found(window, threshold=0.2)
    assert len(found) == 1 and abs(found[0] - 1000) <= 1


def test_reading_after_a_seek_is_the_same_sound_as_reading_straight_through(media: Path) -> None:
    with AudioReader(media / "song.mp3") as straight:
        whole = straight.read(0, 5 * RATE)
    with AudioReader(media / "song.mp3") as jumping:
        jumping.read(4 * RATE, 100)
        piece = jumping.read(3 * RATE + 17, 4000)
        assert jumping.seeks >= 1
    np.testing.assert_allclose(piece, whole[3 * RATE + 17 : 3 * RATE + 17 + 4000], atol=2e-3)


def test_reads_in_small_pieces_join_up_exactly(media: Path) -> None:
    with AudioReader(media / "song.m4a") as reader:
        whole = reader.read(0, 2 * RATE)
    with AudioReader(media / "song.m4a") as reader:
        pieces = np.concatenate([reader.read(start, 1601) for start in range(0, 2 * RATE, 1601)])[: 2 * RATE]
        assert reader.seeks == 0
    np.testing.assert_array_equal(pieces, whole)


@pytest.mark.parametrize(("name", "hz"), [("song.m4a", 880), ("song.mp3", 660), ("song.opus", 550)])
def test_compressed_sound_decodes_to_its_tone(media: Path, name: str, hz: float) -> None:
    with AudioReader(media / name) as reader:
        samples = reader.read(RATE, RATE)
    assert abs(dominant_hz(samples) - hz) < 3
    assert 0.15 < np.abs(samples).max() < 0.35


def test_sound_that_starts_late_is_preceded_by_silence(media: Path) -> None:
    for name in ("late.mp4", "late.mkv"):
        with AudioReader(media / name) as reader:
            samples = reader.read(0, RATE)
        onset = int(np.flatnonzero(np.abs(samples[:, 0]) > 0.05)[0])
        assert abs(onset - RATE // 2) < 48, name  # within a millisecond of 0.5 s


def test_mono_plays_on_both_sides_at_its_own_level(media: Path) -> None:
    with AudioReader(media / "mono.wav") as reader:
        samples = reader.read(0, RATE // 2)
    np.testing.assert_array_equal(samples[:, 0], samples[:, 1])
    assert 0.24 < np.abs(samples).max() < 0.26


def test_surround_folds_down_to_stereo(media: Path) -> None:
    with AudioReader(media / "surround.flac") as reader:
        samples = reader.read(0, RATE // 2)
    assert samples.shape == (RATE // 2, 2) and np.abs(samples).max() > 0.05


def test_reading_outside_the_sound_gives_silence_of_the_asked_length(media: Path) -> None:
    with AudioReader(media / "clicks48.wav") as reader:
        assert reader.duration_samples == 4 * RATE
        past = reader.read(10 * RATE, 500)
        before = reader.read(-300, 600)
    assert past.shape == (500, 2) and not past.any()
    assert before.shape == (600, 2) and not before[:300].any()


def test_a_video_without_sound_says_so(media: Path) -> None:
    with pytest.raises(MediaError, match="no sound"):
        AudioReader(media / "silent.mp4")
