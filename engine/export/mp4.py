"""Writing the timeline to an MP4 (H.264 + AAC), frame-exact, with progress, ETA and cancel.

Output frame n is the renderer's picture at n / rate, handed to libx264
as the same YUV pixels the viewer shows; the sound is the renderer's mix,
the same number of samples as the picture lasts, starting at time 0.

Nothing is written at the destination until the export is complete: it is
encoded into a temporary file beside it and renamed over it at the end, so
a cancel, a full disk or a broken source leaves whatever was there before
(or nothing) and never a half-written file.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import math
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio

from engine.atomic import holding, remove_stale
from engine.errors import ExportCancelled, ExportError, MediaError
from engine.export import captions
from engine.export.presets import ExportSettings
from engine.media.mp4 import exact_mp4_options
from engine.project import document, titles, trackedit
from engine.project.document import AUDIO_SAMPLE_RATE
from engine.project.mediapaths import shown, special_kind
from engine.project.placeholders import is_placeholder
from engine.project.times import rate_fraction
from engine.project.tracks import audible_tracks, visible_video_tracks
from engine.render.audio import mix_audio
from engine.render.loudness import LoudnessMeter
from engine.render.picture import tag_bt709
from engine.render.sources import media_path
from engine.render.video import Renderer

#: AAC codes 1024 samples per frame; feeding it whole frames keeps every timestamp exact.
AAC_FRAME = 1024
#: Sound is mixed this many samples ahead of the picture, so the mixer works in big blocks.
AUDIO_BLOCK = AUDIO_SAMPLE_RATE // 2


@dataclass(frozen=True)
class Progress:
    done: int  # frames written
    total: int
    elapsed: float  # seconds
    eta: float | None  # seconds left, once there is a rate to go by

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


@dataclass(frozen=True)
class ExportResult:
    path: Path
    frames: int
    rate: Fraction
    size: tuple[int, int]
    audio_samples: int
    seconds: float  # wall time the export took
    loudness: float = -math.inf  # integrated loudness (LUFS, EBU R128); -inf: silent
    sample_rate: int = AUDIO_SAMPLE_RATE


def timeline_frames(timeline: otio.schema.Timeline) -> int:
    """The timeline's length in project frames: the end of its longest track with anything audible
    or visible on it (trailing gaps do not count)."""
    rate = document.settings(timeline).rate
    ends = [0]
    for track in (*visible_video_tracks(timeline), *audible_tracks(timeline)):
        clips = [
            s
            for s in trackedit.layout(track, rate)
            if isinstance(s.item, otio.schema.Clip | otio.schema.Stack)
        ]
        if clips:
            ends.append(clips[-1].end)
    return max(ends)


def check_sources(timeline: otio.schema.Timeline) -> None:
    """Every file the export will read exists, or one error that lists the missing ones."""
    missing: list[str] = []
    for track in (*visible_video_tracks(timeline), *audible_tracks(timeline)):
        for clip in track.find_clips():  # nested sequences included
            if not clip.enabled or titles.is_title(clip) or is_placeholder(clip):  # drawn: no file
                continue
            try:
                media_path(clip)
            except MediaError as error:
                missing.append(str(error))
    if missing:
        more = f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""
        raise ExportError("Cannot export: " + "; ".join(missing[:3]) + more)


def _is_cancelled(cancel: threading.Event | Callable[[], bool] | None) -> bool:
    if cancel is None:
        return False
    return cancel.is_set() if isinstance(cancel, threading.Event) else bool(cancel())


def destination(output: str | os.PathLike[str]) -> Path:
    """The file an export to `output` writes: the path itself, or the file a symbolic link there names.

    A link stays a link (its target gets the film); anything at the
    destination that is not a regular file (a device such as /dev/null, a
    named pipe, a folder) is refused in one line and never replaced.
    """
    target = Path(output).absolute()
    try:
        real = Path(os.path.realpath(target)) if os.path.islink(target) else target
        os.stat(real)
    except (FileNotFoundError, NotADirectoryError):
        pass  # nothing there yet; a missing folder is said below
    except (OSError, ValueError) as error:  # a name too long for the file system, a NUL in it
        reason = getattr(error, "strerror", None) or str(error)
        raise ExportError(f"Cannot export to {shown(target)}: {reason}") from None
    kind = special_kind(real)
    if kind is not None:
        via = f" (a link to {shown(real)})" if real != target else ""
        raise ExportError(f"Cannot export to {shown(target)}{via}: it is {kind}, not a file to write")
    if not real.parent.is_dir():
        raise ExportError(f"Cannot export to {shown(target)}: the folder {shown(real.parent)} does not exist")
    return real


def _temp_beside(target: Path) -> Path:
    folder = target.parent
    remove_stale(partial_files(target))  # what an export killed earlier left
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".part.mp4", dir=folder)
    except OSError as error:
        raise ExportError(f"Cannot write to {shown(folder)}: {error.strerror or error}") from None
    os.close(handle)
    # mkstemp makes the file private; an export gets the permissions any new file would
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)
    return Path(name)


def partial_files(output: str | os.PathLike[str]) -> list[Path]:
    """Temporary files an export to `output` may have left behind if its process was killed."""
    target = Path(output)
    try:
        return sorted(target.parent.glob(f".{glob.escape(target.stem)}.*.part.mp4"))
    except OSError:
        return []


def _sync(path: Path) -> None:
    """Make the finished file durable before it replaces anything at the destination."""
    with open(path, "rb") as finished:
        os.fsync(finished.fileno())


def _write_error(target: Path, error: BaseException) -> ExportError:
    code = getattr(error, "errno", None)
    if code == errno.ENOSPC:
        return ExportError(f"Cannot export to {target}: the disk is full")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return ExportError(f"Cannot export to {target}: not allowed to write there")
    reason = getattr(error, "strerror", None) or str(error)
    return ExportError(f"Cannot export to {target}: {reason}")


def export_mp4(
    timeline: otio.schema.Timeline,
    output: str | os.PathLike[str],
    settings: ExportSettings | None = None,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | Callable[[], bool] | None = None,
    renderer: Renderer | None = None,
    span: tuple[int, int] | None = None,
) -> ExportResult:
    """Encode the whole timeline (or project frames [start, end) of it: `span`, the In/Out range)
    to `output`; ExportError (nothing written) on any failure."""
    settings = (settings or ExportSettings()).check()
    requested = Path(output).absolute()
    target = destination(requested)
    project = document.settings(timeline)
    size = (settings.width or project.width, settings.height or project.height)
    project_rate = rate_fraction(project.rate)
    rate = settings.rate or project_rate
    length = timeline_frames(timeline)
    if length == 0:
        raise ExportError("The timeline is empty: there is nothing to export")
    first = 0
    if span is not None:
        first, end = span
        if not 0 <= first < end:
            raise ExportError("The In/Out range is empty: set In before Out")
        length = end - first
    total = length if rate == project_rate else math.ceil(Fraction(length) / project_rate * rate)
    check_sources(timeline)
    temp = _temp_beside(target)
    started = time.monotonic()
    own_renderer = renderer is None
    renderer = renderer or Renderer(cache_megabytes=0)  # an export never looks back
    try:
        with holding(temp):  # so no other export's clean-up takes it for a leftover
            samples, loudness = _encode(
                timeline, temp, settings, size, rate, total, renderer, progress, cancel, started, first
            )
            _sync(temp)
            os.replace(temp, target)
    except ExportCancelled:
        raise
    except MediaError as error:
        raise ExportError(f"Export stopped: {error}") from None
    except (OSError, av.FFmpegError) as error:
        raise _write_error(target, error) from None
    finally:
        if own_renderer:
            renderer.close()
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    took = time.monotonic() - started
    return ExportResult(requested, total, rate, size, samples, took, loudness, project.sample_rate)


def _encode(
    timeline: otio.schema.Timeline,
    path: Path,
    settings: ExportSettings,
    size: tuple[int, int],
    rate: Fraction,
    total: int,
    renderer: Renderer,
    progress: Callable[[Progress], None] | None,
    cancel: threading.Event | Callable[[], bool] | None,
    started: float,
    first: int = 0,
) -> tuple[int, float]:
    """Write the file; (samples of sound written, its integrated loudness in LUFS)."""
    project = document.settings(timeline)
    project_rate = rate_fraction(project.rate)
    out_rate = project.sample_rate
    total_samples = round(Fraction(total) * AUDIO_SAMPLE_RATE / rate)
    out_samples = round(Fraction(total) * out_rate / rate)
    first_sample = round(Fraction(first) * AUDIO_SAMPLE_RATE / project_rate)
    # faststart puts the index first, so a web player can start before the whole file arrives
    options = {"movflags": "+faststart", **exact_mp4_options(rate, out_rate)}
    with av.open(str(path), "w", format="mp4", options=options) as container:
        video = container.add_stream("libx264", rate=rate)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.time_base = 1 / rate
        video.codec_context.time_base = 1 / rate
        video.options = {"crf": str(settings.crf), "preset": settings.x264_preset}
        # PyAV asks for slice threads, which libx264 turns into its slower sliced mode;
        # frame threads (what the ffmpeg command line uses) keep every core busy
        video.codec_context.thread_type = "FRAME"
        video.codec_context.thread_count = 0
        tag_bt709(video)
        sound = container.add_stream("aac", rate=out_rate, layout="stereo")
        sound.bit_rate = settings.audio_bitrate
        feeder = _AudioFeeder(timeline, renderer, sound, container, total_samples, first_sample, out_samples)
        span = (first, first + math.ceil(Fraction(total) * project_rate / rate))  # in project frames
        words = captions.for_export(timeline, settings.captions, container, span)  # muxed or burned
        for n in range(total):
            if _is_cancelled(cancel):
                raise ExportCancelled("Export cancelled")
            frame_number = first + (
                n if rate == project_rate else math.floor(Fraction(n) * project_rate / rate)
            )
            picture = words.picture(
                frame_number, renderer.picture(timeline, frame_number, size, settings.fit)
            )
            frame = picture.to_frame()
            # the frame may be the decoder's own (a shot passing through untouched), which the
            # renderer shows again for a held frame: lend it our timestamp, then give its own back
            own = frame.pts, frame.time_base
            frame.pts = n
            frame.time_base = 1 / rate  # the codec's; the muxer changes the stream's once writing starts
            try:
                container.mux(video.encode(frame))
            finally:
                frame.pts = own[0]
                if own[1] is not None:
                    frame.time_base = own[1]
            feeder.feed_until(round(Fraction(n + 1) * AUDIO_SAMPLE_RATE / rate))
            if progress is not None:
                elapsed = time.monotonic() - started
                eta = elapsed / (n + 1) * (total - n - 1)
                progress(Progress(n + 1, total, elapsed, eta))
        container.mux(video.encode())
        feeder.finish()
        words.finish()
    return out_samples, feeder.loudness.integrated()


class _AudioFeeder:
    """Mixes the timeline's sound in blocks and hands it to the AAC encoder in whole AAC frames,
    timestamped by sample number from 0, interleaved with the picture as it is written.

    The mix is always at AUDIO_SAMPLE_RATE; a project that exports at another
    sample rate (44.1 kHz) is resampled here, and the count made exact at the
    end. The loudness meter hears the mix as it goes (EBU R128 for the export)."""

    def __init__(
        self,
        timeline: otio.schema.Timeline,
        renderer: Renderer,
        stream: av.AudioStream,
        container: av.container.OutputContainer,
        total: int,
        first: int = 0,
        out_total: int | None = None,
    ) -> None:
        self._timeline, self._renderer = timeline, renderer
        self._stream, self._container = stream, container
        self._total = total
        self._first = first  # the timeline sample the export starts at
        self._out_total = total if out_total is None else out_total
        self._out_rate = stream.rate
        self._resampler = (
            av.AudioResampler(format="flt", layout="stereo", rate=self._out_rate)
            if self._out_rate != AUDIO_SAMPLE_RATE
            else None
        )
        self._mixed = 0  # samples mixed so far
        self._sent = 0  # samples handed to the encoder so far
        self._pending = np.zeros((0, 2), np.float32)
        self.loudness = LoudnessMeter(AUDIO_SAMPLE_RATE)

    def feed_until(self, sample: int) -> None:
        """Mix up to output sample `sample` and send every whole AAC frame of it."""
        sample = min(sample, self._total)
        while self._mixed < sample:
            count = min(AUDIO_BLOCK, self._total - self._mixed)
            block = mix_audio(self._timeline, self._first + self._mixed, count, self._renderer.sources)
            self.loudness.add(block)
            self._pending = np.concatenate([self._pending, self._resampled(block)])
            self._mixed += count
        while len(self._pending) >= AAC_FRAME:
            self._send(self._pending[:AAC_FRAME])
            self._pending = self._pending[AAC_FRAME:]

    def _resampled(self, block: np.ndarray | None) -> np.ndarray:
        if self._resampler is None:
            return block if block is not None else np.zeros((0, 2), np.float32)
        frame = None
        if block is not None:
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block, np.float32).reshape(1, -1), format="flt", layout="stereo"
            )
            frame.sample_rate = AUDIO_SAMPLE_RATE
        out = [f.to_ndarray().reshape(-1, 2) for f in self._resampler.resample(frame)]
        return np.concatenate(out) if out else np.zeros((0, 2), np.float32)

    def finish(self) -> None:
        """Send the rest (a last, shorter frame) and flush the encoder."""
        self.feed_until(self._total)
        if self._resampler is not None:  # what the resampler still holds, then exactly out_total samples
            self._pending = np.concatenate([self._pending, self._resampled(None)])
            missing = self._out_total - self._sent - len(self._pending)
            if missing > 0:
                self._pending = np.concatenate([self._pending, np.zeros((missing, 2), np.float32)])
            self._pending = self._pending[: max(0, self._out_total - self._sent)]
            while len(self._pending) >= AAC_FRAME:
                self._send(self._pending[:AAC_FRAME])
                self._pending = self._pending[AAC_FRAME:]
        if len(self._pending):
            self._send(self._pending)
            self._pending = self._pending[:0]
        self._container.mux(self._stream.encode())

    def _send(self, samples: np.ndarray) -> None:
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.T), format="fltp", layout="stereo")
        frame.sample_rate = self._out_rate
        frame.pts = self._sent
        frame.time_base = Fraction(1, self._out_rate)
        self._sent += len(samples)
        self._container.mux(self._stream.encode(frame))
