"""Naming clips: the name a clip shows on the timeline and in the inspector.

A rename touches one clip only, not its linked partner: in every NLE the
picture and the sound of a shot can carry different names (a "dialogue" and
a "room tone" half of one file), so renaming one never renames the other.
"""

from __future__ import annotations

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import Timeline, find_clip

#: Longer names are a paste gone wrong, not a name; they would also swamp every label.
MAX_NAME = 200


def rename_clip(timeline: Timeline, ident: str, name: str) -> Change:
    """Give the clip `ident` a new name (surrounding spaces dropped; empty names refused)."""
    new_name = name.strip()
    if not new_name:
        raise EditError("A clip needs a name")
    if len(new_name) > MAX_NAME:
        raise EditError(f"A clip name can be at most {MAX_NAME} characters long")
    if "\n" in new_name or "\r" in new_name:
        raise EditError("A clip name is one line")
    track, clip = find_clip(timeline, ident)
    if clip.name == new_name:
        raise EditError(f"The clip is already called {new_name!r}")
    with mutation(timeline, "Rename Clip", [track]) as change:
        clip.name = new_name
        change.result = new_name
    return change
