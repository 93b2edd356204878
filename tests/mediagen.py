"""Test media made on the fly: every frame shows its own index, every source its own tone.

The index is drawn as a row of 16 black/white blocks (a binary number) that
survives lossy H.264, so a test can decode any frame of an export and say
exactly which source frame it is. The rest of the frame is a flat colour per
source, and the audio a sine tone per source, so cuts can be checked too.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

BITS = 16


def index_frame(index: int, size: tuple[int, int], color: tuple[int, int, int]) -> np.ndarray:
    """An RGB frame of `size` (w, h) in `color` with `index` as 16 blocks along the top."""
    width, height = size
    image = np.empty((height, width, 3), np.uint8)
    image[:] = color
    block = width // BITS
    for bit in range(BITS):
        on = (index >> (BITS - 1 - bit)) & 1
        image[: height // 4, bit * block : (bit + 1) * block] = 255 if on else 0
    return image


def read_index(image: np.ndarray) -> int:
    """The index drawn by `index_frame` (image upright, any size with the same layout)."""
    height, width = image.shape[:2]
    block = width // BITS
    row = height // 8
    value = 0
    for bit in range(BITS):
        centre = image[row, bit * block + block // 2].mean()
        value = (value << 1) | int(centre > 127)
    return value


def tone(seconds: float, hz: float, rate: int = 48000, channels: int = 2) -> np.ndarray:
    """A sine tone as planar float32 (channels, samples) at 0.25 amplitude."""
    t = np.arange(round(seconds * rate)) / rate
    wave = (0.25 * np.sin(2 * np.pi * hz * t)).astype(np.float32)
    return np.repeat(wave[None, :], channels, axis=0)


def write_video(
    path: Path,
    frames: int = 30,
    rate: Fraction = Fraction(30),
    size: tuple[int, int] = (160, 120),
    color: tuple[int, int, int] = (40, 90, 160),
    codec: str = "libx264",
    pix_fmt: str = "yuv420p",
    rotation: int = 0,
    pts: list[int] | None = None,
    time_base: Fraction | None = None,
    tone_hz: float | None = None,
    container_format: str | None = None,
    gop: int | None = None,
) -> Path:
    """A video whose frame i shows index i; optional rotation, VFR timestamps, a tone, a GOP length."""
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = pix_fmt
        if codec in ("libx264", "libx265"):
            stream.options = {"crf": "18", "preset": "ultrafast", **({"g": str(gop)} if gop else {})}
        if time_base is not None:
            stream.time_base = time_base
            stream.codec_context.time_base = time_base
        if rotation:
            stream.set_display_rotation(rotation)
        sound = out.add_stream("aac", rate=48000, layout="stereo") if tone_hz else None
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(index_frame(i, size, color), format="rgb24")
            frame.pts = pts[i] if pts is not None else i
            if time_base is not None:
                frame.time_base = time_base
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if sound is not None:
            write_samples(out, sound, tone(frames / rate, tone_hz))
    return path


def write_samples(out: av.container.OutputContainer, stream: av.AudioStream, audio: np.ndarray) -> None:
    block = 1024
    layout = "stereo" if audio.shape[0] == 2 else "mono"
    for start in range(0, audio.shape[1], block):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(audio[:, start : start + block]), format="fltp", layout=layout
        )
        frame.sample_rate = stream.rate
        frame.pts = start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def write_audio(
    path: Path,
    seconds: float = 1.0,
    hz: float = 440.0,
    codec: str = "pcm_s16le",
    rate: int = 48000,
    channels: int = 2,
) -> Path:
    """An audio-only file with a tone (WAV, MP3, AAC, Opus, FLAC by codec and suffix)."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout="stereo" if channels == 2 else "mono")
        audio = tone(seconds, hz, rate, channels)
        if codec == "pcm_s16le":
            block = 1024
            for start in range(0, audio.shape[1], block):
                chunk = (audio[:, start : start + block].T * 32767).astype(np.int16).reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout=stream.layout.name)
                frame.sample_rate = rate
                frame.pts = start
                out.mux(stream.encode(frame))
            out.mux(stream.encode())
        else:
            write_samples(out, stream, audio)
    return path


def write_image(path: Path, size: tuple[int, int] = (64, 48), alpha: bool = False) -> Path:
    """A PNG (with alpha if asked) or JPEG still."""
    width, height = size
    rgb = np.zeros((height, width, 4 if alpha else 3), np.uint8)
    rgb[..., 0] = 200
    if alpha:
        rgb[..., 3] = 128
    codec = "png" if path.suffix == ".png" else "mjpeg"
    with av.open(str(path), "w", format="image2") as out:
        stream = out.add_stream(codec, rate=1)
        stream.width, stream.height = width, height
        stream.pix_fmt = ("rgba" if alpha else "rgb24") if codec == "png" else "yuvj420p"
        frame = av.VideoFrame.from_ndarray(rgb, format="rgba" if alpha else "rgb24")
        out.mux(stream.encode(frame.reformat(format=stream.pix_fmt)))
        out.mux(stream.encode())
    return path
