"""Clip > Regenerate Shot: from the selected clips to engine jobs, and from results to takes.

Each selected picture clip becomes one job with exactly its frames. The
jobs panel shows them (cancel and retry included); a finished job becomes a
new, active take on the same clip as one undo step, found by the clip's id
so an edit made meanwhile (the clip moved, other clips cut) does not get in
the way. Job ids are the editor's own: an engine restarted after a crash
counts its jobs from 1 again.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from editor.background import run_in_background
from editor.context import EditorContext
from editor.engine_client import EngineClient
from editor.generate.dialog import RegenerateDialog
from editor.jobs.model import JobsModel
from engine.errors import ShotlineError
from engine.generate.shot import shot_defaults, shot_spec, take_from_result
from engine.jobs.spec import default_cache_dir
from engine.project import document, takes, trackedit
from engine.project.document import VIDEO


@dataclass
class ShotJob:
    token: str
    clip_id: str
    spec: dict[str, Any]
    engine_job: str | None = None


class GenerationController(QObject):
    clipProgress = Signal(str, float)  # clip id, fraction (1.0 when its job ends)

    def __init__(
        self, context: EditorContext, engine: EngineClient, jobs: JobsModel, window: QWidget
    ) -> None:
        super().__init__(window)
        self._context, self._engine, self._jobs, self._window = context, engine, jobs, window
        self._tokens = itertools.count(1)
        self._shots: dict[str, ShotJob] = {}  # by token
        self.dialog = RegenerateDialog(window)
        text, run = "&Regenerate Shot…", self.regenerate_selected
        context.actions.add("clip.regenerate", text, run, "Clip", "Ctrl+Shift+G", "generate")
        engine.progress.connect(self._progress)
        engine.done.connect(self._done)
        engine.failed.connect(self._failed)
        engine.cancelled.connect(self._cancelled)
        jobs.cancelRequested.connect(self._cancel)
        jobs.retryRequested.connect(self._retry)

    # asking -----------------------------------------------------------------------------

    def picture_clips(self) -> list[str]:
        timeline = self._context.session.timeline
        chosen = []
        for ident in self._context.selection.ids:
            try:
                track, _clip = document.find_clip(timeline, ident)
            except ShotlineError:
                continue
            if track.kind == VIDEO:
                chosen.append(ident)
        return chosen

    def regenerate_selected(self) -> None:
        clips = self.picture_clips()
        if not clips:
            self._context.status.show("Select a picture clip to regenerate")
            return
        if not self._engine.running:
            self._engine.start()
        timeline = self._context.session.timeline
        info = self._engine.info or {}
        self.dialog.set_backends(info.get("tasks", {}).get("video.generate", []) or _animatic_only())
        self.dialog.fill(shot_defaults(timeline, clips[0]), len(clips))
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        from_previous = self.dialog.from_previous.isChecked()
        self.regenerate(clips, self.dialog.values(), self.dialog.chosen_backend, from_previous)

    def regenerate(
        self, clips: list[str], values: dict[str, Any], backend: str | None, from_previous: bool = False
    ) -> list[str]:
        """Queue one job per clip; returns the jobs' tokens (as the jobs panel lists them)."""
        session = self._context.session
        cache = default_cache_dir(session.path)
        tokens = []
        for ident in clips:
            own = dict(values)
            if not own.get("prompt"):
                own["prompt"] = shot_defaults(session.timeline, ident).values.get("prompt", "")
            try:
                spec = shot_spec(session.timeline, ident, own, backend, cache)
            except ShotlineError as error:
                self._context.status.show(str(error))
                continue
            token = f"shot-{next(self._tokens)}"
            self._shots[token] = ShotJob(token, ident, spec)
            self._jobs.add(token, spec["params"]["title"], retryable=True)
            tokens.append(token)
            if from_previous:
                self._with_previous_frame(token, cache)
            else:
                self._submit(token)
        return tokens

    def _with_previous_frame(self, token: str, cache: Path) -> None:
        """Render the last frame before the clip (off the GUI thread) and use it as the reference."""
        shot = self._shots[token]
        timeline = self._context.session.timeline
        track, clip = document.find_clip(timeline, shot.clip_id)
        start = trackedit.slot_of(track, clip, self._context.session.rate).start
        if start == 0:
            self._context.status.show("This shot is the first: there is no previous frame to start from")
            self._submit(token)
            return
        snapshot = timeline.clone()
        target = cache / "references" / f"{shot.clip_id}-{start - 1}.png"

        def render() -> str:
            from PIL import Image

            from engine.render.video import video_frame

            target.parent.mkdir(parents=True, exist_ok=True)
            rgb = np.ascontiguousarray(video_frame(snapshot, start - 1))
            partial = target.with_suffix(".part.png")
            Image.fromarray(rgb).save(partial)
            partial.replace(target)
            return str(target)

        def rendered(path: str) -> None:
            shot.spec["params"]["image"] = path
            self._submit(token)

        def failed(error: Exception) -> None:
            self._jobs.failed(token, f"Could not take the previous shot's last frame: {error}")

        run_in_background(render, rendered, failed, self)

    def _submit(self, token: str) -> None:
        shot = self._shots[token]

        def submitted(result: dict[str, Any] | None, error: str | None) -> None:
            if result is None:
                self._jobs.failed(token, error or "The engine refused the job")
                return
            shot.engine_job = result["job"]

        self._engine.submit(shot.spec, submitted)

    # hearing back -------------------------------------------------------------------------

    def _token(self, engine_job: str) -> ShotJob | None:
        return next((s for s in self._shots.values() if s.engine_job == engine_job), None)

    def _progress(self, engine_job: str, params: dict[str, Any]) -> None:
        shot = self._token(engine_job)
        if shot is None:
            return
        fraction = float(params.get("fraction", 0.0))
        stage = str(params.get("stage", ""))
        if params.get("steps"):
            stage = f"{stage} {params.get('step')}/{params['steps']}"
        self._jobs.progress(shot.token, fraction, stage, params.get("eta"))
        self.clipProgress.emit(shot.clip_id, fraction)

    def _done(self, engine_job: str, result: dict[str, Any]) -> None:
        shot = self._token(engine_job)
        if shot is None:
            return
        shot.engine_job = None
        self.clipProgress.emit(shot.clip_id, 1.0)
        session = self._context.session
        try:
            reference, made = take_from_result(result, session.rate)
        except ShotlineError as error:
            self._jobs.failed(shot.token, str(error))
            return
        added = session.apply_outside_history(takes.add_take, shot.clip_id, reference, made, activate=False)
        change = session.apply(takes.set_active_take, shot.clip_id, added.result) if added else None
        if change is None:
            self._jobs.failed(shot.token, "The clip is gone or locked; the result is kept in the cache")
            return
        name = "from the cache" if result.get("cached") else "new"
        self._jobs.done(shot.token, f"{change.result} ({name})")
        self._context.status.show(f"{shot.spec['params']['shot']}: {change.result} is playing")

    def _failed(self, engine_job: str, message: str) -> None:
        shot = self._token(engine_job)
        if shot is not None:
            shot.engine_job = None
            self.clipProgress.emit(shot.clip_id, 1.0)
            self._jobs.failed(shot.token, message)

    def _cancelled(self, engine_job: str) -> None:
        shot = self._token(engine_job)
        if shot is not None:
            shot.engine_job = None
            self.clipProgress.emit(shot.clip_id, 1.0)
            self._jobs.cancelled(shot.token)

    def _cancel(self, token: str) -> None:
        shot = self._shots.get(token)
        if shot is not None and shot.engine_job is not None:
            self._engine.cancel(shot.engine_job)

    def _retry(self, token: str) -> None:
        shot = self._shots.get(token)
        if shot is None:
            return
        if not self._engine.running:
            self._engine.start()
        self._jobs.add(token, shot.spec["params"]["title"], retryable=True)
        self._submit(token)


def _animatic_only() -> list[dict[str, Any]]:
    """Until the engine has answered, the backend that is always there."""
    label = "Animatic (storyboard panel, no AI model)"
    return [{"name": "animatic", "label": label, "ready": True, "default": True}]
