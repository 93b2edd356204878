"""Draft or Final before a job: one switch for every generate dialog, greyed with why where it cannot apply.

Draft is a fast first look (a distilled model's own few steps, or a step
cache diffusers has for the model's blocks); Final runs the model's real
steps. What a preset allows comes from engine.generate.draft_choice: a
model whose denoiser no cache fits (SD inpainting, Stable Audio) keeps
Draft greyed out, its tooltip saying why.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QRadioButton, QWidget

from engine.generate.draft_choice import DRAFT, DraftChoice


class QualityChoice:
    """The Draft and Final buttons in a row (`box`); `value()` is the job's `quality` when Draft."""

    def __init__(self, parent: QWidget) -> None:
        self.draft = QRadioButton("Draft", parent)
        self.draft.setObjectName("quality-draft")
        self.final = QRadioButton("Final", parent)
        self.final.setObjectName("quality-final")
        self.final.setChecked(True)
        self.final.setToolTip("The model's real steps, no cache")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.draft)
        row.addWidget(self.final)
        row.addStretch(1)
        self.box = QWidget(parent)
        self.box.setLayout(row)

    def show_choice(self, choice: DraftChoice) -> None:
        self.draft.setEnabled(choice.allowed)
        self.draft.setToolTip(f"A fast first look: {choice.method}" if choice.allowed else choice.reason)
        if not choice.allowed:
            self.final.setChecked(True)

    def reset(self) -> None:
        self.final.setChecked(True)

    def value(self) -> dict[str, str]:
        """{"quality": "draft"} only for Draft, so a Final job keeps the cache key it always had."""
        return {"quality": DRAFT} if self.draft.isChecked() and self.draft.isEnabled() else {}
