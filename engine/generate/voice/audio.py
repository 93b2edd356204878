"""Speech from any backend made into what the timeline mixes: 48 kHz stereo WAV, never clipped.

TTS engines speak at their own rate (22,050 Hz for Piper and espeak-ng,
16 kHz for MMS) in mono at whatever level their vocoder produced. Every
voice take is resampled here with libswresample (the resampler the media
reader uses, so a take sounds the same read back), copied to both sides, and
peak-normalized to just under -1 dBFS so takes from different backends sit
at the same level and a lossy encode of the mix never clips.
"""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np

from engine.errors import GenerateError

RATE = 48000
#: The loudest sample of a take, in dBFS: below -1 with room for the 16-bit rounding.
PEAK_DBFS = -1.5
#: Quieter than this (about -90 dBFS) is silence: a backend that made nothing has failed.
SILENCE = 3e-5


def to_stereo_48k(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono (n,) or (n, channels) float samples at `rate` as float32 (m, 2) at 48 kHz."""
    mono = np.asarray(samples, np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    mono = np.ascontiguousarray(mono.reshape(1, -1))
    if mono.shape[1] == 0:
        return np.zeros((0, 2), np.float32)
    if rate == RATE:
        return np.repeat(mono.T, 2, axis=1)
    frame = av.AudioFrame.from_ndarray(mono, format="fltp", layout="mono")
    frame.sample_rate = rate
    resampler = av.AudioResampler(format="fltp", layout="mono", rate=RATE)
    pieces = [f.to_ndarray() for f in resampler.resample(frame)]
    pieces += [f.to_ndarray() for f in resampler.resample(None)]
    out = np.concatenate(pieces, axis=1)[0] if pieces else np.zeros(0, np.float32)
    return np.repeat(out.astype(np.float32)[:, None], 2, axis=1)


def normalize(samples: np.ndarray) -> np.ndarray:
    """Scaled so the peak is PEAK_DBFS; refuses silence, which is a failed synthesis, not a take."""
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    if not np.isfinite(peak) or peak < SILENCE:
        raise GenerateError("The voice came out silent; try other text or another voice")
    return (samples * np.float32(10 ** (PEAK_DBFS / 20) / peak)).astype(np.float32)


def write_wav(path: Path, samples: np.ndarray) -> None:
    """48 kHz stereo 16-bit WAV, written beside the target and renamed, so no half file is left."""
    temp = path.with_name(f".{path.name}.part")
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
    try:
        with av.open(str(temp), "w", format="wav") as container:
            stream = container.add_stream("pcm_s16le", rate=RATE, layout="stereo")
            for start in range(0, len(pcm), RATE):
                block = np.ascontiguousarray(pcm[start : start + RATE].reshape(1, -1))
                frame = av.AudioFrame.from_ndarray(block, format="s16", layout="stereo")
                frame.sample_rate = RATE
                container.mux(stream.encode(frame))
            container.mux(stream.encode(None))
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise GenerateError(f"Cannot write {path.name}: {error.strerror or error}") from None


def finish(samples: np.ndarray, rate: int, path: Path) -> int:
    """Resample, normalize and write a take; returns its length in samples at 48 kHz."""
    out = normalize(to_stereo_48k(samples, rate))
    write_wav(path, out)
    return len(out)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A WAV's samples as float32 (n, channels) and its rate (espeak-ng writes 16-bit mono)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            rate = stream.sample_rate
            blocks = [f.to_ndarray() for f in container.decode(stream)]
    except (OSError, av.FFmpegError, IndexError) as error:
        raise GenerateError(f"The voice file {path.name} cannot be read: {error}") from None
    if not blocks:
        return np.zeros((0, 1), np.float32), rate
    data = np.concatenate(blocks, axis=1)  # planar (channels, n) or packed (1, n*channels)
    channels = stream.codec_context.channels or 1
    if data.shape[0] == 1 and channels > 1:
        data = data.reshape(-1, channels).T
    scale = 32768.0 if data.dtype == np.int16 else 1.0
    return (data.T.astype(np.float32) / np.float32(scale)), rate
