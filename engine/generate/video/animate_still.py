"""Animate this still: a still on the timeline becomes the first frame of an image-to-video shot.

The job is the clip's own Regenerate spec (its exact length, the project's
rate and size, any dissolve handles) with the still as `image`, so the
result lands as a new take of the same clip and undo plays the still again.
The generated video carries the motion, so the still's Ken Burns move comes
off the clip in the same undo step (a push over a moving shot would move it
twice); undo puts the move back with the still.
Only a clip whose playing take is a picture on disk can be animated.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.generate.video.timeline import play_regenerated, shot_defaults, shot_spec
from engine.project import document
from engine.project.change import Change, ChangeGroup
from engine.project.document import VIDEO
from engine.project.kenburns import EFFECT, remove_ken_burns
from engine.project.mediapaths import path_from_url


def still_path(timeline: document.Timeline, ident: str) -> Path:
    """The picture clip `ident` plays, or a GenerateError saying why it cannot be animated."""
    track, clip = document.find_clip(timeline, ident)
    name = clip.name or "This clip"
    reference = clip.media_reference
    if track.kind != VIDEO or not reference.metadata.get("shotline", {}).get("still"):
        raise GenerateError(f"{name} is not a still: Animate This Still starts from a picture")
    url = getattr(reference, "target_url", None)
    path = path_from_url(url) if url else None
    if path is None or not Path(path).is_file():
        raise GenerateError(f"{name}: its picture is missing, so there is nothing to animate")
    return Path(path)


def animate_values(timeline: document.Timeline, ident: str, prompt: str | None = None) -> dict[str, Any]:
    """What the image-to-video job asks for: the still as its first frame, and what should move."""
    picture = still_path(timeline, ident)
    words = prompt or shot_defaults(timeline, ident).values.get("prompt") or ""
    return {"prompt": words, "image": str(picture)}


def animate_spec(
    timeline: document.Timeline,
    ident: str,
    backend: str | None = None,
    cache_dir: Path | None = None,
    prompt: str | None = None,
) -> dict[str, Any]:
    """The video.generate spec that animates still clip `ident` at its exact length."""
    values = animate_values(timeline, ident, prompt)
    name = document.find_clip(timeline, ident)[1].name or "Still"
    return shot_spec(timeline, ident, values, backend, cache_dir, f"Animate {name}")


def play_animated(timeline: document.Timeline, ident: str, key: str) -> Change | ChangeGroup:
    """Play the animated take and take the still's Ken Burns move off the clip: one undo step."""
    _track, clip = document.find_clip(timeline, ident)
    name = clip.name or "Still"
    played = play_regenerated(timeline, ident, key)
    if not any(effect.effect_name == EFFECT for effect in clip.effects):
        return played
    try:
        unmoved = remove_ken_burns(timeline, ident)
    except BaseException:
        played.undo()
        raise
    return ChangeGroup(f"Animate {name}", [played, unmoved])
