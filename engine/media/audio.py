"""A file's sound as the project hears it: 48 kHz stereo float32, addressed by sample number.

Sample n is the sound at n / 48000 s after the file's start (`media_origin`,
the same origin `VideoDecoder` counts frames from), so picture and sound stay
locked however far into a file one reads. Positions come from the stream's
timestamps, never from adding up float durations: sound that starts late is
preceded by silence, a hole in the stream is filled with silence, and a
10-minute file resampled from 44.1 kHz ends on the sample it should.

Mono is copied to both sides at its own level (a voice recorded in mono should
not get quieter on a stereo timeline); more than two channels are folded down
by libswresample's standard matrix (centre and surrounds at -3 dB).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from fractions import Fraction

import av
import numpy as np

from engine.errors import MediaError
from engine.media.probe import media_origin, open_container

#: The project's sample rate; every source is resampled to it.
PROJECT_RATE = 48000
#: A read this far past what is decoded decodes through rather than seeking.
FORWARD_DECODE_LIMIT = Fraction(2)
#: Decoding starts this long before a sought position, so codecs that need
#: context (AAC, MP3, Opus) and the resampler's filter have settled by then.
PREROLL = Fraction(1, 5)
#: Timestamps further apart than the sound between them mean a hole to fill with silence.
GAP_TOLERANCE = Fraction(1, 50)


class AudioReader:
    """Stereo float32 samples of one file by sample number; not thread-safe (one reader per thread)."""

    def __init__(self, path: str | os.PathLike[str], rate: int = PROJECT_RATE) -> None:
        self.path = str(path)
        self.rate = rate
        self.seeks = 0
        self._container = open_container(path)
        try:
            self._open()
        except BaseException:
            self._container.close()
            raise

    def _open(self) -> None:
        streams = self._container.streams.audio
        if not streams:
            raise MediaError(f"{self._name} has no sound")
        self._stream = streams[0]
        if not self._stream.sample_rate:
            raise MediaError(f"{self._name}: its sound has no sample rate")
        self._time_base = Fraction(self._stream.time_base)
        self._in_rate = int(self._stream.sample_rate)
        self._mono = self._stream.channels == 1
        origin = media_origin(self._container)
        start = self._stream.start_time
        # the stream's own start, in seconds; input sample i sounds at _stream_start + i / _in_rate
        self._stream_start = origin if start is None else Fraction(start) * self._time_base
        # output index of input sample 0, so late-starting sound is preceded by silence
        self._base = round((self._stream_start - origin) * self.rate)
        # input samples per whole number of output samples: a restart lands on this grid
        self._grid = self._in_rate // math.gcd(self._in_rate, self.rate)
        # Matroska stamps in milliseconds, which is coarser than a sample: a codec with
        # fixed-size frames (AAC, MP3) puts frames on a multiple of that size, so the
        # true position after a seek is the nearest such multiple
        coarse = self._time_base > Fraction(1, self._in_rate)
        self._snap = (self._stream.codec_context.frame_size or 0) if coarse else 0
        self._restart(None)

    @property
    def _name(self) -> str:
        return os.path.basename(self.path)

    def close(self) -> None:
        self._container.close()

    def __enter__(self) -> AudioReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def duration_samples(self) -> int | None:
        """Samples from the file's start to the end of its sound, when the file says."""
        if self._stream.duration is None:
            return None
        end = self._stream_start + Fraction(self._stream.duration) * self._time_base
        return self._base + round((end - self._stream_start) * self.rate)

    @property
    def end_sample(self) -> int | None:
        """The sample just after the last one decoded, once decoding has reached the end of the sound.

        Files that do not state their length (Matroska streams often don't) are
        only measurable by reading them through; a reader that has done so says
        here where the sound stopped. None until then.
        """
        return self._end if self._ended else None

    # -- decoding state -------------------------------------------------------------------------

    def _restart(self, start: int | None) -> None:
        """Decode from the file's beginning (None) or from a little before output sample `start`."""
        if start is not None:
            seconds = self._stream_start + Fraction(start - self._base, self.rate) - PREROLL
            target = max(math.floor(seconds / self._time_base), self._stream.start_time or 0)
            try:
                self._container.seek(target, stream=self._stream, backward=True, any_frame=False)
            except av.FFmpegError as error:
                raise MediaError(f"{self._name} cannot be read at that point ({error})") from None
            self.seeks += 1
        self._frames: Iterator[av.AudioFrame] = self._container.decode(self._stream)
        layout = "mono" if self._mono else "stereo"
        self._resampler = av.AudioResampler(format="flt", layout=layout, rate=self.rate)
        self._chunks: list[np.ndarray] = []
        self._start = self._end = 0  # output samples buffered in _chunks: [_start, _end)
        self._next_input: int | None = None  # input sample the next decoded frame should begin at
        self._ended = False
        self._aim = start  # where this run of decoding was asked to get to

    def _decode_more(self) -> bool:
        """Decode one more frame into the buffer; False at the end of the sound."""
        if self._ended:
            return False
        try:
            frame = next(self._frames)
        except StopIteration:
            self._ended = True
            frame = None
        except av.FFmpegError as error:
            raise MediaError(f"{self._name}: its sound cannot be decoded ({error})") from None
        try:
            for piece in self._place(frame) if frame is not None else [None]:
                for out in self._resampler.resample(piece):
                    samples = out.to_ndarray().reshape(-1, 1 if self._mono else 2)
                    self._chunks.append(samples)
                    self._end += len(samples)
        except (av.FFmpegError, ValueError) as error:
            raise MediaError(f"{self._name}: its sound changes format mid-stream ({error})") from None
        return not self._ended

    def _place(self, frame: av.AudioFrame) -> list[av.AudioFrame]:
        """The frame, positioned by its timestamp: trimmed to the grid after a restart, or after
        silence that fills a hole in the stream."""
        if frame.pts is None:
            first = self._next_input if self._next_input is not None else 0
        else:
            first = round((Fraction(frame.pts) * self._time_base - self._stream_start) * self._in_rate)
            if self._snap:
                first = round(Fraction(first, self._snap)) * self._snap
        pieces = [frame]
        if self._next_input is None:
            # a fresh start: begin at an input sample that maps onto a whole output sample, so
            # a read after a seek is the same sound, to the sample, as reading straight through
            skip = -first % self._grid
            if skip:
                if skip >= frame.samples:
                    return []
                pieces = [_slice(frame, skip)]
                first += skip
            self._start = self._end = self._base + first * self.rate // self._in_rate
        elif first - self._next_input > GAP_TOLERANCE * self._in_rate:
            pieces.insert(0, _silence_like(frame, first - self._next_input))
        else:
            first = self._next_input  # jitter or overlap: keep counting samples
        self._next_input = first + pieces[-1].samples
        return pieces

    # -- reading ---------------------------------------------------------------------------------

    def read(self, start: int, count: int) -> np.ndarray:
        """Exactly `count` stereo samples (count, 2) float32 from `start`; silence outside the sound."""
        out = np.zeros((max(count, 0), 2), np.float32)
        if count <= 0:
            return out
        if not self._buffer_can_reach(start):
            self._restart(start)
        while self._end < start + count and self._decode_more():
            pass
        if self._chunks:
            buffered = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
            lo, hi = max(start, self._start), min(start + count, self._end)
            if lo < hi:
                out[lo - start : hi - start] = buffered[lo - self._start : hi - self._start]
            # keep only what a following read can still want: memory stays at one read's worth
            keep = buffered[max(0, min(start + count, self._end) - self._start) :]
            self._chunks = [keep] if len(keep) else []
            self._start = self._end - len(keep)
        return out

    def _buffer_can_reach(self, start: int) -> bool:
        """Whether decoding on from here reaches `start` soon, without a seek."""
        limit = FORWARD_DECODE_LIMIT * self.rate
        if self._next_input is None:  # nothing decoded since the last (re)start
            if self._aim is None:  # opened: decoding starts at the beginning of the sound
                return start <= self._base + limit
            return self._aim <= start <= self._aim + limit
        if start < self._start:
            return False
        return self._ended or start - self._end <= limit


def _slice(frame: av.AudioFrame, skip: int) -> av.AudioFrame:
    """The frame without its first `skip` samples (same format, layout and rate)."""
    data = frame.to_ndarray()
    packed = not frame.format.is_planar
    channels = frame.layout.nb_channels
    rest = data[:, skip * channels :] if packed else data[:, skip:]
    sliced = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(rest), format=frame.format.name, layout=frame.layout
    )
    sliced.sample_rate = frame.sample_rate
    return sliced


def _silence_like(frame: av.AudioFrame, samples: int) -> av.AudioFrame:
    """Silence in the frame's own format, to push through the resampler where sound is missing."""
    channels = frame.layout.nb_channels
    shape = (1, samples * channels) if not frame.format.is_planar else (channels, samples)
    dtype = frame.to_ndarray().dtype
    level = 128 if frame.format.name.startswith("u8") else 0  # unsigned 8-bit silence is mid-scale
    silent = av.AudioFrame.from_ndarray(
        np.full(shape, level, dtype), format=frame.format.name, layout=frame.layout
    )
    silent.sample_rate = frame.sample_rate
    return silent
