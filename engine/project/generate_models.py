"""Generate All's model choice, kept in the project: which backend (and model) makes each kind of job.

A film made on a GPU box is made with the models chosen for it; the choice
belongs with the film, so the editor and `shotline generate-all` (without
--use) make its keyframes and shots the same way, on any machine that has
those models. Stored in the timeline's ``metadata["shotline"]`` as
``{task: {"backend": name, "model": preset, hub id or folder (optional)}}``;
a task not named uses its default (the no-download one on a CPU). Changing
it is an edit like any other: one undo step, saved with the project.
"""

from __future__ import annotations

from typing import Any

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import Timeline

KEY = "generate_models"
#: The tasks of a Generate All batch whose model can be chosen, in the order the dialog shows them.
CHOOSABLE = ("image.generate", "image.edit", "video.generate")

#: task: {"backend": name, "model": id (optional)}, as engine.generate.generate_all's Models.
Models = dict[str, dict[str, str]]


def check_models(models: object) -> Models:
    """Only the choosable tasks, each with a backend name; an EditError says what else it was given."""
    if not isinstance(models, dict):
        raise EditError("Generate All's models must be a table of task: backend")
    checked: Models = {}
    for task, chosen in models.items():
        if task not in CHOOSABLE:
            raise EditError(f"Generate All has no model to choose for {task!r}: only {', '.join(CHOOSABLE)}")
        if not isinstance(chosen, dict) or not str(chosen.get("backend") or "").strip():
            raise EditError(f"Generate All's model for {task} needs a backend")
        entry = {"backend": str(chosen["backend"]).strip()}
        if str(chosen.get("model") or "").strip():
            entry["model"] = str(chosen["model"]).strip()
        checked[task] = entry
    return checked


def generate_models(timeline: Timeline) -> Models:
    """The project's choice; a hand-edited entry that makes no sense is left out (its default is used)."""
    stored = timeline.metadata.get("shotline", {}).get(KEY)
    if not hasattr(stored, "items"):
        return {}
    found: Models = {}
    for task, chosen in stored.items():
        try:
            found |= check_models({str(task): dict(chosen) if hasattr(chosen, "items") else chosen})
        except EditError:
            continue
    return found


def set_generate_models(timeline: Timeline, models: dict[str, Any]) -> Change:
    """Choose Generate All's models for this project (an empty table: every task's default)."""
    chosen = check_models(models)
    if chosen == generate_models(timeline):
        raise EditError("Generate All already uses these models")
    with mutation(timeline, "Choose Generate All Models", stack=True) as change:
        shotline = timeline.metadata.setdefault("shotline", {})
        if chosen:
            shotline[KEY] = chosen
        elif KEY in shotline:
            del shotline[KEY]
        change.result = chosen
    return change
