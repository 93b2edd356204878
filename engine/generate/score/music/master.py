"""The last step of every score render: exact length, fades, a safe peak, a 48 kHz WAV.

Whatever made the audio (FluidSynth, the numpy synth, a diffusion model),
the file that reaches the timeline is the same shape: 48 kHz stereo, exactly
the samples the range lasts, a short fade at each end so it never clicks,
the peak at PEAK (below -1 dBFS, so never clipped, even after a lossy
export), written as 24-bit PCM to a temp file and renamed into place.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from engine.errors import GenerateError

RATE = 48_000
PEAK = 10 ** (-1.5 / 20)  # -1.5 dBFS
FADE_IN = 0.01  # seconds: no click, and the first downbeat survives
FADE_OUT = 0.5


def master(
    audio: np.ndarray, samples: int, fade_in: float = FADE_IN, fade_out: float = FADE_OUT
) -> np.ndarray:
    """`audio` (n, 2) -> exactly (samples, 2) float32, faded and normalized to PEAK."""
    audio = np.asarray(audio, np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    out = np.zeros((samples, 2), np.float32)
    n = min(samples, len(audio))
    out[:n] = audio[:n, :2]
    out -= out.mean(axis=0)  # no DC offset
    fin = min(samples // 4, round(fade_in * RATE))
    fout = min(samples // 3, round(fade_out * RATE))
    if fin:
        out[:fin] *= np.linspace(0.0, 1.0, fin, dtype=np.float32)[:, None]
    if fout:
        out[samples - fout :] *= np.linspace(1.0, 0.0, fout, dtype=np.float32)[:, None] ** 2
    peak = float(np.abs(out).max()) if samples else 0.0
    if not np.isfinite(peak) or peak < 1e-6:
        raise GenerateError("The score came out silent")
    return out * (PEAK / peak)


def write_wav(path: Path, audio: np.ndarray) -> Path:
    """24-bit PCM stereo at 48 kHz, through a temp file."""
    # the scale read_wav divides by, so a cue read and written again is the same samples
    ints = np.clip(np.round(audio.astype(np.float64) * 8_388_608), -8_388_608, 8_388_607).astype("<i4")
    frames = ints.reshape(-1).view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    temp = path.with_name(f".{path.name}.part")
    try:
        with wave.open(str(temp), "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(3)
            out.setframerate(RATE)
            out.writeframes(frames)
        temp.replace(path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise GenerateError(f"Cannot write {path}: {error.strerror or error}") from None
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """(samples, channels) float32 and the rate, for 16- and 24-bit PCM WAVs (tests, takes)."""
    with wave.open(str(path), "rb") as source:
        width, channels, rate = source.getsampwidth(), source.getnchannels(), source.getframerate()
        raw = source.readframes(source.getnframes())
    if width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        padded = np.zeros((len(bytes3), 4), np.uint8)
        padded[:, 1:] = bytes3
        data = padded.view("<i4").reshape(-1).astype(np.float32) / 2**31
    elif width == 2:
        data = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    else:
        raise GenerateError(f"{path.name}: {8 * width}-bit WAV is not supported")
    return data.reshape(-1, channels), rate
