"""Clip > Animate This Still: the selected still becomes the first frame of an image-to-video take.

The job is the still's Regenerate job with the picture as its image
(engine.generate.video.animate_still), run by the JobRunner with the
engine's default video backend; the result lands as Regenerate's does, a
new take of the same clip that plays at once, and undo plays the still again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from editor.context import EditorContext
from editor.generate.controller import GenerationController
from engine.errors import ShotlineError
from engine.generate.video.animate_still import animate_values

ACTION = "clip.animate_still"


class AnimateStillController(QObject):
    def __init__(self, context: EditorContext, generation: GenerationController, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._generation = context, generation
        self.action = context.actions.add(
            ACTION, "&Animate This Still", self.animate_selected, "Clip", "", "stills"
        )

    def animate_selected(self) -> list[str]:
        """Queue one image-to-video job per selected still; returns their jobs-panel tokens."""
        timeline = self._context.session.timeline
        chosen, problem = [], ""
        for ident in self._generation.picture_clips():
            try:
                chosen.append((ident, animate_values(timeline, ident)))
            except ShotlineError as error:
                problem = str(error)
        if not chosen:
            self._context.status.show(problem or "Select a still on the timeline to animate it")
            return []
        tokens = []
        for ident, values in chosen:
            tokens += self._generation.regenerate([ident], values, None)
        return tokens
