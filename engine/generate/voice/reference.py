"""A voice to clone: a short recording the user imports for a Cast member, made ready once.

Voice-cloning TTS (Chatterbox) speaks in the voice of a few seconds of
clean speech. Whatever the user has (a phone's m4a, a camera's WAV, an
interview's MP4) is decoded with PyAV, mixed to mono, resampled to 24 kHz,
trimmed to the first MAX_SECONDS, and written as a WAV named by its content
in a folder beside the project (not in the generation cache, which the user
may clean). A recording too short to carry a voice is refused with what to
do. The same recording imported twice is the same file.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import av
import numpy as np

from engine.errors import GenerateError

RATE = 24000
MIN_SECONDS, MAX_SECONDS = 3.0, 30.0
#: Quieter than this (peak) is not speech.
SILENT = 1e-3
FOLDER = "shotline-voices"


def voices_folder(project: str | os.PathLike[str] | None) -> Path:
    """Where imported voice recordings are kept: beside the project, or in the user's data folder."""
    if project:
        return Path(project).absolute().parent / FOLDER
    from engine.paths import data_dir

    return data_dir() / "voices"


def import_recording(source: str | os.PathLike[str], folder: Path) -> Path:
    """The recording at `source` as a 24 kHz mono WAV in `folder`; GenerateError if it cannot be one."""
    samples = _decode(Path(source))
    seconds = len(samples) / RATE
    if seconds < MIN_SECONDS:
        raise GenerateError(
            f"{Path(source).name} is {seconds:.1f} s long: record at least {MIN_SECONDS:g} s of speech"
        )
    samples = samples[: int(MAX_SECONDS * RATE)]
    if float(np.max(np.abs(samples))) < SILENT:
        raise GenerateError(f"{Path(source).name} is silent: record the voice again")
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype(np.int16)
    digest = hashlib.sha256(pcm.tobytes()).hexdigest()[:16]
    target = folder / f"{Path(source).stem[:40]}-{digest}.wav"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    try:
        with av.open(str(temp), "w", format="wav") as out:
            stream = out.add_stream("pcm_s16le", rate=RATE, layout="mono")
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = RATE
            for packet in stream.encode(frame):
                out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
        temp.replace(target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise GenerateError(f"Cannot write {target}: {error.strerror or error}") from None
    return target


def _decode(path: Path) -> np.ndarray:
    """Float mono samples at RATE of the file's first audio stream."""
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise GenerateError(f"{path.name} has no sound to take a voice from")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            pieces = []
            for frame in container.decode(container.streams.audio[0]):
                pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
                if sum(len(p) for p in pieces) > (MAX_SECONDS + 1) * RATE:
                    break
            pieces.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    except (OSError, av.error.FFmpegError) as error:
        raise GenerateError(f"{path.name} cannot be read as sound: {error}") from None
    return np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, np.float32)
