"""Linked clips: the video and audio of one file that move, trim and delete together.

A link is a shared id in ``clip.metadata["shotline"]["link"]``. It lives on
the clips themselves (not in a side table), so it survives save/load, copies
into other OTIO tools harmlessly, and is restored by undo with the clips.
"""

from __future__ import annotations

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import (
    Clip,
    Timeline,
    Track,
    find_clip,
    iter_clips,
    new_id,
    shotline_meta,
)


def link_id(clip: Clip) -> str | None:
    value = clip.metadata.get("shotline", {}).get("link")
    return str(value) if value else None


def partners(timeline: Timeline, clip: Clip) -> list[tuple[Track, Clip]]:
    """The other clips linked to `clip`, with their tracks."""
    ident = link_id(clip)
    if ident is None:
        return []
    return [(t, c) for t, c in iter_clips(timeline) if c is not clip and link_id(c) == ident]


def with_partners(timeline: Timeline, ident: str) -> list[tuple[Track, Clip]]:
    """The clip with this id first, then its linked partners."""
    t, clip = find_clip(timeline, ident)
    return [(t, clip), *partners(timeline, clip)]


def link(timeline: Timeline, clip_ids: list[str]) -> Change:
    """Link clips so that edits on one apply to all (Premiere's Link)."""
    found = [find_clip(timeline, i) for i in clip_ids]
    if len(found) < 2:
        raise EditError("Select at least two clips to link")
    shared = new_id()
    with mutation(timeline, "Link clips", [t for t, _ in found]) as change:
        for _, clip in found:
            shotline_meta(clip)["link"] = shared
    return change


def unlink(timeline: Timeline, clip_ids: list[str]) -> Change:
    """Break the links of these clips (and so of their partners)."""
    found = [find_clip(timeline, i) for i in clip_ids]
    everyone = {id(c): (t, c) for t, clip in found for t, c in [(t, clip), *partners(timeline, clip)]}
    if not any(link_id(c) for _, c in everyone.values()):
        raise EditError("The selected clips are not linked")
    with mutation(timeline, "Unlink clips", [t for t, _ in everyone.values()]) as change:
        for _, clip in everyone.values():
            meta = shotline_meta(clip)
            if "link" in meta:
                del meta["link"]
    return change
