"""Reference pictures a job is conditioned on (a Cast member's face, a place, the style), each with its name.

image.edit makes a keyframe from them; a VACE video model takes them as its
reference_images. Parsed the same way for both, so a path that does not
exist is refused in the same words before any model loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import GenerateError

#: More references than this crowd any model's context (Qwen-Image-Edit takes 3, FLUX.2 klein ~10).
MAX_REFERENCES = 10


@dataclass(frozen=True)
class Reference:
    path: str
    name: str = ""  # what it shows ("Mara", "The harbour"), from the Cast


def parse_references(value: Any) -> tuple[Reference, ...]:
    """References from a list of paths or {"path", "name"} objects; every file must exist."""
    if value in (None, ""):
        return ()
    if isinstance(value, str | dict):
        value = [value]
    if not isinstance(value, list):
        raise GenerateError("references must be a list of image files")
    found: list[Reference] = []
    for item in value:
        if isinstance(item, dict):
            path, name = item.get("path"), str(item.get("name") or "")
        else:
            path, name = item, ""
        if not isinstance(path, str) or not path:
            raise GenerateError("Each reference must name an image file")
        if not Path(path).is_file():
            raise GenerateError(f"The reference image {path} does not exist")
        found.append(Reference(str(Path(path).absolute()), name or Path(path).stem))
    if len(found) > MAX_REFERENCES:
        raise GenerateError(f"{len(found)} references are too many; give at most {MAX_REFERENCES}")
    return tuple(found)
