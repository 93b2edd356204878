"""Playing another take of a clip: a shot keeps its length, a line of speech is heard whole.

A shot's takes are versions of the same frames, so switching keeps the cut
(`takes.set_active_take`). A voice clip's takes say other words at another
length: switching through `set_active_take` would cut the line short or pad
it, so a voice clip switches with `voice_clip.switch_voice_take`, which
gives the clip its take's length and lets the gap after it absorb the change.

A voice clip is named for what it says ("Narrator: The door was red."), so
while the user has not renamed it, its name follows the take that plays, in
the same undo step; otherwise the timeline would show words nobody hears.
"""

from __future__ import annotations

from editor.session import ProjectSession
from engine.errors import ShotlineError
from engine.generate.voice.timeline import TASK as VOICE_TASK
from engine.generate.voice.timeline import spoken_text, switch_voice_take
from engine.project import document, provenance, takes
from engine.project.change import Change
from engine.project.document import Clip, Timeline
from engine.project.naming import rename_clip

NAME_CHARS = 60  # as Add Voice-over names a line's clip


def is_voice_clip(clip: Clip) -> bool:
    """Made by Add Voice-over (marked so), or any clip whose playing take is speech."""
    meta = clip.metadata.get("shotline") or {}
    return bool(meta.get("voice")) or spoken_text(clip) is not None


def switch_take(timeline: Timeline, ident: str, key: str) -> Change:
    """Play take `key` of clip `ident`, the way its kind of clip needs (one engine edit)."""
    _track, clip = document.find_clip(timeline, ident)
    if is_voice_clip(clip):
        return switch_voice_take(timeline, ident, key)
    return takes.set_active_take(timeline, ident, key)


def line_name(clip: Clip, key: str) -> str | None:
    """The name Add Voice-over gives a line spoken by take `key` of `clip` (None: not speech)."""
    reference = clip.media_references().get(key)
    made = provenance.read(reference) if reference is not None else None
    if made is None or made.task != VOICE_TASK:
        return None
    text = str(made.extra.get("text") or made.prompt)
    who = str(made.extra.get("character") or "")
    return (f"{who}: {text}" if who else text)[:NAME_CHARS]


def follow_name(timeline: Timeline, ident: str, key: str) -> str | None:
    """The voice clip's new name for take `key`, if its name is still the one of the take now playing."""
    try:
        _track, clip = document.find_clip(timeline, ident)
    except ShotlineError:
        return None
    if not is_voice_clip(clip) or clip.name != line_name(clip, clip.active_media_reference_key):
        return None
    wanted = line_name(clip, key)
    return wanted if wanted and wanted != clip.name else None


def play_take(session: ProjectSession, ident: str, key: str, description: str = "Switch Take") -> bool:
    """Switch to take `key` as one undo step (renaming a voice clip along); False if refused."""
    name = follow_name(session.timeline, ident, key)
    if name is None:
        return session.apply(switch_take, ident, key) is not None
    with session.group(description):
        if session.apply(switch_take, ident, key) is not None:
            session.apply(rename_clip, ident, name)
    try:
        return document.find_clip(session.timeline, ident)[1].active_media_reference_key == key
    except ShotlineError:
        return False
