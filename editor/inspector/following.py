"""What every inspector section does to follow the editor: refresh on each change, find its one clip.

The sections (speed, title, transform, voice text) each show themselves for one
selected clip and refill from the document whenever it, or the selection, changes.
"""

from __future__ import annotations

from collections.abc import Callable

from editor.context import EditorContext
from engine.errors import ShotlineError
from engine.project import document
from engine.project.document import Clip


def follow(context: EditorContext, refresh: Callable[[], None]) -> None:
    """Call `refresh` after every edit, undo, opened project and selection change."""
    context.session.changed.connect(refresh)
    context.session.replaced.connect(refresh)
    context.selection.changed.connect(refresh)


def one_selected_clip(context: EditorContext) -> Clip | None:
    """The clip when exactly one is selected and it is still in the document, else None."""
    ids = context.selection.ids
    if len(ids) != 1:
        return None
    try:
        return document.find_clip(context.session.timeline, ids[0])[1]
    except ShotlineError:
        return None
