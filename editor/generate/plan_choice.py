"""The memory plan shown before a job, with the user's override: one widget for every generate dialog.

The Regenerate, Generate Shot, Extend, Score and Inpaint dialogs all show
the plan the planner would pick on the engine's card ("ACE-Step 1.5 · model
offload · ~11 GB of 12 GB") as the box's first, "Automatic" entry, then every
rung of the ladder; a rung the user picks travels in the job as `plan` and
the engine starts its ladder there. The full plan is repeated under the box,
whose closed width may cut it short.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy, QWidget

from editor.generate.dialog_backends import fit_backend_box, show_items_whole
from engine.generate.planner import Plan

AUTOMATIC = "Automatic"
NO_MODEL = "No model to load: runs anywhere"


class PlanChoice:
    """The plan box and the note under it; `rows()` puts them in a form."""

    def __init__(self, parent: QWidget, name: str = "shot-plan") -> None:
        self.box = QComboBox(parent)
        self.box.setObjectName(name)
        self.note = QLabel(parent)
        self.note.setObjectName(f"{name}-note")
        self.note.setWordWrap(True)
        fit_backend_box(self.box)
        self.box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # the form's width
        self.box.currentIndexChanged.connect(lambda _index: self._show_note())
        self._where = ""

    def rows(self) -> list[tuple[str, QWidget]]:
        return [("Plan", self.box), ("", self.note)]

    def show_plans(self, plans: list[Plan], chosen: int, vram_gb: float | None) -> None:
        """The planner's choice first ("Automatic: ..."), then every rung the user may pick instead."""
        self.box.clear()
        self.box.setEnabled(len(plans) > 1)
        self.box.addItem(f"{AUTOMATIC}: {plans[chosen].describe()}", None)
        for plan in plans:
            self.box.addItem(plan.describe(), plan.step)
        where = f"a {vram_gb:.0f} GB card" if vram_gb is not None else "the CPU (the engine found no GPU)"
        self._where = f"Planned for {where}; the engine plans again with the memory free then"
        show_items_whole(self.box)
        self.box.setMinimumWidth(0)  # the note below shows the chosen plan whole; the box stays narrow
        self._show_note()

    def show_unplanned(self, loads_model: bool) -> None:
        """No plan to show: a backend that loads no model, or a model the editor cannot plan for."""
        self.box.clear()
        self.box.addItem(f"{AUTOMATIC}: planned when the job starts" if loads_model else NO_MODEL, None)
        self.box.setEnabled(False)
        self._where = ""
        self.note.setText("")

    def value(self) -> dict[str, str]:
        """The job's `plan`, only when the user chose one (the planner's choice keeps the job's cache key)."""
        chosen = self.box.currentData()
        return {"plan": chosen} if chosen else {}

    def _show_note(self) -> None:
        if not self._where:
            return
        text = self.box.currentText().removeprefix(f"{AUTOMATIC}: ")
        self.note.setText(f"{text}\n{self._where}")
