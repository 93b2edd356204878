"""Sequence > Score Music…: from a range of the cut to a score on a music track.

The range is the in/out marks, else the span of the selected clips, else
the whole timeline; its picture cuts go to the engine so the music turns
with the shots. The finished score is placed as one undo step: on the
first music track with room (a Music track is made when there is none), at
-12 dB with fades; scoring the same range again adds a take to the score
already there. The engine's result is kept in the cache and in the media
bin ("Score: … · take N", outside the undo history), so nothing is lost if
the range was edited meanwhile, the step is undone or the clip deleted.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.generate.score_dialog import ScoreDialog
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.generate.score.timeline import (
    free_music_track,
    new_score_clip,
    range_cuts,
    score_clip_at,
    score_name,
    score_reference,
    score_spec,
)
from engine.generate.video.choices import gpu_gb
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin
from engine.project import document, roles, takes, trackedit
from engine.project.times import rate_fraction, timecode


class ScoreController(QObject):
    def __init__(self, context: EditorContext, runner: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._runner = context, runner
        self.dialog = ScoreDialog(window)
        context.actions.add(
            "sequence.score_music", "Score &Music…", self.ask, "Sequence", "Ctrl+Alt+M", "generate"
        )

    # the range ----------------------------------------------------------------------------

    def score_range(self) -> tuple[int, int] | None:
        """(first frame, frames): the marks, else the selected clips' span, else the whole timeline."""
        marked = self._context.playhead.marked_range()
        if marked is not None and marked[1] > 0:
            return marked
        timeline, rate = self._context.session.timeline, self._context.session.rate
        spans = []
        for ident in self._context.selection.ids:
            try:
                track, clip = document.find_clip(timeline, ident)
            except ShotlineError:
                continue
            slot = trackedit.slot_of(track, clip, rate)
            spans.append((slot.start, slot.end))
        if spans:
            start = min(s for s, _ in spans)
            return start, max(e for _, e in spans) - start
        end = trackedit.timeline_end(timeline, rate)
        return (0, end) if end > 0 else None

    # asking -------------------------------------------------------------------------------

    def ask(self) -> None:
        span = self.score_range()
        if span is None:
            self._context.status.show("Nothing to score: the timeline is empty")
            return
        engine = self._runner.engine
        if not engine.running:
            engine.start()
        start, frames = span
        rate = self._context.session.rate
        cuts = range_cuts(self._context.session.timeline, start, frames)
        self.dialog.set_backends(self._runner.backends("music.score"))
        plural = "" if len(cuts) == 1 else "s"
        span_text = f"{timecode(start, rate)} – {timecode(start + frames, rate)}"
        self.dialog.set_range(f"{span_text}  ({frames} frames, {len(cuts)} cut{plural})")
        self.dialog.set_cue(frames, rate_fraction(rate), gpu_gb(self._runner.engine_info()), self._loads())
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.score(start, frames, self.dialog.values(), self.dialog.chosen_backend)

    def _loads(self) -> dict[str, dict[str, Any]]:
        """Each backend's model and load options from Settings > Models, for the plan the dialog shows."""
        found = {}
        for backend in self._runner.backends("music.score"):
            spec = {"task": "music.score", "backend": backend["name"], "params": {}}
            found[backend["name"]] = self._runner.outgoing(spec).get("params", {})
        return found

    def score(
        self, start: int, frames: int, values: dict[str, Any], backend: str | None = None
    ) -> str | None:
        """Queue the job; returns its jobs-panel token."""
        session = self._context.session
        try:
            spec = score_spec(
                session.timeline, start, frames, values, backend, default_cache_dir(session.path)
            )
        except ShotlineError as error:
            self._context.status.show(str(error))
            return None
        return self._runner.submit(spec, spec["params"]["title"], self._placer(start, frames))

    # hearing back -------------------------------------------------------------------------

    def _placer(self, start: int, frames: int):
        def on_done(result: dict[str, Any]) -> str:
            session = self._context.session
            existing = score_clip_at(session.timeline, start, frames)
            if existing is not None:  # the same range again: a new take, kept when undone (as Regenerate)
                reference, made = score_reference(result, frames, session.rate)
                added = session.apply_outside_history(media_bin.add_generated_take, existing, reference, made)
                change = session.apply(takes.set_active_take, existing, added.result) if added else None
                if change is None:
                    raise ShotlineError("The score is gone or locked; the result is kept in the cache")
                self._context.status.show(f"Score: {change.result} is playing")
                return f"{change.result} on the score"
            _reference, asked = score_reference(result, frames, session.rate)  # refuses a malformed result
            kept = [(result["files"][0], media_bin.take_name(score_name(asked), 1))]
            # into the bin first (outside the history), so undoing Score Music keeps the result
            session.apply_outside_history(media_bin.keep_results, kept)
            placed = False
            with session.group("Score Music"):
                track = free_music_track(session.timeline, start, frames)
                if track is None:
                    made = session.apply(roles.add_role_track, roles.MUSIC)
                    if made is None:
                        raise ShotlineError("No music track could be made")
                    track = made.result
                _ident, edits = new_score_clip(session.timeline, result, start, frames, track)
                for edit in edits:
                    session.apply(edit)
                placed = True  # not reached when an edit was refused: the group undid the rest
            if not placed:
                raise ShotlineError("The score could not be placed; the result is kept in the cache")
            self._context.status.show(f"Score placed on {track}")
            return f"placed on {track}"

        return on_done
