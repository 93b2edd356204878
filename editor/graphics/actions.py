"""Graphics > Title / Lower Third, and Clip > Fill Frame / Fit Frame.

A title is added at the playhead on the first video track above the
picture there that is free for its length (one undo step), and selected, so
the inspector's Title section is ready to type into. Fill and Fit act on the
selected clips on video tracks, all in one undo step.
"""

from __future__ import annotations

from editor.context import EditorContext
from engine.project import titles
from engine.project.document import find_clip
from engine.render import framing


def add_title(context: EditorContext, preset: str) -> str | None:
    """Add a title from `preset` at the playhead and select it; its clip id, or None if refused."""
    done = context.session.apply(titles.add_title, preset, context.playhead.frame)
    if done is None:
        return None
    ident = done.result
    context.selection.set([ident])
    return ident


def reframe_selected(context: EditorContext, mode: str) -> None:
    timeline = context.session.timeline
    ids = []
    for ident in context.selection.ids:
        track = find_clip(timeline, ident)[0]
        if track.kind == "Video":
            ids.append(ident)
    if not ids:
        context.status.show("Select clips on a video track to fill or fit them to the frame", 3000)
        return
    label = "Fill Frame" if mode == "fill" else "Fit Frame"
    with context.session.group(label):
        for ident in ids:
            context.session.apply(framing.reframe_clip, ident, mode)


def register(context: EditorContext) -> None:
    add = context.actions.add
    centred = lambda: add_title(context, "Centred title")  # noqa: E731
    lower = lambda: add_title(context, "Lower third")  # noqa: E731
    add("graphics.title", "&Title", centred, "Graphics", "Ctrl+T", "titles")
    add("graphics.lower_third", "&Lower Third", lower, "Graphics", "", "titles")
    add("clip.fill_frame", "&Fill Frame", lambda: reframe_selected(context, "fill"), "Clip", "", "framing")
    add("clip.fit_frame", "Fi&t Frame", lambda: reframe_selected(context, "fit"), "Clip", "", "framing")
