"""Which mask versions this session can still reach: the document now, and every state undo or redo
can bring back.

A mask version is only safe to delete when no state of the document the
user can get back to points at it. Those states are the engine's change
records on the undo stack (each holds the tracks it touched, before and
after, as detached copies, and the track objects a stack change reordered
or removed), so they are walked here, in memory, on the GUI thread: no disk
is touched. What the walk finds is then handed to the mask store's writer
(or the cache cleaner's worker), which deletes the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opentimelineio as otio

from editor.session import ProjectSession
from engine.project import document
from engine.project.change import Change, ChangeGroup
from engine.project.masks import versions_used


def _changes(change: Any) -> Iterator[Change]:
    if isinstance(change, ChangeGroup):
        for part in change.changes:
            yield from _changes(part)
    elif isinstance(change, Change):
        yield change


def reachable_tracks(session: ProjectSession) -> list[otio.schema.Track]:
    """The document's tracks and every snapshot of a track the undo stack holds."""
    found: list[otio.schema.Track] = list(document.tracks(session.timeline))
    stack = session.undo_stack
    for index in range(stack.count()):
        for change in _changes(getattr(stack.command(index), "change", None)):
            for state in (*change.before, *change.after):
                saved = getattr(state, "saved", None)
                if isinstance(saved, otio.schema.Track):
                    found.append(saved)
                found.extend(t for t in getattr(state, "order", ()) if isinstance(t, otio.schema.Track))
    return found


def reachable_versions(session: ProjectSession, root: Path) -> set[str]:
    """Every mask version (relative to `root`) the document, its undo history or its takes name."""
    return versions_used(reachable_tracks(session), root)
