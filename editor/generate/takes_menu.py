"""The Takes submenu of a clip's right-click menu: every version of the shot, the playing one ticked.

The playing take is also bold: a tick alone is easy to miss in a list of
similar lines, and the inspector's list marks the same take the same way.

Choosing another take plays it as one undo step, the same edit as the
inspector's "Make active", so the timeline and the inspector never disagree.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from editor.context import EditorContext
from editor.inspector.take_switch import play_take
from engine.errors import ShotlineError
from engine.project import document, takes
from engine.project.takes import Take

PROMPT_CHARS = 32


def take_label(number: int, take: Take) -> str:
    """'Take 2 · seed 7 · “A red door…”' (recorded footage says so; a Draft take says draft)."""
    made = take.provenance
    if made is None:
        return f"Take {number} · recorded footage"
    parts = [f"Take {number}"]
    if made.seed is not None:
        parts.append(f"seed {made.seed}")
    if made.prompt:
        prompt = made.prompt if len(made.prompt) <= PROMPT_CHARS else made.prompt[: PROMPT_CHARS - 1] + "…"
        parts.append(f"“{prompt}”")
    if made.backend == "animatic":
        parts.append("animatic")
    if made.extra.get("quality") == "draft":
        parts.append("draft")  # a fast first look: worth making again as Final
    return " · ".join(parts)


def add_takes(menu: QMenu, context: EditorContext, ident: str) -> QMenu | None:
    """Add a Takes submenu for clip `ident` when it has more than one take or a generated one."""
    try:
        _track, clip = document.find_clip(context.session.timeline, ident)
        found = takes.takes(clip)
    except ShotlineError:
        return None
    if len(found) < 2 and all(t.provenance is None for t in found):
        return None
    sub = menu.addMenu("Takes")
    sub.setObjectName("clip-takes-menu")
    for number, take in enumerate(found, start=1):
        action = sub.addAction(take_label(number, take))
        action.setCheckable(True)
        action.setChecked(take.active)
        action.setData(take.key)
        if take.active:
            font = action.font()
            font.setBold(True)
            action.setFont(font)
            action.setToolTip("This take plays now")
        else:
            key = take.key
            action.triggered.connect(lambda _checked=False, key=key: play_take(context.session, ident, key))
    return sub
