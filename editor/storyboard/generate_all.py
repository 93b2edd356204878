"""Sequence > Generate All: every placeholder or stale shot (or the chosen ones) through the JobRunner.

The plan is the engine's (engine.generate.generate_all): a shot is two
jobs, its keyframe (image.edit from the references of the Cast it shows
and of the style, or image.generate when there are none) and then the
shot from that keyframe (video.generate), so the same face comes back in
every shot; "Stills only" stops at the keyframe and makes it the shot's
take. Lines of dialogue spoken in a voice their character no longer has
are spoken again. The spec builders are the engine's, so the editor and
`shotline generate-all` ask for the same jobs and share their cache.

Each job is one row of the Jobs panel (titles from engine.jobs.titles);
a shot's job starts when its keyframe lands, so keyframes always come
first. Each result lands as a take of its clip the moment it arrives, one
undo step per shot: a placeholder's first take replaces it (undo brings
the placeholder back); a stale shot gets a new take, added outside the
history as Regenerate Shot does, and playing it is the undo step.

Nothing of a batch is lost when the editor closes: every result is in the
project's cache under its spec's key, so Generate All run again (after
reopening, or after undo) gets each one back at once, "Done (from the
cache)".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.jobs.model import State
from editor.jobs.runner import JobRunner
from editor.storyboard.anchoring import Anchoring
from editor.storyboard.generate_models import GenerateModelsDialog, chosen_backends, models_for, with_backends
from engine.errors import ShotlineError
from engine.generate.generate_all import (
    LineWork,
    ShotWork,
    keyframe_spec,
    line_spec,
    lines_to_generate,
    shot_take,
    shot_work,
    shots_to_generate,
    still_take,
    video_spec,
)
from engine.generate.voice.timeline import add_voice_take
from engine.jobs.spec import default_cache_dir
from engine.project import cast, document, takes
from engine.project.document import VIDEO
from engine.project.generate_models import set_generate_models
from engine.project.placeholders import fill_placeholder, is_placeholder


@dataclass
class BatchProgress:
    """The whole batch in one line: shots and lines landed of those asked for."""

    shots: set[str] = field(default_factory=set)  # the clips asked for
    lines: set[str] = field(default_factory=set)
    shots_landed: set[str] = field(default_factory=set)
    lines_landed: set[str] = field(default_factory=set)
    tokens: list[str] = field(default_factory=list)  # every job of the batch, keyframes and retries too

    @property
    def finished(self) -> bool:
        return self.shots <= self.shots_landed and self.lines <= self.lines_landed


class GenerateAllController(QObject):
    changed = Signal()  # the batch moved on (a job started, landed, failed)
    started = Signal()  # the user asked for a batch and its jobs are queued

    def __init__(self, context: EditorContext, runner: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._runner = context, runner
        self.batch = BatchProgress()
        self.anchoring = Anchoring()
        self._keyframe_tokens: dict[str, str] = {}  # a keyframe job's token: its shot's clip id
        context.actions.add(
            "sequence.generate_all",
            "Generate &All",
            self.generate_selected_or_all,
            "Sequence",
            "",
            "generate",
        )
        context.actions.add(
            "sequence.regenerate_stale",
            "Regenerate &Stale Shots",
            self.regenerate_stale,
            "Sequence",
            "",
            "generate",
        )
        self.anchors_action = context.actions.add(
            "sequence.generate_anchors",
            "Anchor Shots to Their &Neighbours",
            lambda: None,
            "Sequence",
            "",
            "generate",
            checkable=True,
        )
        self.anchors_action.setToolTip(
            "Generate All ends each shot on the picture the next one starts from "
            "(needs a video model that can end on a given picture)"
        )
        self.models_dialog = GenerateModelsDialog(window)
        context.actions.add(
            "sequence.generate_models",
            "Generate All &Models…",
            self.choose_models,
            "Sequence",
            "",
            "generate",
        )
        for signal in (runner.jobStarted, runner.jobDone, runner.jobFailed, runner.jobCancelled):
            signal.connect(self._heard)
        for signal in (runner.jobFailed, runner.jobCancelled):
            signal.connect(self._keyframe_gave_up)

    # asking -------------------------------------------------------------------------------------

    def generate_selected_or_all(self, stills_only: bool = False) -> list[str]:
        """The selected picture clips, or with none selected every placeholder, stale shot and line."""
        chosen = self.picture_selection()
        return self.generate(chosen or None, stills_only)

    def choose_models(self) -> None:
        """Which backends make Generate All's keyframes and shots (a GPU's models), kept in the project."""
        if not self._runner.engine.running:
            self._runner.engine.start()
        session = self._context.session
        tasks = ("image.generate", "image.edit", "video.generate")
        self.models_dialog.fill(
            {t: self._runner.backends(t) for t in tasks}, chosen_backends(session.timeline)
        )
        if self.models_dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = with_backends(session.timeline, self.models_dialog.chosen())
        if chosen != models_for(session.timeline):
            session.apply(set_generate_models, chosen)  # one undo step, saved with the film

    def regenerate_stale(self) -> list[str]:
        """Every shot whose take no longer shows the Cast as it is, in one batch (placeholders wait)."""
        stale = [s.clip_id for s in cast.stale_clips(self._context.session.timeline)]
        if not stale:
            self._context.status.show("No stale shots: every take shows the Cast as it is")
            return []
        return self.generate(stale)

    def generate(self, clip_ids: list[str] | None = None, stills_only: bool = False) -> list[str]:
        """Queue the batch; returns the tokens of the jobs started now (keyframes and lines)."""
        timeline = self._context.session.timeline
        busy = {job.clip_id for job in self._runner.live_jobs()}
        if clip_ids is None:
            shots = shots_to_generate(timeline)
            lines = [] if stills_only else lines_to_generate(timeline)
        else:
            shots, lines = [shot_work(timeline, ident) for ident in clip_ids], []
        shots = [s for s in shots if s.clip_id not in busy]
        lines = [line for line in lines if line.clip_id not in busy]
        if not shots and not lines:
            self._context.status.show(
                "Nothing to generate: every shot has a take that shows the Cast as it is"
            )
            return []
        if self.batch.finished:
            self.batch = BatchProgress()
        self.batch.shots |= {s.clip_id for s in shots}
        self.batch.lines |= {line.clip_id for line in lines}
        self.batch.shots_landed -= self.batch.shots  # asked again: not landed until it lands again
        self.batch.lines_landed -= self.batch.lines
        cache = default_cache_dir(self._context.session.path)
        started = []
        if self.anchors_action.isChecked() and not stills_only:
            self.anchoring.asked([s.clip_id for s in shots])
        for shot in shots:
            try:
                spec = keyframe_spec(timeline, shot, cache, models=models_for(timeline))
            except ShotlineError as error:
                self.anchoring.pending.discard(shot.clip_id)
                self._context.status.show(f"{shot.name}: {error}")
                continue
            on_done = self._keyframe_landed(shot, stills_only)
            token = self._submit(spec, on_done, shot.clip_id, reveal=not started)
            self._keyframe_tokens[token] = shot.clip_id
            started.append(token)
        for line in lines:
            spec = line_spec(line, cast.voice(timeline, line.character), cache)
            started.append(self._submit(spec, self._line_landed(line), line.clip_id, reveal=not started))
        what = f"{len(shots)} shot(s)" + (f" and {len(lines)} line(s)" if lines else "")
        self._context.status.show(f"Generate All: {what} queued")
        self.started.emit()
        self.changed.emit()
        return started

    def cancel_all(self) -> None:
        for token in self.batch.tokens:
            self._runner.cancel(token)

    def retry_failed(self) -> list[str]:
        """Run again every job of the batch that failed or was cancelled (each with its own spec)."""
        again = [t for t in self.batch.tokens if self._state(t) in (State.FAILED, State.CANCELLED)]
        for token in again:
            self._runner.retry(token)
        return again

    # the batch as the storyboard shows it --------------------------------------------------------

    def running(self) -> int:
        return sum(1 for t in self.batch.tokens if self._state(t) in (State.QUEUED, State.RUNNING))

    def failed(self) -> int:
        return sum(1 for t in self.batch.tokens if self._state(t) in (State.FAILED, State.CANCELLED))

    def summary(self) -> str:
        """ "2 of 3 shots · 1 of 1 lines · 1 failed", or "" before the first batch."""
        batch = self.batch
        if not batch.shots and not batch.lines:
            return ""
        parts = [f"{len(batch.shots_landed)} of {len(batch.shots)} shots"] if batch.shots else []
        if batch.lines:
            parts.append(f"{len(batch.lines_landed)} of {len(batch.lines)} lines")
        if self.failed():
            parts.append(f"{self.failed()} failed")
        return " · ".join(parts)

    # hearing back --------------------------------------------------------------------------------

    def _submit(self, spec: dict[str, Any], on_done: Any, clip_id: str, reveal: bool) -> str:
        token = self._runner.submit(spec, spec["params"]["title"], on_done, clip_id, reveal=reveal)
        self.batch.tokens.append(token)
        return token

    def _keyframe_landed(self, shot: ShotWork, stills_only: bool):
        def on_done(result: dict[str, Any]) -> str:
            if stills_only:
                key = self._land(shot, *still_take(shot, result))
                return f"{key} of {shot.name}"
            session = self._context.session
            if shot.clip_id in self.anchoring.pending:  # anchored: it may wait for its neighbour
                cache = default_cache_dir(session.path)
                ready = self.anchoring.landed(session.timeline, shot, result, cache)
                for one in ready:
                    self._queue_shot(one.shot, one.keyframe, one.last_image)
                if all(one.shot.clip_id != shot.clip_id for one in ready):
                    return "Keyframe ready: the shot waits for the next shot's keyframe"
                return "Keyframe ready: the shot is queued"
            self._queue_shot(shot, result, None)
            return "Keyframe ready: the shot is queued"

        return on_done

    def _queue_shot(self, shot: ShotWork, keyframe: dict[str, Any], last_image: str | None) -> None:
        session = self._context.session
        try:
            chosen = dict(models_for(session.timeline).get("video.generate", {}))
            backend = chosen.pop("backend", None)
            spec = video_spec(
                session.timeline, shot, keyframe, default_cache_dir(session.path), backend, last_image, chosen
            )
        except ShotlineError as error:
            raise ShotlineError(f"{shot.name} is gone or cannot be generated: {error}") from None
        self._submit(spec, self._shot_landed(shot, keyframe), shot.clip_id, reveal=False)

    def _keyframe_gave_up(self, token: str, *_rest: object) -> None:
        """A keyframe failed or was cancelled: shots anchored to it go ahead without it."""
        ident = self._keyframe_tokens.get(token)
        if ident is None or ident not in self.anchoring.pending:
            return
        session = self._context.session
        for one in self.anchoring.gave_up(session.timeline, ident, default_cache_dir(session.path)):
            try:
                self._queue_shot(one.shot, one.keyframe, one.last_image)
            except ShotlineError as error:
                self._context.status.show(str(error))

    def _shot_landed(self, shot: ShotWork, keyframe: dict[str, Any]):
        def on_done(result: dict[str, Any]) -> str:
            key = self._land(shot, *shot_take(shot, result, keyframe, self._context.session.rate))
            return f"{key} of {shot.name}"

        return on_done

    def _land(self, shot: ShotWork, reference: Any, made: Any) -> str:
        """The result as the shot's playing take, one undo step; raises when the shot is gone."""
        session = self._context.session
        try:
            _, clip = document.find_clip(session.timeline, shot.clip_id)
        except ShotlineError:
            raise ShotlineError(f"{shot.name} is gone; the result is kept in the cache") from None
        if is_placeholder(clip):
            change = session.apply(fill_placeholder, shot.clip_id, reference, made)
            key = change.result if change else None
        else:
            key = takes.take_with_media(clip, reference)
            if key is None:
                added = session.apply_outside_history(takes.add_take, shot.clip_id, reference, made, False)
                key = added.result if added else None
            if key is not None and key != clip.active_media_reference_key:
                change = session.apply(takes.set_active_take, shot.clip_id, key)
                key = change.result if change else None
        if key is None:
            raise ShotlineError(f"{shot.name} is locked; the result is kept in the cache")
        self.batch.shots_landed.add(shot.clip_id)
        return key

    def _line_landed(self, line: LineWork):
        def on_done(result: dict[str, Any]) -> str:
            change = self._context.session.apply(add_voice_take, line.clip_id, result)
            if change is None:
                raise ShotlineError("The line is gone or locked; the result is kept in the cache")
            self.batch.lines_landed.add(line.clip_id)
            return f"{change.result} of {line.character}'s line"

        return on_done

    def picture_selection(self) -> list[str]:
        timeline = self._context.session.timeline
        chosen = []
        for ident in self._context.selection.ids:
            try:
                track, _ = document.find_clip(timeline, ident)
            except ShotlineError:
                continue
            if track.kind == VIDEO:
                chosen.append(ident)
        return chosen

    def _state(self, token: str) -> State | None:
        job = self._runner.jobs_model.job(token)
        return job.state if job is not None else None

    def _heard(self, token: str, *_rest: object) -> None:
        if token in self.batch.tokens:
            self.changed.emit()
