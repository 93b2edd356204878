"""The dialogue's subtitles inside the exported MP4: a mov_text stream, or burned into the picture.

`subtitles` finds them (the clip's words while the clip plays); here they go
into the file. Embedded, each subtitle is one mov_text packet (a 16-bit
length, then UTF-8) timed in the project's own rate as an exact fraction, so
it starts and ends on the frame its clip does; PyAV muxes it, no ffmpeg
needed. The mov_text encoder is opened (it needs an ASS style header) but
not used to encode: the packets are written as they are. Burned, the
renderer draws the words over the frames they belong to.
"""

from __future__ import annotations

import struct
from fractions import Fraction

import av

from engine.export.presets import BURN, EMBED
from engine.export.subtitles import Subtitle, subtitles
from engine.project import document
from engine.project.document import Timeline
from engine.project.times import rate_fraction
from engine.render.captions import burn
from engine.render.picture import Picture

#: The smallest ASS header the mov_text encoder accepts: one default style, white, bottom centre.
ASS_HEADER = (
    b"[Script Info]\nScriptType: v4.00+\nPlayResX: 384\nPlayResY: 288\n\n"
    b"[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
    b"BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, "
    b"Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
    b"Style: Default,Sans,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0\n\n"
    b"[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
)
#: mov_text holds at most this many bytes of text per sample (its length field is 16 bits).
MAX_TEXT = 0xFFFF


class EmbeddedCaptions:
    """A subtitle stream in the container, fed in step with the picture."""

    def __init__(
        self,
        container: av.container.OutputContainer,
        entries: list[Subtitle],
        project_rate: Fraction,
        first: int = 0,
    ) -> None:
        self._container = container
        self._entries = sorted(entries, key=lambda e: e.start)
        self._first = first  # the project frame the file starts at (an In/Out export)
        self._next = 0
        self._rate = project_rate
        self._stream = container.add_stream("mov_text")
        self._stream.codec_context.subtitle_header = ASS_HEADER
        self._stream.time_base = Fraction(1, project_rate.numerator)

    def mux_until(self, frame: int) -> None:
        """Write every subtitle that starts at or before project frame `frame`."""
        while self._next < len(self._entries) and self._entries[self._next].start <= frame:
            self._mux(self._entries[self._next])
            self._next += 1

    def finish(self) -> None:
        self.mux_until(self._entries[-1].start if self._entries else 0)

    def _mux(self, entry: Subtitle) -> None:
        text = entry.text.encode("utf-8")[:MAX_TEXT]
        packet = av.Packet(struct.pack(">H", len(text)) + text)
        step = self._rate.denominator  # one project frame in the stream's time base
        packet.stream = self._stream
        packet.time_base = self._stream.time_base
        start, end = max(entry.start, self._first) - self._first, entry.end - self._first
        packet.pts = packet.dts = start * step
        packet.duration = (end - start) * step
        self._container.mux(packet)


class BurnedCaptions:
    """The words of the subtitle showing at each project frame, drawn into the picture."""

    def __init__(self, entries: list[Subtitle]) -> None:
        self._entries = sorted(entries, key=lambda e: e.start)

    def text_at(self, frame: int) -> str:
        """The subtitles showing at `frame`; overlapping lines (dual dialogue) one above the other."""
        return "\n".join(e.text for e in self._entries if e.start <= frame < e.end)

    def picture(self, frame: int, picture: Picture) -> Picture:
        text = self.text_at(frame)
        return burn(picture, text) if text else picture


class Captions:
    """What an export does with the subtitles as it writes each frame: nothing (SRT only), mux, or burn."""

    def __init__(
        self, embedded: EmbeddedCaptions | None = None, burned: BurnedCaptions | None = None
    ) -> None:
        self._embedded, self._burned = embedded, burned

    def picture(self, frame: int, picture: Picture) -> Picture:
        """The picture of project frame `frame` as it is encoded (with its words, when burning)."""
        if self._embedded is not None:
            self._embedded.mux_until(frame)
        return self._burned.picture(frame, picture) if self._burned is not None else picture

    def finish(self) -> None:
        if self._embedded is not None:
            self._embedded.finish()


def for_export(
    timeline: Timeline,
    how: str,
    container: av.container.OutputContainer,
    span: tuple[int, int] | None = None,
) -> Captions:
    """The captions stage for an export asked for `how` (srt, embed, burn) of the frames `span` (the
    whole cut when None); a cut without subtitles there gets no subtitle stream at all."""
    entries = subtitles(timeline)
    if span is not None:
        entries = [e for e in entries if e.end > span[0] and e.start < span[1]]
    if not entries:
        return Captions()
    if how == EMBED:
        rate = rate_fraction(document.settings(timeline).rate)
        first = span[0] if span is not None else 0
        return Captions(embedded=EmbeddedCaptions(container, entries, rate, first))
    if how == BURN:
        return Captions(burned=BurnedCaptions(entries))
    return Captions()
