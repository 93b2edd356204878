"""Clip > Animate This Still: the selected still becomes the first frame of an image-to-video take.

The Regenerate dialog opens with the still as its reference picture, so the
user picks the image-to-video model (the animatic by default, a GPU model
where there is one) and what should move; the job is the still's Regenerate
job with the picture as its image (engine.generate.video.animate_still),
run by the JobRunner, and the result lands as Regenerate's does: a new take
of the same clip that plays at once, and undo plays the still again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from editor.context import EditorContext
from editor.generate.controller import GenerationController
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.generate.video.animate_still import animate_values, play_animated
from engine.generate.video.timeline import shot_defaults

ACTION = "clip.animate_still"


class AnimateStillController(QObject):
    def __init__(
        self, context: EditorContext, generation: GenerationController, runner: JobRunner, window: QWidget
    ) -> None:
        super().__init__(window)
        self._context, self._generation, self._runner = context, generation, runner
        self.action = context.actions.add(
            ACTION, "&Animate This Still…", self.animate_selected, "Clip", "", "stills"
        )

    def stills(self) -> list[tuple[str, dict[str, Any]]]:
        """The selected stills with what animating each asks for; the status line says why when none."""
        timeline = self._context.session.timeline
        chosen, problem = [], ""
        for ident in self._generation.picture_clips():
            try:
                chosen.append((ident, animate_values(timeline, ident)))
            except ShotlineError as error:
                problem = str(error)
        if not chosen:
            self._context.status.show(problem or "Select a still on the timeline to animate it")
        return chosen

    def animate_selected(self) -> list[str]:
        """Ask with the Regenerate dialog (the still as its picture), then queue one job per still."""
        chosen = self.stills()
        if not chosen:
            return []
        if not self._runner.engine.running:
            self._runner.engine.start()
        dialog = self._generation.dialog
        ident, values = chosen[0]
        dialog.set_backends(self._runner.backends("video.generate"))
        dialog.fill(shot_defaults(self._context.session.timeline, ident), len(chosen))
        dialog.setWindowTitle("Animate This Still" if len(chosen) == 1 else f"Animate {len(chosen)} Stills")
        dialog.image.setText(values["image"])
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Animate")  # Regenerate's own fill() puts its words back next time
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        return self.animate(chosen, dialog.values(), dialog.chosen_backend)

    def animate(
        self, chosen: list[tuple[str, dict[str, Any]]], asked: dict[str, Any], backend: str | None
    ) -> list[str]:
        """One image-to-video job per still, each from its own picture (the dialog's for one still)."""
        tokens = []
        for ident, values in chosen:
            own = {**asked, "image": values["image"]}
            if len(chosen) == 1 and asked.get("image"):
                own["image"] = asked["image"]
            own["prompt"] = asked.get("prompt") or values["prompt"]
            tokens += self._generation.regenerate([ident], own, backend, play=play_animated)
        return tokens
