"""Clip > Regenerate Shot: from the selected clips to engine jobs, and from results to takes.

Each selected picture clip becomes one job with exactly its frames, run by
the JobRunner (jobs panel, cancel, retry). A finished job becomes a new,
active take on the same clip as one undo step ("Regenerate <clip>"), found
by the clip's id so an edit made meanwhile (the clip moved, other clips cut)
does not get in the way. A result from the cache that one of the clip's
takes plays already makes that take active instead (nothing changes if it
plays now). A new take and its file in the media bin ("<clip> · take N") are
kept outside the history: undo plays the old take again, and neither undo
nor deleting the clip loses a result that took minutes to make.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.generate.dialog import RegenerateDialog
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.generate.video.choices import gpu_gb
from engine.generate.video.timeline import play_regenerated, shot_defaults, shot_spec, take_from_result
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin
from engine.project import document, takes, trackedit
from engine.project.document import VIDEO, Timeline
from engine.project.placeholders import fill_placeholder, is_placeholder
from engine.project.times import rate_fraction


class GenerationController(QObject):
    def __init__(self, context: EditorContext, runner: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._runner, self._window = context, runner, window
        self.dialog = RegenerateDialog(window)
        text, run = "&Regenerate Shot…", self.regenerate_selected
        context.actions.add("clip.regenerate", text, run, "Clip", "Ctrl+Shift+G", "generate")

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
        engine = self._runner.engine
        if not engine.running:
            engine.start()
        timeline = self._context.session.timeline
        self.dialog.set_backends(self._runner.backends("video.generate"))
        defaults = shot_defaults(timeline, clips[0])
        self.dialog.fill(defaults, len(clips))
        project = document.settings(timeline)
        load = self._runner.outgoing({"task": "video.generate", "params": {}}).get("params", {})
        vram = gpu_gb(self._runner.engine_info())
        self.dialog.set_shot(
            defaults.frames, rate_fraction(project.rate), (project.width, project.height), vram, load
        )
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        from_previous = self.dialog.from_previous.isChecked()
        to_next = self.dialog.to_next.isChecked()
        self.regenerate(clips, self.dialog.values(), self.dialog.chosen_backend, from_previous, to_next)

    def regenerate(
        self,
        clips: list[str],
        values: dict[str, Any],
        backend: str | None,
        from_previous: bool = False,
        to_next: bool = False,
        play: Callable[[Timeline, str, str], Any] = play_regenerated,
    ) -> list[str]:
        """Queue one job per clip; returns the jobs' tokens (as the jobs panel lists them);
        `play` is the edit that makes a new take the playing one (Animate This Still's drops the move)."""
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
            steps = [
                step
                for step in (
                    self._neighbour_frame(ident, cache, "image") if from_previous else None,
                    self._neighbour_frame(ident, cache, "last_image") if to_next else None,
                )
                if step is not None
            ]
            prepare = _both(steps) if steps else None
            on_done = self._as_take(ident, spec["params"]["shot"], play)
            tokens.append(self._runner.submit(spec, spec["params"]["title"], on_done, ident, prepare))
        return tokens

    def _neighbour_frame(self, ident: str, cache: Path, key: str) -> Callable[[dict[str, Any]], None] | None:
        """A job step (run off the GUI thread) that renders a neighbour's frame as the job's `key`:
        "image", the frame before the clip; "last_image", the frame after it."""
        timeline = self._context.session.timeline
        track, clip = document.find_clip(timeline, ident)
        slot = trackedit.slot_of(track, clip, self._context.session.rate)
        if key == "image":
            if slot.start == 0:
                self._context.status.show("This shot is the first: there is no previous frame to start from")
                return None
            frame = slot.start - 1
        else:
            if slot.end >= trackedit.timeline_end(timeline, self._context.session.rate):
                self._context.status.show("This shot is the last: there is no next frame to end on")
                return None
            frame = slot.end
        snapshot = timeline.clone()
        target = cache / "references" / f"{ident}-{frame}.png"

        def render(spec: dict[str, Any]) -> None:
            from PIL import Image

            from engine.render.video import video_frame

            target.parent.mkdir(parents=True, exist_ok=True)
            rgb = np.ascontiguousarray(video_frame(snapshot, frame))
            partial = target.with_suffix(".part.png")
            Image.fromarray(rgb).save(partial)
            partial.replace(target)
            spec["params"][key] = str(target)

        return render

    # hearing back -------------------------------------------------------------------------

    def _as_take(
        self, ident: str, shot: str, play: Callable[[Timeline, str, str], Any] = play_regenerated
    ) -> Callable[[dict[str, Any]], str]:
        """What a finished job does: a new take on the clip (and in the bin), made active as one undo step."""

        def on_done(result: dict[str, Any]) -> str:
            session = self._context.session
            reference, made = take_from_result(result, session.rate)
            if self._is_placeholder(ident):  # the script's shot gets its first take in place
                filled = session.apply(fill_placeholder, ident, reference, made)
                if filled is None:
                    raise ShotlineError("The clip is gone or locked; the result is kept in the cache")
                self._context.status.show(f"{shot}: {filled.result} is playing")
                return f"{filled.result} ({'from the cache' if result.get('cached') else 'new'})"
            key = self._take_already_there(ident, reference)
            if key is None:
                added = session.apply_outside_history(media_bin.add_generated_take, ident, reference, made)
                key = added.result if added else None
            if key is not None and key != self._playing(ident):
                change = session.apply(play, ident, key)
                key = change.result if change else None
            if key is None:
                raise ShotlineError("The clip is gone or locked; the result is kept in the cache")
            self._context.status.show(f"{shot}: {key} is playing")
            return f"{key} ({'from the cache' if result.get('cached') else 'new'})"

        return on_done

    def _is_placeholder(self, ident: str) -> bool:
        try:
            return is_placeholder(document.find_clip(self._context.session.timeline, ident)[1])
        except ShotlineError:
            return False

    def _take_already_there(self, ident: str, reference: Any) -> str | None:
        """A result from the cache that a take of the clip plays already: that take, not a copy."""
        try:
            _track, clip = document.find_clip(self._context.session.timeline, ident)
        except ShotlineError:
            return None
        return takes.take_with_media(clip, reference)

    def _playing(self, ident: str) -> str | None:
        try:
            return document.find_clip(self._context.session.timeline, ident)[1].active_media_reference_key
        except ShotlineError:
            return None


def _both(steps: list[Callable[[dict[str, Any]], None]]) -> Callable[[dict[str, Any]], None]:
    def run(spec: dict[str, Any]) -> None:
        for step in steps:
            step(spec)

    return run
