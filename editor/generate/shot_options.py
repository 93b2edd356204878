"""A shot dialog's model-dependent choices: the neighbours' frames as anchors, the memory plan, Draft/Final.

What the chosen backend and model can do decides what is offered: an anchor
the preset cannot honour is greyed out with the reason as its tooltip (the
engine would refuse it anyway, after the user waited for the job to start).
The plan the planner would pick for this shot on the engine's card is shown
before the job ("LTX-2.3 distilled · model offload · ~21 GB of 24 GB"); the
user may pick another rung, which the job then runs on. Draft asks for a
fast first look (distilled steps or a step cache); Final for the real steps.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QVBoxLayout,
    QWidget,
)

from editor.generate.plan_choice import PlanChoice
from editor.generate.quality_choice import QualityChoice
from engine.generate.presets import PRESETS_FILE
from engine.generate.video.choices import (
    BOTH,
    FIRST,
    LAST,
    anchor_choices,
    chosen_preset,
    preset_draft,
    shot_plans,
)

FIRST_TIP = "The last frame of the shot before this one becomes the first frame"
LAST_TIP = "The first frame of the shot after this one becomes the last frame"


class ShotOptions(QWidget):
    """Anchors, plan and quality for one backend + model; `update_for` re-reads them when either changes."""

    def __init__(self, parent: QWidget | None = None, presets: Path = PRESETS_FILE) -> None:
        super().__init__(parent)
        self._presets = presets
        self.from_previous = QCheckBox("Start from the previous shot's last frame", self)
        self.from_previous.setObjectName("anchor-first")
        self.to_next = QCheckBox("End on the next shot's first frame", self)
        self.to_next.setObjectName("anchor-last")
        self.plans = PlanChoice(self)
        self.plan, self.plan_note = self.plans.box, self.plans.note
        self.quality = QualityChoice(self)
        self.draft, self.final = self.quality.draft, self.quality.final
        self._choices = anchor_choices(None)
        self.from_previous.toggled.connect(lambda _on: self._anchor_rules())
        anchors = QVBoxLayout()
        anchors.setContentsMargins(0, 0, 0, 0)
        anchors.addWidget(self.from_previous)
        anchors.addWidget(self.to_next)
        self.anchor_box, self.quality_box = QWidget(self), self.quality.box
        self.anchor_box.setLayout(anchors)

    def rows(self, anchors: bool = True, quality: bool = True) -> list[tuple[str, Any]]:
        """(label, widget) for the form, in order: the plan, and the anchors and quality if asked."""
        found: list[tuple[str, Any]] = [("Anchors", self.anchor_box)] if anchors else []
        found += self.plans.rows()
        hidden = [w for on, w in ((anchors, self.anchor_box), (quality, self.quality_box)) if not on]
        for widget in hidden:
            widget.setVisible(False)
        return found + ([("Quality", self.quality_box)] if quality else [])

    def update_for(
        self,
        backend: str | None,
        model: str | None,
        shot: tuple[int, Fraction, tuple[int, int]] | None,
        vram_gb: float | None,
        load: dict[str, Any] | None = None,
    ) -> None:
        """Re-read what `backend` with `model` can do for a shot of (frames, rate, size) on `vram_gb`."""
        preset = chosen_preset(backend, model, self._presets)
        self._choices = anchor_choices(preset)
        self._anchor_rules()
        load = load or {}
        if preset is None or shot is None:
            self.plans.show_unplanned(loads_model=preset is not None)
        else:
            plans, chosen = shot_plans(preset, *shot, vram_gb, bool(load.get("cpu_offload")),
                                       bool(load.get("vae_tiling")))  # fmt: skip
            self.plans.show_plans(plans, chosen, vram_gb)
        self.quality.show_choice(preset_draft(preset))

    def _anchor_rules(self) -> None:
        first, last, both = self._choices[FIRST], self._choices[LAST], self._choices[BOTH]
        self.from_previous.setEnabled(first.allowed)
        self.from_previous.setToolTip(FIRST_TIP if first.allowed else first.reason)
        if not first.allowed:
            self.from_previous.setChecked(False)
        ends = last.allowed or (both.allowed and self.from_previous.isChecked())
        self.to_next.setEnabled(ends)
        if ends:
            self.to_next.setToolTip(LAST_TIP)
        elif both.allowed:
            self.to_next.setToolTip(f"{last.reason}: tick “Start from the previous shot's last frame” too")
        else:
            self.to_next.setToolTip(last.reason)
        if not ends:
            self.to_next.setChecked(False)

    def reset(self) -> None:
        self.from_previous.setChecked(False)
        self.to_next.setChecked(False)
        self.quality.reset()

    def values(self) -> dict[str, Any]:
        """The job's `plan` (only when the user chose one) and `quality` (only for Draft), so a Final
        job with the planner's choice keeps the cache key it always had."""
        found: dict[str, Any] = self.plans.value()
        found |= self.quality.value()
        return found
