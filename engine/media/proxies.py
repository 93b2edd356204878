"""Proxies: small all-intra copies of heavy footage that the viewer decodes in place of the original.

4K, 10-bit or HEVC phone footage costs more to decode than two cores can do
thirty times a second, and long-GOP files (a keyframe every second or two)
make every jump decode up to a whole GOP. A proxy is the same picture at 1/2
or 1/4 size in H.264 with every frame a keyframe (tuned for fast decoding),
so playback decodes a small frame and a jump decodes exactly one. Only the
viewer reads proxies: export always reads the originals.

Frame times are kept exactly: each proxy frame carries its source frame's
timestamp (shifted so the proxy starts at zero) in the source's own time
base, and the sidecar records where the original's first frame sits after
its origin, so `ProxyDecoder.frame_at(t)` shows the very frame the original
shows at t, variable frame rate included. The picture is stored upright
(phone rotation applied) in BT.709 limited range, the renderer's working
space.

Proxies live in the data folder, named by the original's file name, size
and modification time (not its folder), so a file relinked after a move
finds its proxy again and a changed file gets a new one. A proxy that is
missing, half-written or unreadable is simply not used (and made again);
it is never an error shown to the user. The video and its sidecar are each
written under a temporary name and renamed into place, sidecar last, so a
reader never takes a half-made proxy.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import ColorRange, Colorspace

from engine.atomic import write_atomically
from engine.errors import MediaError
from engine.media.probe import media_origin, open_container, probe, rotation_of
from engine.media.video import VideoDecoder
from engine.paths import data_dir

#: Sizes a proxy is made at: how much smaller than the original each side is.
DIVISORS = (2, 4)
#: The size setting's third choice: 1/4 of footage larger than HD, 1/2 of the rest, so a proxy is
#: about 960x540 (Premiere's default proxy is 1024x540): the 1/2 preview of an HD project.
AUTO = 0
SIZES = (AUTO, *DIVISORS)
DEFAULT_DIVISOR = AUTO
#: Footage larger than this (pixels per frame) gets a proxy.
HD_PIXELS = 1920 * 1080
#: A keyframe further apart than this many frames makes a jump decode too much: long-GOP.
LONG_GOP_FRAMES = 15
#: Packets read to find the keyframe interval (enough for two GOPs of a phone's 1-second GOP at 60 fps).
GOP_SAMPLE_PACKETS = 150
#: H.264 settings: every frame a keyframe, no CABAC or deblocking (fast to decode), quick to make.
ENCODER_OPTIONS = {"preset": "ultrafast", "tune": "fastdecode", "crf": "20", "g": "1", "keyint_min": "1"}
SUFFIX = ".proxy.mp4"
SIDECAR = ".proxy.json"


@dataclass(frozen=True)
class Proxy:
    """A finished proxy: its file, and where the original's first frame sits after its origin."""

    path: Path
    offset: Fraction
    divisor: int


def folder() -> Path:
    path = data_dir() / "proxies"
    path.mkdir(parents=True, exist_ok=True)
    return path


def auto_divisor(width: int, height: int) -> int:
    return 4 if width * height > HD_PIXELS else 2


def resolve(source: str | os.PathLike[str], size: int) -> int:
    """The divisor a size setting means for this file (AUTO looks at its picture size)."""
    if size != AUTO:
        return size
    facts = os.stat(source)
    return _auto_divisor_of(str(Path(source).absolute()), facts.st_size, facts.st_mtime_ns)


@functools.lru_cache(maxsize=512)
def _auto_divisor_of(path: str, size: int, modified_ns: int) -> int:
    """AUTO's divisor for one version of a file, probed once: the viewer opens a decoder at every
    cut, and probing 4K HEVC there (it decodes a few pictures) took 130 ms, a stall mid-playback."""
    video = probe(path).video
    return auto_divisor(video.width, video.height) if video is not None else 2


def _stem(source: Path, divisor: int) -> str:
    """The proxy's name for this version of `source` (file name, size and modification time)."""
    try:
        facts = os.stat(source)
    except OSError as error:
        raise MediaError(f"{source.name} cannot be read ({error.strerror or error})") from None
    digest = hashlib.sha1(f"{source.name}\0{facts.st_size}\0{facts.st_mtime_ns}".encode()).hexdigest()
    return f"{source.stem[:40]}-{digest[:16]}-{divisor}"


def proxy_files(source: str | os.PathLike[str], divisor: int) -> tuple[Path, Path]:
    """(video, sidecar) where the proxy of `source` at 1/`divisor` size is or would be."""
    stem = _stem(Path(source), divisor)
    base = folder()
    return base / f"{stem}{SUFFIX}", base / f"{stem}{SIDECAR}"


