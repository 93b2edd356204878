"""Show an edit in the viewer before it is made: the picture follows a drag, undo sees only the end.

A handle or slider drag calls `preview` on every move: the edit runs on a
copy of the timeline (never on the document, so no undo step and no
"changed" signal), and the timeline viewer shows the playhead's frame of
that copy through the same channel a trim's edit frame uses. On release
the caller makes the one real edit and calls `end_preview`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from editor.context import EditorContext
from engine.errors import ShotlineError


def preview(
    context: EditorContext, edit: Callable[..., Any], calls: Sequence[tuple[Any, ...]], **kwargs: Any
) -> bool:
    """Show the playhead's frame with `edit(copy, *args, **kwargs)` applied for each args in `calls`.

    Returns False (and shows nothing new) when the engine refuses the edit."""
    copy = context.session.timeline.clone()
    try:
        for args in calls:
            edit(copy, *args, **kwargs)
    except ShotlineError:
        return False
    context.media.editFrame.emit(copy, context.playhead.frame, ())
    return True


def end_preview(context: EditorContext) -> None:
    """The drag is over: the viewer goes back to the document's own frame."""
    context.media.editFrame.emit(None, -1, ())
