"""The request of task `voice.speak`, checked once, so backends can trust it.

A line of voice-over is its text and who says it: a voice (a backend's own
name for one, such as an espeak-ng language or a Piper voice file), a
speaking speed, and a seed for the backends that add noise, so the same
request speaks the same take again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import GenerateError

#: Longer text belongs in several clips (one per line), which the editor makes from a pasted list.
MAX_TEXT = 5000
SPEEDS = (0.25, 4.0)


def _speed(value: Any) -> float:
    try:
        speed = float(1.0 if value is None else value)
    except (TypeError, ValueError):
        raise GenerateError(f"speed must be a number such as 1.0 or 1.2, not {value!r}") from None
    if not SPEEDS[0] <= speed <= SPEEDS[1]:
        raise GenerateError(f"speed must be from {SPEEDS[0]} to {SPEEDS[1]} (1.0 is normal), not {speed:g}")
    return speed


@dataclass(frozen=True)
class VoiceRequest:
    text: str
    voice: str | None = None  # None: the backend's default voice
    speed: float = 1.0  # 1.0 normal, 2.0 twice as fast
    seed: int = 0
    character: str = ""  # who speaks ("Narrator"), recorded so the editor can find the voice again
    model: str | None = None  # transformers backend: a preset name, hub id or local folder
    device: str = "auto"
    reference: str | None = None  # a recording of the voice to clone (backends that clone; others ignore it)

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> VoiceRequest:
        text = params.get("text", "")
        if not isinstance(text, str):
            raise GenerateError("text must be text")
        text = " ".join(text.split())  # line breaks inside one clip's text are read as spaces
        if not text:
            raise GenerateError("There is no text to speak")
        if len(text) > MAX_TEXT:
            raise GenerateError(f"The text is {len(text)} characters; split it into lines under {MAX_TEXT}")
        voice = params.get("voice")
        seed = params.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
            raise GenerateError(f"seed must be a whole number from 0, not {seed!r}")
        reference = params.get("reference")
        if reference not in (None, "") and not Path(str(reference)).is_file():
            raise GenerateError(f"The voice recording {reference} does not exist")
        return cls(
            text=text,
            voice=str(voice) if voice not in (None, "") else None,
            speed=_speed(params.get("speed")),
            seed=seed,
            character=str(params.get("character") or ""),
            model=str(params["model"]) if params.get("model") else None,
            device=str(params.get("device") or "auto"),
            reference=str(reference) if reference not in (None, "") else None,
        )

    def provenance(self, **extra: Any) -> dict[str, Any]:
        """The request's part of a take's provenance; `prompt` repeats the text for views of prompts."""
        return {
            "task": "voice.speak",
            "text": self.text,
            "prompt": self.text,
            "voice": self.voice or "",
            "speed": self.speed,
            "seed": self.seed,
            "character": self.character,
            **extra,
        }
