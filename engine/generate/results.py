"""A finished video job's result as the timeline takes it: its file, frame count, rate and provenance.

Regenerate, extend and inpaint each turn the engine's `done` into a take;
what the result must hold, and the message when it does not, is the same.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.project.times import rate_fraction


def video_result(
    result: dict[str, Any], task: str, project_rate: float | None = None, media_rate: Fraction | None = None
) -> tuple[Path, dict[str, Any], int, Fraction]:
    """(file, provenance with task and backend filled in, frames, rate); GenerateError if it lacks one.

    With `project_rate`, a result at another rate is refused: a take must
    play at the project's rate frame for frame. `media_rate` is the rate to
    assume when the result does not say (an inpaint keeps its source's).
    """
    try:
        path = Path(result["files"][0])
        made = dict(result["provenance"])
        frames = int(made["frames"])
        rate = Fraction(str(made.get("rate") or media_rate))
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        raise GenerateError("The engine's result names no video file and frame count") from None
    if project_rate is not None and rate != rate_fraction(project_rate):
        raise GenerateError(f"The result is at {rate} fps, not the project's {project_rate}")
    made.setdefault("task", task)
    made.setdefault("backend", "unknown")
    return path, made, frames, rate


def take_sound_file(result: dict[str, Any], made: dict[str, Any]) -> Path | None:
    """The sound file a joint audio-video model made with the picture (named in the provenance), if any."""
    name = made.get("audio") if made.get("has_audio") else None
    if not name:
        return None
    files = [Path(f) for f in result.get("files", [])[1:]]
    return next((f for f in files if f.name == name), None)
