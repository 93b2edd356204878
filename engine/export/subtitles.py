"""The dialogue's subtitles as an SRT file beside the exported MP4.

A line of dialogue imported from a screenplay carries its words in
``clip.metadata["shotline"]["subtitle"]``; the subtitle shows while the clip
plays, so it is exactly in sync with the voice in the export. Times are
computed from whole project frames with exact fractions and rounded to the
millisecond SRT counts in. Only audible tracks count: a muted Dialogue
track is not in the film, so neither are its subtitles.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from engine.atomic import write_atomically
from engine.errors import ExportError
from engine.project import document, trackedit
from engine.project.document import Clip, Timeline
from engine.project.times import rate_fraction
from engine.project.tracks import audible_tracks


@dataclass(frozen=True)
class Subtitle:
    start: int  # timeline frames
    end: int
    text: str


def subtitles(timeline: Timeline) -> list[Subtitle]:
    """Every subtitle of the cut, in the order they appear."""
    rate = document.settings(timeline).rate
    found = []
    for track in audible_tracks(timeline):
        for slot in trackedit.layout(track, rate):
            if isinstance(slot.item, Clip):
                text = str(slot.item.metadata.get("shotline", {}).get("subtitle") or "").strip()
                if text:
                    found.append(Subtitle(slot.start, slot.end, text))
    return sorted(found, key=lambda s: (s.start, s.end))


def srt(entries: list[Subtitle], rate: float) -> str:
    exact = rate_fraction(rate)
    blocks = [
        f"{n}\n{_clock(entry.start, exact)} --> {_clock(entry.end, exact)}\n{entry.text}\n"
        for n, entry in enumerate(entries, start=1)
    ]
    return "\n".join(blocks)


def _clock(frame: int, rate: Fraction) -> str:
    ms = round(Fraction(frame) / rate * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt_beside(timeline: Timeline, video: str | Path) -> Path | None:
    """film.srt next to film.mp4 when the cut has subtitles (written whole or not at all); else None."""
    entries = subtitles(timeline)
    if not entries:
        return None
    target = Path(video).with_suffix(".srt")
    try:
        write_atomically(target, srt(entries, document.settings(timeline).rate).encode("utf-8"))
    except OSError as error:
        raise ExportError(f"Cannot write {target.name}: {error.strerror or error}") from None
    return target
