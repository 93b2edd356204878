"""What an audio track is for: ordinary sound, the score, or the voice-over.

Ducking lowers music tracks under voice tracks, and generated scores and
voice clips land on a track of their role (made when there is none), so the
role is stored on the track (``track.metadata["shotline"]["role"]``) rather
than guessed from its name: a user may rename "Music" to "Score" and it
still ducks.
"""

from __future__ import annotations

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import AUDIO, VIDEO, Timeline, Track, shotline_meta, tracks
from engine.project.document import track as track_named

MUSIC, VOICE = "music", "voice"
ROLES = (MUSIC, VOICE)
#: the name a new track of each role gets (a number is added if it is taken)
ROLE_NAMES = {MUSIC: "Music", VOICE: "Voice-over"}


def track_role(track: Track) -> str | None:
    role = track.metadata.get("shotline", {}).get("role")
    return role if role in ROLES else None


def role_tracks(timeline: Timeline, role: str) -> list[Track]:
    return [t for t in tracks(timeline, AUDIO) if track_role(t) == role]


def set_track_role(timeline: Timeline, name: str, role: str | None) -> Change:
    """Mark an audio track as music, voice or (None) ordinary sound."""
    target = track_named(timeline, name)
    if target.kind != AUDIO:
        raise EditError(f"{name} is a video track; only audio tracks carry music or voice")
    if role is not None and role not in ROLES:
        raise EditError(f"{role!r} is not a track role ({', '.join(ROLES)})")
    label = ROLE_NAMES.get(role or "", "Sound")
    with mutation(timeline, f"{name}: {label} Track", [target]) as change:
        meta = shotline_meta(target)
        if role is None:
            meta.pop("role", None)
        else:
            meta["role"] = role
        change.result = role
    return change


def add_role_track(timeline: Timeline, role: str) -> Change:
    """A new audio track of `role`, last among the audio tracks; the change's result is its name."""
    if role not in ROLES:
        raise EditError(f"{role!r} is not a track role ({', '.join(ROLES)})")
    used = {t.name for t in tracks(timeline)}
    base = ROLE_NAMES[role]
    name = next(n for n in [base, *(f"{base} {k}" for k in range(2, 1000))] if n not in used)
    video, audio = tracks(timeline, VIDEO), tracks(timeline, AUDIO)
    with mutation(timeline, f"Add {base} Track", stack=True) as change:
        audio.append(Track(name=name, kind=AUDIO, metadata={"shotline": {"role": role}}))
        timeline.tracks[:] = []
        timeline.tracks.extend([*video, *audio])
        change.result = name
    return change