def existing(source: str | os.PathLike[str], divisor: int) -> Proxy | None:
    """The finished proxy of this version of `source`, or None (also when anything about it is off)."""
    try:
        divisor = resolve(source, divisor)
        video, sidecar = proxy_files(source, divisor)
        facts = json.loads(sidecar.read_text())
        if not video.is_file() or video.stat().st_size != facts["bytes"]:
            return None
        return Proxy(video, Fraction(facts["offset"]), divisor)
    except (OSError, ValueError, KeyError, TypeError, MediaError):
        return None


def keyframe_interval(path: str | os.PathLike[str], packets: int = GOP_SAMPLE_PACKETS) -> int | None:
    """The longest run of frames between keyframes among the first `packets`; None without picture."""
    with open_container(path) as container:
        if not container.streams.video:
            return None
        stream = container.streams.video[0]
        longest, since, seen = 0, None, 0
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                if packet.is_keyframe:
                    if since is not None:
                        longest = max(longest, since)
                    since = 0
                elif since is not None:
                    since += 1
                seen += 1
                if seen >= packets:
                    break
        except av.FFmpegError:
            pass
        if since is not None:
            longest = max(longest, since + (0 if seen < packets else 1))
        return longest


def reason(path: str | os.PathLike[str]) -> str | None:
    """Why this file is worth a proxy (words for the Proxies dialog), or None when it plays as it is."""
    info = probe(path)
    video = info.video
    if video is None or info.kind != "video":
        return None
    if video.width * video.height > HD_PIXELS:
        return f"{video.width}x{video.height}"
    if video.bit_depth > 8:
        return f"{video.bit_depth}-bit"
    if video.codec in ("hevc", "h265", "av1", "vp9", "prores"):
        return video.codec.upper()
    gop = keyframe_interval(path)
    if gop is not None and gop > LONG_GOP_FRAMES:
        return f"long-GOP ({gop + 1} frames)"
    return None


