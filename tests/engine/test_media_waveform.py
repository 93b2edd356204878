"""Waveform peaks: the loud parts where they are, as loud as they are, at any zoom."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media import waveform
from engine.media.audio import AudioReader
from engine.media.waveform import peaks, reduce_peaks
from tests.support.mediagen import click_signal, tone_signal, write_audio, write_video

RATE = 48000
TONE_SAMPLES = 48240  # 1.005 s: the last bucket is only half full


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("waves")
    write_audio(folder / "tone.wav", seconds=TONE_SAMPLES / RATE, hz=440)
    write_audio(folder / "clicks.wav", seconds=2, signal=click_signal([12_345, 70_000], level=0.9))
    write_audio(folder / "left.wav", seconds=0.5, signal=_left_only(tone_signal(300, amplitude=0.5)))
    write_audio(folder / "song.mp3", seconds=1, hz=660, codec="libmp3lame", rate=44100)
    write_video(folder / "shot.mkv", frames=30, tone_hz=440, container_format="matroska")
    write_video(folder / "silent.mp4", frames=5)
    return folder


def _left_only(signal):
    def block(first: int, count: int) -> np.ndarray:
        out = signal(first, count)
        out[1] = 0
        return out

    return block


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_a_tone_draws_as_a_band_at_its_level(media: Path) -> None:
    result = peaks(media / "tone.wav")
    assert result.dtype == np.float32 and result.shape == (math.ceil(TONE_SAMPLES / 480), 2)
    # a 440 Hz tone goes through four whole cycles in every 10 ms bucket: full swing in each
    np.testing.assert_allclose(result[:, 1], 0.25, atol=0.005)
    np.testing.assert_allclose(result[:, 0], -0.25, atol=0.005)


def test_a_click_shows_in_its_bucket_and_nowhere_else(media: Path) -> None:
    result = peaks(media / "clicks.wav")
    assert len(result) == 2 * RATE // 480
    loud = np.flatnonzero(result[:, 1] > 0.5)
    assert loud.tolist() == [12_345 // 480, 70_000 // 480]
    assert abs(result[25, 1] - 0.9) < 0.001
    assert np.abs(np.delete(result, loud, axis=0)).max() < 0.001  # silence elsewhere


def test_sound_on_one_side_only_is_drawn_at_its_full_level(media: Path) -> None:
    """A mono mixdown would halve it; the lane shows what the left speaker will play."""
    result = peaks(media / "left.wav")
    assert 0.49 < result[:, 1].max() < 0.51 and -0.51 < result[:, 0].min() < -0.49


def test_a_resampled_file_covers_its_length_at_48k(media: Path) -> None:
    with AudioReader(media / "song.mp3") as reader:
        samples = reader.duration_samples
    result = peaks(media / "song.mp3")
    assert len(result) == math.ceil(samples / 480)
    assert 0.2 < result[RATE // 480 // 2, 1] < 0.3  # the tone, half a second in


def test_a_file_that_does_not_state_its_length_is_read_to_its_end(media: Path) -> None:
    with AudioReader(media / "shot.mkv") as reader:
        assert reader.duration_samples is None  # Matroska leaves it out
        reader.read(0, 10 * RATE)
        end = reader.end_sample
    assert abs(end - RATE) < 2048  # the second of sound (give or take the codec's last frame)
    result = peaks(media / "shot.mkv")
    assert len(result) == math.ceil(end / 480)
    assert result[10:-2, 1].min() > 0.2  # the tone throughout


def test_coarser_peaks_are_folded_from_finer_ones_exactly(media: Path) -> None:
    fine = peaks(media / "clicks.wav")
    for factor in (1, 7, 10, 1000):
        np.testing.assert_array_equal(reduce_peaks(fine, factor), peaks(media / "clicks.wav", 480 * factor))
    coarse = reduce_peaks(fine, 7)
    assert len(coarse) == math.ceil(len(fine) / 7)
    assert np.flatnonzero(coarse[:, 1] > 0.5).tolist() == [12_345 // (480 * 7), 70_000 // (480 * 7)]


def test_memory_stays_bounded_whatever_the_bucket_size(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Peaks of an hour-long file must not mean an hour of samples in memory."""
    asked: list[int] = []
    real_read = AudioReader.read

    def read(self: AudioReader, start: int, count: int) -> np.ndarray:
        asked.append(count)
        return real_read(self, start, count)

    monkeypatch.setattr(AudioReader, "read", read)
    one_bucket = peaks(media / "clicks.wav", samples_per_peak=2 * RATE)
    assert one_bucket.shape == (1, 2) and abs(one_bucket[0, 1] - 0.9) < 0.001
    assert max(asked) <= waveform.BLOCK_SAMPLES and len(asked) > 1


def test_peaks_are_kept_on_disk(media: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = peaks(media / "tone.wav")

    def no_reading(*args: object) -> None:
        raise AssertionError("peaks were computed again")

    monkeypatch.setattr(waveform, "AudioReader", no_reading)
    np.testing.assert_array_equal(peaks(media / "tone.wav"), first)
    (entry,) = (data / "cache" / "waveforms").iterdir()
    entry.write_bytes(b"\x93NUMPY")  # damaged: computed again, not an error
    with pytest.raises(AssertionError, match="computed again"):
        peaks(media / "tone.wav")


def test_a_file_without_sound_says_so(media: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no sound"):
        peaks(media / "silent.mp4")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(np.random.default_rng(2).bytes(4096))
    with pytest.raises(MediaError):
        peaks(broken)


def test_video_sound_lines_up_with_the_picture(tmp_path: Path) -> None:
    """Sound that starts half a second into a shot is drawn half a second in."""
    shot = write_video(tmp_path / "late.mp4", frames=60, tone_hz=440, audio_start=Fraction(1, 2))
    result = peaks(shot)
    onset = int(np.flatnonzero(result[:, 1] > 0.05)[0])
    assert abs(onset - RATE // 2 // 480) <= 1
