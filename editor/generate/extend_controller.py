"""Clip > Extend Shot…, and "Extend with AI…" after a trim that ran out of media.

The dialog's answer becomes one `video.extend` job for the clip's exact
source frames, run by the JobRunner (jobs panel, progress on the clip,
cancel, retry). The finished job becomes the clip's new take and the clip
grows on the timeline as one engine edit, so one undo puts everything back.
The jobs panel and the status bar say which backend made the new frames
(motion continuation, a freeze frame, or a model), so nobody mistakes a
held frame for generated motion. The extended take's file joins the media
bin as "<clip> · take N" outside the history, so undoing the extension or
deleting the clip keeps the result.

A trim that asks for more frames than the media has stops at the media's
end, as trims do, and then offers to make the rest: it triggers this
controller's action with the clip, side and frames as the action's data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from editor.context import EditorContext
from editor.generate.extend_dialog import ExtendDialog
from editor.jobs.runner import JobRunner
from editor.selection import first_picture_clip
from engine.errors import ShotlineError
from engine.generate.extend.timeline import backend_said, extend_defaults, extend_spec, extended_take
from engine.generate.video.choices import gpu_gb
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin
from engine.project import document
from engine.project.extend import RIPPLE, extend_clip

ACTION = "clip.extend"


class ExtendController(QObject):
    def __init__(self, context: EditorContext, runner: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._runner, self._window = context, runner, window
        self.dialog = ExtendDialog(window)
        self.action = context.actions.add(
            ACTION, "E&xtend Shot…", self.extend_selected, "Clip", "", "generate"
        )

    # asking -----------------------------------------------------------------------------

    def extend_selected(self) -> None:
        """Open the dialog for the selected picture clip, or for the clip a trim asked to extend."""
        asked = self.action.data() or {}
        self.action.setData(None)
        selected = first_picture_clip(self._context.session.timeline, self._context.selection.ids)
        ident = asked.get("clip") or selected
        if ident is None:
            self._context.status.show("Select a picture clip to extend")
            return
        session = self._context.session
        try:
            defaults = extend_defaults(session.timeline, ident)
        except ShotlineError as error:
            self._context.status.show(str(error))
            return
        if not self._runner.engine.running:
            self._runner.engine.start()
        self.dialog.set_backends(self._runner.backends("video.extend"))
        self.dialog.fill(defaults, session.rate, int(asked.get("frames") or 0), asked.get("side") == "head")
        project = document.settings(session.timeline)
        load = self._runner.outgoing({"task": "video.extend", "params": {}}).get("params", {})
        self.dialog.set_machine((project.width, project.height), gpu_gb(self._runner.engine_info()), load)
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = self.dialog.values()
        self.extend(
            ident, values["frames"], values["head"], values["mode"], values, self.dialog.chosen_backend
        )

    def extend(
        self,
        ident: str,
        frames: int,
        head: bool = False,
        mode: str = RIPPLE,
        values: dict[str, Any] | None = None,
        backend: str | None = None,
    ) -> str | None:
        """Queue the job that extends clip `ident`; returns its jobs-panel token (None if refused)."""
        session = self._context.session
        try:
            spec = extend_spec(
                session.timeline, ident, frames, head, values, backend, default_cache_dir(session.path)
            )
        except ShotlineError as error:
            self._context.status.show(str(error))
            return None
        title = spec["params"]["title"]
        return self._runner.submit(spec, title, self._landed(ident, frames, head, mode), ident)

    # hearing back -------------------------------------------------------------------------

    def _landed(self, ident: str, frames: int, head: bool, mode: str) -> Callable[[dict[str, Any]], str]:
        """What a finished job does: the new take plays and the clip grows, as one undo step."""

        def on_done(result: dict[str, Any]) -> str:
            session = self._context.session
            reference, made = extended_take(result, session.rate)
            session.apply_outside_history(media_bin.keep_next_take, ident, reference)
            change = session.apply(extend_clip, ident, reference, made, frames, head, mode)
            if change is None:
                raise ShotlineError(
                    "The clip could not grow (gone, moved or locked); the result is in the cache"
                )
            name = document.find_clip(session.timeline, ident)[1].name or "The shot"
            by = backend_said(made)
            self._context.status.show(f"{name}: {frames} frames added by {by}")
            return f"{change.result}, {frames} frames by {by}"

        return on_done
