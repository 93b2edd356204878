"""Renaming a Cast member: the name changes everywhere the project says it, as one undo step.

A name is how shots, lines and takes point at a member, so a rename is more
than the member's own record: every shot's cast tags, every dialogue clip's
speaker (its name "Mara: line…" and the character its takes were spoken
as), the character's voice, and what each generated take records about the
Cast it shows (so a renamed member's shots are not taken for stale, and a
later change to her references still finds them). The screenplay's text is
left as written: it is the source the cut came from.
"""

from __future__ import annotations

from typing import Any

from engine.errors import EditError
from engine.project import cast
from engine.project.cast import CastMember, member, members
from engine.project.change import Change, mutation
from engine.project.document import Timeline, iter_clips, shotline_meta, tracks
from engine.project.voices import character_voices


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def rename_member(timeline: Timeline, old: str, new: str) -> Change:
    """Call member `old` `new` in the Cast, every shot and line, and every take's record."""
    found = member(timeline, old)
    if found is None:
        raise EditError(f"No one in the Cast is called {old}")
    name = " ".join(str(new).split())
    if not name:
        raise EditError("A cast member needs a name")
    if name == found.name:
        raise EditError(f"{found.name} is already called {name}")
    other = member(timeline, name)
    if other is not None and other.name != found.name:
        raise EditError(f"{other.name} is already in the Cast: choose another name")
    renamed = [
        CastMember(name, m.kind, m.description, m.references) if m.name == found.name else m
        for m in members(timeline)
    ]
    with mutation(timeline, f"Rename {found.name} to {name}", tracks(timeline), stack=True) as change:
        cast._write(timeline, renamed)
        voices = {k: v.to_dict() for k, v in character_voices(timeline).items()}
        if any(_same(k, found.name) for k in voices):
            shotline_meta(timeline)["voices"] = {
                (name if _same(k, found.name) else k): v for k, v in voices.items()
            }
        for _, clip in iter_clips(timeline):
            meta = clip.metadata.get("shotline", {})
            tags = cast.shot_cast(clip)
            if any(_same(t, found.name) for t in tags):
                shotline_meta(clip)["cast"] = [name if _same(t, found.name) else t for t in tags]
            for reference in clip.media_references().values():
                _rename_in_take(reference.metadata.get("shotline", {}), found.name, name)
            prefix = f"{found.name}: "
            if meta.get("voice") and clip.name and clip.name.casefold().startswith(prefix.casefold()):
                clip.name = f"{name}: {clip.name[len(prefix):]}"
        change.result = name
    return change


def _rename_in_take(meta: Any, old: str, new: str) -> None:
    """The take's record of who it shows and speaks, under the new name (in place)."""
    if not hasattr(meta, "get") or not meta.get("generated"):
        return
    if _same(str(meta.get("character") or ""), old):
        meta["character"] = new
    shown = meta.get("cast")
    if shown is not None and not isinstance(shown, str) and hasattr(shown, "__iter__"):
        meta["cast"] = [new if _same(str(n), old) else str(n) for n in shown]
    files = meta.get("reference_files")
    if files is not None and not isinstance(files, str) and hasattr(files, "__iter__"):
        kept = []
        for entry in files:
            plain = {str(k): v for k, v in entry.items()} if hasattr(entry, "items") else entry
            if isinstance(plain, dict) and _same(str(plain.get("name") or ""), old):
                plain["name"] = new
            kept.append(plain)
        meta["reference_files"] = kept
