"""The storyboard's cards: every picture clip of the timeline, in the order the film shows them.

A card is read from the document each time it changes (and from the jobs
for "generating" and "failed"), never kept in step by hand, so undo and
every other panel's edits show here at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from engine.generate.generate_all import prompt_of
from engine.project import cast, document, takes, trackedit
from engine.project.document import VIDEO, Timeline
from engine.project.mediapaths import path_from_url
from engine.project.placeholders import is_placeholder
from engine.project.times import rate_fraction, timecode


class ShotState(StrEnum):
    PLACEHOLDER = "placeholder"
    GENERATING = "generating"
    DONE = "done"
    STALE = "stale"
    FAILED = "failed"


@dataclass(frozen=True)
class Card:
    clip_id: str
    name: str
    prompt: str
    cast: tuple[str, ...]
    start: int  # frames from the timeline's start
    frames: int
    length: str  # the shot's length as a timecode
    takes: int  # 0 for a placeholder
    state: ShotState
    why: str  # why it is stale, or why its job failed
    path: str | None  # the picture file its playing take shows
    seconds: Fraction  # where in that file the shot starts

    @property
    def badge(self) -> str:
        return self.state.value.capitalize()


def shot_cards(timeline: Timeline, generating: set[str], failures: dict[str, str]) -> list[Card]:
    """The cards, by where each shot starts (the upper track first when two start together)."""
    rate = document.settings(timeline).rate
    stale = {s.clip_id: "; ".join(s.reasons) for s in cast.stale_clips(timeline)}
    found: list[tuple[int, int, Card]] = []
    video = document.tracks(timeline, VIDEO)
    for height, track in enumerate(video):
        for slot in trackedit.layout(track, rate):
            clip = slot.item
            if not isinstance(clip, document.Clip):
                continue
            ident = document.clip_id(clip)
            card = _card(clip, ident, slot.start, slot.end - slot.start, rate, generating, failures, stale)
            found.append((slot.start, -height, card))
    return [card for *_, card in sorted(found, key=lambda f: (f[0], f[1]))]


def _card(
    clip: document.Clip,
    ident: str,
    start: int,
    frames: int,
    rate: float,
    generating: set[str],
    failures: dict[str, str],
    stale: dict[str, str],
) -> Card:
    placeholder = is_placeholder(clip)
    why = ""
    if ident in generating:
        state = ShotState.GENERATING
    elif ident in failures:
        state, why = ShotState.FAILED, failures[ident]
    elif ident in stale:
        state, why = ShotState.STALE, stale[ident]
    elif placeholder:
        state = ShotState.PLACEHOLDER
    else:
        state = ShotState.DONE
    path, seconds = None, Fraction(0)
    if not placeholder:
        url = getattr(clip.media_reference, "target_url", None)
        local = path_from_url(url) if url else None
        path = str(local) if local is not None else None
        source_start, _ = trackedit.source_frames(clip, rate)
        limits = trackedit.media_limits(clip, rate)
        seconds = Fraction(source_start - (limits[0] if limits else 0)) / rate_fraction(rate)
    return Card(
        clip_id=ident,
        name=clip.name or "Shot",
        prompt=prompt_of(clip),
        cast=tuple(cast.shot_cast(clip)),
        start=start,
        frames=frames,
        length=timecode(frames, rate),
        takes=0 if placeholder else len(takes.takes(clip)),
        state=state,
        why=why,
        path=path,
        seconds=max(Fraction(0), seconds),
    )
