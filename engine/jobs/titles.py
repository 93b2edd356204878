"""Job titles: what a job makes, as the Jobs panel and the engine's `status` name it.

A row that says "Score 420 frames" or "Narrator: The door was red and the w"
leaves the user to work out which job is which. A title names the thing made
("Regenerate Salt flat", "Score 00:00:10–00:00:45"), a range of the timeline
as two timecodes with an en dash between them, and words quoted from the
user (a line of voice-over) are cut with an ellipsis so a title stays short
enough to read in a narrow dock. Every feature takes its title from here, so
they read alike.
"""

from __future__ import annotations

from engine.project.times import timecode

#: Quoted words (a line to speak) are cut to this many characters.
QUOTE_CHARS = 40


def span(start: int, end: int, rate: float) -> str:
    """Frames [start, end) as "00:00:10–00:00:45", or with frames ("00:00:10:12–…") if an end needs them."""
    first, last = timecode(start, rate), timecode(end, rate)
    if first.endswith(":00") and last.endswith(":00"):
        first, last = first[:-3], last[:-3]
    return f"{first}–{last}"


def quoted(text: str, most: int = QUOTE_CHARS) -> str:
    """The user's words on one line, cut with an ellipsis when they are long."""
    words = " ".join(text.split())
    return words if len(words) <= most else words[: most - 1].rstrip() + "…"


def regenerate(shot: str) -> str:
    return f"Regenerate {shot}"


def generate(shot: str, track: str | None = None, start: int = 0, end: int = 0, rate: float = 0.0) -> str:
    """A new shot: into the bin, or onto a track over a range."""
    return f"Generate {shot} on {track} {span(start, end, rate)}" if track else f"Generate {shot}"


def extend(shot: str, frames: int, head: bool) -> str:
    count = f"{frames} frame" if frames == 1 else f"{frames} frames"
    return f"Extend {shot} by {count} at the {'start' if head else 'end'}"


def inpaint(shot: str) -> str:
    return f"Inpaint {shot}"


def score(start: int, end: int, rate: float) -> str:
    return f"Score {span(start, end, rate)}"


def voice_over(character: str, text: str) -> str:
    return f"Voice-over {character}: {quoted(text)}" if character else f"Voice-over: {quoted(text)}"


def speak_again(character: str, text: str) -> str:
    return f"Speak again {character}: {quoted(text)}" if character else f"Speak again: {quoted(text)}"


def export(file_name: str) -> str:
    return f"Export {file_name}"