def proxy_size(width: int, height: int, divisor: int) -> tuple[int, int]:
    """The proxy's displayed size: 1/`divisor` of the original's, even (as 4:2:0 needs)."""
    return max(2, width // divisor // 2 * 2), max(2, height // divisor // 2 * 2)


def make(source: str | os.PathLike[str], divisor: int = DEFAULT_DIVISOR) -> Proxy:
    """Write the proxy of `source` (replacing any old one); MediaError when the original cannot be read."""
    divisor = resolve(source, divisor)
    if divisor not in DIVISORS:
        raise MediaError(f"A proxy is 1/{' or 1/'.join(map(str, DIVISORS))} of the original's size")
    source = Path(source)
    video_path, sidecar = proxy_files(source, divisor)
    handle, temp_name = tempfile.mkstemp(prefix=f".{video_path.stem}.", suffix=".mp4", dir=video_path.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        offset = _encode(source, temp, divisor)
        os.replace(temp, video_path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    facts = {
        "source": source.name,
        "offset": str(offset),
        "divisor": divisor,
        "bytes": video_path.stat().st_size,
    }
    write_atomically(sidecar, json.dumps(facts).encode())
    return Proxy(video_path, offset, divisor)


def ensure(source: str | os.PathLike[str], divisor: int = DEFAULT_DIVISOR) -> Proxy:
    """The proxy of `source`, made now if there is none yet."""
    return existing(source, divisor) or make(source, divisor)


def _encode(source: Path, target: Path, divisor: int) -> Fraction:
    """Encode the upright, scaled picture of `source` into `target`; the original's first-frame offset."""
    with open_container(source) as container, av.open(str(target), "w", format="mp4") as out:
        if not container.streams.video:
            raise MediaError(f"{source.name} has no picture")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        time_base = Fraction(stream.time_base)
        origin = media_origin(container)
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        encoder = None
        first_pts = last_pts = None
        try:
            for frame in container.decode(stream):
                if frame.pts is None or (last_pts is not None and frame.pts <= last_pts):
                    continue
                if encoder is None:
                    rotation = rotation_of(frame)
                    shown = (
                        (frame.height, frame.width) if rotation in (90, 270) else (frame.width, frame.height)
                    )
                    size = proxy_size(*shown, divisor)
                    encoder = out.add_stream("libx264", rate=rate)
                    encoder.width, encoder.height = size
                    encoder.pix_fmt = "yuv420p"
                    encoder.time_base = time_base
                    encoder.codec_context.time_base = time_base
                    encoder.options = dict(ENCODER_OPTIONS)
                    _tag_bt709(encoder)
                    first_pts = frame.pts
                picture = _upright_yuv(frame, rotation, size)
                picture.pts = frame.pts - first_pts
                picture.time_base = time_base
                out.mux(encoder.encode(picture))
                last_pts = frame.pts
        except av.FFmpegError as error:
            raise MediaError(f"{source.name} cannot be decoded for a proxy ({error})") from None
        if encoder is None:
            raise MediaError(f"{source.name}: the picture cannot be decoded")
        out.mux(encoder.encode())
    return first_pts * time_base - origin


def _upright_yuv(frame: av.VideoFrame, rotation: int, size: tuple[int, int]) -> av.VideoFrame:
    """The frame scaled to `size` (as displayed) in BT.709 limited-range 4:2:0, turned upright.

    The renderer's working space (engine.render.picture), so a proxy frame
    goes through the compositor exactly as an original's would; scaling and
    the 10-bit to 8-bit conversion are one swscale pass.
    """
    coded = (size[1], size[0]) if rotation in (90, 270) else size
    full = frame.format.name.startswith(("rgb", "bgr", "gbr", "yuvj", "gray"))
    full = full or int(frame.color_range) == int(ColorRange.JPEG)
    scaled = frame.reformat(
        width=coded[0],
        height=coded[1],
        format="yuv420p",
        interpolation="BICUBIC",
        src_colorspace=Colorspace.ITU709,
        dst_colorspace=Colorspace.ITU709,
        src_color_range=ColorRange.JPEG if full else ColorRange.MPEG,
        dst_color_range=ColorRange.MPEG,
    )
    if not rotation:
        return scaled
    width, height = coded
    flat = scaled.to_ndarray().reshape(-1)
    luma, chroma = width * height, (width // 2) * (height // 2)
    planes = (
        flat[:luma].reshape(height, width),
        flat[luma : luma + chroma].reshape(height // 2, width // 2),
        flat[luma + chroma :].reshape(height // 2, width // 2),
    )
    turned = [np.rot90(plane, rotation // 90).reshape(-1) for plane in planes]
    return av.VideoFrame.from_ndarray(
        np.concatenate(turned).reshape(size[1] * 3 // 2, size[0]), format="yuv420p"
    )


def _tag_bt709(stream: av.VideoStream) -> None:
    """BT.709 limited range, as engine.render.picture.tag_bt709 tags what it writes."""
    context = stream.codec_context
    context.colorspace = int(Colorspace.ITU709)
    context.color_range = int(ColorRange.MPEG)
    context.color_primaries = 1
    context.color_trc = 1


class ProxyDecoder(VideoDecoder):
    """Frames of a proxy by the original's source time (the same frame the original shows).

    Every frame is a keyframe, so a jump of more than a few frames seeks straight to it rather
    than decoding every frame on the way (a viewer that fell behind catches up at once).
    """

    forward_limit = Fraction(1, 10)

    def __init__(self, proxy: Proxy) -> None:
        super().__init__(proxy.path)
        self.proxy = proxy

    def frame_at(self, seconds: Fraction) -> av.VideoFrame:
        return super().frame_at(Fraction(seconds) - self.proxy.offset)


def open_video(
    source: str | os.PathLike[str], divisor: int | None, recent_megabytes: float = 0
) -> VideoDecoder:
    """A decoder of `source` that reads its proxy when there is a good one (`divisor` None: never);
    the original keeps `recent_megabytes` of frames just decoded for scrubbing back (a proxy, all
    keyframes, needs none)."""
    if divisor is not None:
        proxy = existing(source, divisor)
        if proxy is not None:
            try:
                return ProxyDecoder(proxy)
            except MediaError:  # damaged since it was made: forget it, the original plays
                remove(proxy.path)
    return VideoDecoder(source, recent_megabytes)


def remove(video: Path) -> None:
    for path in (video, video.with_name(video.name.removesuffix(SUFFIX) + SIDECAR)):
        with contextlib.suppress(OSError):
            path.unlink()


def disk_use() -> tuple[int, int]:
    """(proxies, bytes) in the proxy folder."""
    count = total = 0
    for path in folder().iterdir():
        with contextlib.suppress(OSError):
            total += path.stat().st_size
            count += path.name.endswith(SUFFIX)
    return count, total


def clear() -> int:
    """Delete every proxy (they are made again when needed); the bytes freed."""
    freed = 0
    for path in folder().iterdir():
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            path.unlink()
            freed += size
    return freed
