"""What a media file is: kind, duration, picture size as displayed, rate, rotation, sound.

Probing reads the container header, a bounded number of packets (to tell
variable from constant frame rate) and the first decoded frame (its display
matrix gives the rotation phone footage carries). It never reads a whole file,
and anything unreadable raises one `MediaError` naming the file.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from engine.errors import MediaError
from engine.project.mediapaths import file_problem, shown

#: Bounds that keep a probe of a huge or hostile file short.
OPEN_OPTIONS = {"probesize": "10000000", "analyzeduration": "10000000"}
OPEN_TIMEOUT = (10.0, 10.0)
VFR_SAMPLE_PACKETS = 240
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe"}
IMAGE_CODECS = {"png", "mjpeg", "webp", "bmp", "tiff"}


@dataclass(frozen=True)
class VideoInfo:
    width: int  # as displayed, after rotation
    height: int
    rate: Fraction  # average frame rate; exact for constant-rate footage
    rotation: int  # degrees counter-clockwise the decoded picture must turn to stand upright
    vfr: bool
    frames: int | None
    codec: str
    pixel_format: str
    bit_depth: int
    has_alpha: bool


@dataclass(frozen=True)
class AudioInfo:
    sample_rate: int
    channels: int
    codec: str


@dataclass(frozen=True)
class MediaInfo:
    path: str
    kind: str  # "video" | "audio" | "image"
    duration: Fraction | None  # seconds; None for a still image
    video: VideoInfo | None
    audio: AudioInfo | None

    def to_json(self) -> dict:
        """The shape `shotline probe --json` prints."""
        return {
            "path": self.path,
            "kind": self.kind,
            "duration_s": float(self.duration) if self.duration is not None else None,
            "video": None
            if self.video is None
            else {
                "width": self.video.width,
                "height": self.video.height,
                "rate": f"{self.video.rate.numerator}/{self.video.rate.denominator}",
                "rotation": self.video.rotation,
            },
            "audio": None
            if self.audio is None
            else {"sample_rate": self.audio.sample_rate, "channels": self.audio.channels},
        }


def open_container(path: str | os.PathLike[str]) -> av.container.InputContainer:
    """Open a media file for reading, turning every failure into a `MediaError`."""
    p = Path(path)
    problem = file_problem(p)  # a pipe or a device could block a read forever: refused by name
    if problem is not None:
        raise MediaError(f"{shown(p)} {problem}")
    if p.stat().st_size == 0:
        raise MediaError(f"{shown(p.name)} is empty")
    try:
        return av.open(str(p), options=OPEN_OPTIONS, timeout=OPEN_TIMEOUT)
    except av.FFmpegError as error:
        raise MediaError(
            f"{shown(p.name)} is not a media file Shotline can read ({error.strerror or error})"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise MediaError(f"{shown(p.name)} cannot be opened ({error})") from None


def media_origin(container: av.container.InputContainer) -> Fraction:
    """Seconds of the file's start: the earliest first timestamp of its picture and sound.

    Video frame times and audio sample numbers both count from here, so a file
    whose sound starts after its picture (or the other way round) keeps them in
    sync. Exact, from the streams' own time bases, not the rounded container value.
    """
    starts = [
        Fraction(stream.start_time) * stream.time_base
        for stream in (*container.streams.video[:1], *container.streams.audio[:1])
        if stream.start_time is not None and stream.time_base
    ]
    return min(starts, default=Fraction(0))


def rotation_of(frame: av.VideoFrame) -> int:
    """The frame's display rotation, snapped to a multiple of 90 degrees in [0, 360)."""
    return round((getattr(frame, "rotation", 0) or 0) / 90) * 90 % 360


def _duration(container: av.container.InputContainer, stream: av.stream.Stream) -> Fraction | None:
    if stream.duration and stream.time_base:
        return Fraction(stream.duration) * stream.time_base
    if container.duration:
        return Fraction(container.duration, av.time_base)
    return None


def _extent(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, rate: Fraction, vfr: bool
) -> tuple[int | None, Fraction | None]:
    """How many frames the picture has and how long it lasts, exactly.

    A container's duration is rounded (an MP4's edit list counts in
    milliseconds: 103 frames at 30 fps are "3.433 s", which times 30 is
    102.99), so seconds times rate is never truncated into a frame count.
    The count is the container's own (MP4 and MOV list every frame) and the
    duration that many frame periods; without a count (Matroska, WebM), the
    end is the last packet's timestamp plus its duration, read from the
    file's tail, and the count that end at the rate, rounded (a constant-rate
    picture then lasts exactly that many frame periods).
    """
    if stream.frames and not vfr:
        return stream.frames, Fraction(stream.frames) / rate
    end = _last_packet_end(container, stream)
    if end is None:
        duration = _duration(container, stream)
        return (stream.frames or (round(duration * rate) if duration else None)), duration
    frames = stream.frames or max(1, round(end * rate))  # Matroska counts milliseconds: round, never floor
    return frames, (end if vfr else Fraction(frames) / rate)


