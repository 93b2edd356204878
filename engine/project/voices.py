"""Who speaks with which voice: the project's cast, for voice-over.

A film's narrator should sound the same in every line, in every session, so
the voice chosen for a character is stored in the project
(``timeline.metadata["shotline"]["voices"]``, e.g. ``{"Narrator": {"backend":
"piper", "voice": "en_US-joe-medium", "speed": 1.0}}``) and the Add Voice-over
dialog offers it again. Setting one is an edit, so it undoes like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import Timeline, shotline_meta

DEFAULT_CHARACTER = "Narrator"


@dataclass(frozen=True)
class CharacterVoice:
    backend: str | None = None  # None: the engine's default voice backend
    voice: str | None = None  # None: the backend's default voice
    speed: float = 1.0
    sample: str | None = None  # a recording of the character's voice, for a backend that clones it

    def to_dict(self) -> dict:
        found = {"backend": self.backend or "", "voice": self.voice or "", "speed": float(self.speed)}
        if self.sample:
            found["sample"] = self.sample
        return found

    @classmethod
    def from_dict(cls, data: object) -> CharacterVoice:
        if not isinstance(data, dict) and not hasattr(data, "get"):
            return cls()
        try:
            speed = float(data.get("speed", 1.0) or 1.0)
        except (TypeError, ValueError):
            speed = 1.0
        sample = str(data.get("sample") or "") or None
        return cls(
            str(data.get("backend") or "") or None, str(data.get("voice") or "") or None, speed, sample
        )


def character_voices(timeline: Timeline) -> dict[str, CharacterVoice]:
    """The cast, by character name, in the order they were added."""
    stored = timeline.metadata.get("shotline", {}).get("voices", {})
    if not hasattr(stored, "items"):
        return {}
    return {str(name): CharacterVoice.from_dict(data) for name, data in stored.items()}


def voice_of(timeline: Timeline, character: str) -> CharacterVoice:
    return character_voices(timeline).get(character.strip(), CharacterVoice())


def set_character_voice(timeline: Timeline, character: str, voice: CharacterVoice | None) -> Change:
    """Give `character` a voice (None forgets the character)."""
    name = " ".join(character.split())
    if not name:
        raise EditError("A character needs a name, such as Narrator")
    if voice is not None and not 0.25 <= voice.speed <= 4.0:
        raise EditError(f"Speed {voice.speed:g} is outside 0.25-4 (1 is normal)")
    current = character_voices(timeline)
    if voice is None and name not in current:
        raise EditError(f"No character is called {name}")
    if voice is not None and current.get(name) == voice:
        raise EditError(f"{name} already has this voice")
    label = f"Voice of {name}" if voice is not None else f"Forget {name}'s Voice"
    with mutation(timeline, label, stack=True) as change:
        meta = shotline_meta(timeline)
        cast = {k: v.to_dict() for k, v in current.items()}
        if voice is None:
            cast.pop(name)
        else:
            cast[name] = voice.to_dict()
        meta["voices"] = cast
        change.result = name
    return change
