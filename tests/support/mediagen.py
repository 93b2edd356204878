"""Test media made on the fly: every frame shows its own index, every source its own tone.

The index is drawn as a row of 16 black/white blocks (a binary number) that
survives lossy H.264, so a test can decode any frame of an export and say
exactly which source frame it is. The rest of the frame is a flat colour per
source, and the audio a sine tone per source, so cuts can be checked too.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from engine.render.picture import frame_from_rgb, tag_bt709

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
    audio_start: Fraction = Fraction(0),
    timecode: str | None = None,
) -> Path:
    """A video whose frame i shows index i; optional rotation, VFR timestamps, a GOP length, and
    a tone (as long as the picture, starting `audio_start` seconds after it); a `timecode`
    (``"01:00:00:00"``) is written as the start timecode cameras record (a QuickTime tmcd track).

    `size` is the coded size; with a rotation the index reads upright once the rotation is applied.
    """
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.width, stream.height = size
        stream.pix_fmt = pix_fmt
        if codec in ("libx264", "libx265"):
            stream.options = {"crf": "18", "preset": "ultrafast", **({"g": str(gop)} if gop else {})}
            if codec == "libx265":
                stream.options["x265-params"] = "log-level=error"
        if pix_fmt == "yuv420p":
            tag_bt709(stream)
        if time_base is not None:
            stream.time_base = time_base
            stream.codec_context.time_base = time_base
        if rotation:
            stream.set_display_rotation(rotation)
        if timecode:
            stream.metadata["timecode"] = timecode
        sound = out.add_stream("aac", rate=48000, layout="stereo") if tone_hz else None
        shown = (size[1], size[0]) if rotation in (90, 270) else size  # as displayed, upright
        for i in range(frames):
            picture = index_frame(i, shown, color)
            if rotation:  # drawn as the phone saw it, stored turned back as the sensor wrote it
                picture = np.ascontiguousarray(np.rot90(picture, -(rotation // 90)))
            frame = (
                frame_from_rgb(picture)
                if pix_fmt == "yuv420p"
                else av.VideoFrame.from_ndarray(picture, format="rgb24")
            )
            frame.pts = pts[i] if pts is not None else i
            if time_base is not None:
                frame.time_base = time_base
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if sound is not None:
            write_samples(out, sound, tone(frames / rate, tone_hz), first_pts=round(audio_start * 48000))
    return path


#: A signal: (first sample, count) -> planar float32 (channels, count). Generated block by
#: block, so a ten-minute file never sits in memory whole.
Signal = Callable[[int, int], np.ndarray]
LAYOUTS = {1: "mono", 2: "stereo", 6: "5.1"}


def tone_signal(hz: float, rate: int = 48000, channels: int = 2, amplitude: float = 0.25) -> Signal:
    """A sine tone, continuous across blocks (its phase is computed from the sample number)."""

    def block(first: int, count: int) -> np.ndarray:
        t = (first + np.arange(count)) / rate
        wave = (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)
        return np.repeat(wave[None, :], channels, axis=0)

    return block


def click_signal(clicks: list[int], channels: int = 2, level: float = 0.9) -> Signal:
    """Silence with a one-sample click at each listed sample number: markers to find after decoding."""

    def block(first: int, count: int) -> np.ndarray:
        out = np.zeros((channels, count), np.float32)
        for click in clicks:
            if first <= click < first + count:
                out[:, click - first] = level
        return out

    return block


def write_samples(
    out: av.container.OutputContainer,
    stream: av.AudioStream,
    audio: np.ndarray | Signal,
    total: int | None = None,
    first_pts: int = 0,
) -> None:
    """Encode planar float32 sound (an array, or a Signal of `total` samples) into `stream`.

    `first_pts` (in samples) makes the sound start late in the file, as some cameras write it.
    """
    block = 1024 if stream.codec_context.frame_size else 48000
    channels = stream.layout.nb_channels
    total = audio.shape[1] if isinstance(audio, np.ndarray) else total
    for start in range(0, total, block):
        count = min(block, total - start)
        chunk = audio[:, start : start + count] if isinstance(audio, np.ndarray) else audio(start, count)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(chunk, np.float32), format="fltp", layout=LAYOUTS[channels]
        )
        frame.sample_rate = stream.rate
        frame.pts = first_pts + start
        frame.time_base = Fraction(1, stream.rate)
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def write_audio(
    path: Path,
    seconds: float = 1.0,
    hz: float = 440.0,
    codec: str = "pcm_s16le",
    rate: int = 48000,
    channels: int = 2,
    signal: Signal | None = None,
) -> Path:
    """An audio-only file (WAV, MP3, AAC, Opus, FLAC by codec and suffix) of a tone or any Signal."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=LAYOUTS[channels])
        total = round(seconds * rate)
        write_samples(out, stream, signal or tone_signal(hz, rate, channels), total)
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