def _last_packet_end(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> Fraction | None:
    """Seconds from the stream's start to the end of its last frame, from the packets at the file's tail."""
    if not stream.time_base:
        return None
    start = stream.start_time or 0
    try:
        if stream.duration:
            container.seek(start + stream.duration, stream=stream, backward=True, any_frame=False)
        elif container.duration:
            container.seek(container.duration, backward=True, any_frame=False)
        else:
            return None
        end = None
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            finish = packet.pts + (packet.duration or 0)
            end = finish if end is None else max(end, finish)
    except (av.FFmpegError, OSError):
        return None
    if end is None or end <= start:
        return None
    return Fraction(end - start) * stream.time_base


def _sample(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, packets: int
) -> tuple[av.VideoFrame, bool]:
    """The first frame, and whether the frame rate varies, from one bounded pass over the packets.

    Frame-to-frame intervals that differ by more than a tick mean variable
    frame rate. Timestamps are collected from every packet, including those
    the decoder consumes before its first frame comes out (B-frame delay).
    """
    stamps: list[int] = []
    first: av.VideoFrame | None = None
    for packet in container.demux(stream):
        if packet.pts is not None:
            stamps.append(packet.pts)
        if first is None and packet.size:
            decoded = packet.decode()
            first = decoded[0] if decoded else None
        if first is not None and len(stamps) >= packets:
            break
    if first is None:
        flushed = stream.codec_context.decode(None)
        if not flushed:
            raise MediaError("the picture cannot be decoded")
        first = flushed[0]
    stamps.sort()
    deltas = {b - a for a, b in itertools.pairwise(stamps) if b > a}
    return first, len(deltas) > 1 and max(deltas) - min(deltas) > 1


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Describe a media file a user brings; `MediaError` when it cannot be read."""
    name = shown(Path(path).name)
    with open_container(path) as container:
        try:
            return _probe(container, str(Path(path).absolute()))
        except MediaError as error:
            raise MediaError(f"{name}: {error}") from None
        except (av.FFmpegError, OSError, ValueError, ZeroDivisionError) as error:
            raise MediaError(f"{name} is damaged ({error})") from None


def _probe(container: av.container.InputContainer, path: str) -> MediaInfo:
    video_stream = next(iter(container.streams.video), None)
    audio_stream = next(iter(container.streams.audio), None)
    if video_stream is None and audio_stream is None:
        raise MediaError("no picture or sound in it")
    audio = None
    if audio_stream is not None:
        ctx = audio_stream.codec_context
        if not ctx.sample_rate or not ctx.channels:
            raise MediaError("its sound has no sample rate or channels")
        audio = AudioInfo(int(ctx.sample_rate), int(ctx.channels), ctx.name)
    if video_stream is None:
        return MediaInfo(path, "audio", _duration(container, audio_stream), None, audio)

    ctx = video_stream.codec_context
    is_image = container.format.name in IMAGE_FORMATS or (
        ctx.name in IMAGE_CODECS and (video_stream.frames or 0) <= 1 and audio_stream is None
    )
    frame, vfr = _sample(container, video_stream, 1 if is_image else VFR_SAMPLE_PACKETS)
    rotation = rotation_of(frame)
    width, height = (frame.height, frame.width) if rotation in (90, 270) else (frame.width, frame.height)
    rate = video_stream.average_rate or video_stream.guessed_rate or video_stream.base_rate
    rate = Fraction(rate) if rate else Fraction(0)
    frames, duration = None, None
    if not is_image and rate:
        frames, duration = _extent(container, video_stream, rate, vfr)
    pix_fmt = frame.format.name
    video = VideoInfo(
        width=width,
        height=height,
        rate=rate,
        rotation=rotation,
        vfr=vfr,
        frames=frames,
        codec=ctx.name,
        pixel_format=pix_fmt,
        bit_depth=max((c.bits for c in frame.format.components), default=8),
        has_alpha=any(c.is_alpha for c in frame.format.components),
    )
    if is_image:
        return MediaInfo(path, "image", None, video, None)
    if not video.rate:
        raise MediaError("its picture has no frame rate")
    return MediaInfo(path, "video", duration, video, audio)
