"""Generate Shot: a new generated clip on a gap, over an in/out range, or into the media bin.

Three ways in, one job: the dialog asks for a prompt and a length, the
JobRunner runs the video.generate job (jobs panel, cancel, retry), and the
result becomes a clip whose only take is the result (provenance on it, the
generated badge on the timeline). On the timeline it is placed as one
Overwrite-like undo step at the frame and track chosen when the job was
asked for, and its file joins the media bin as "<name> · take 1" outside the
history, so undoing the placement or deleting the clip keeps the result; for
the bin the result is imported as an item to drag in later.

The gap's place comes in with the action (its data), so the timeline's
right-click menu and the Sequence menu run the same command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QWidget

from editor.actions import ActionRegistry
from editor.context import EditorContext
from editor.generate.new_shot_dialog import GenerateShotDialog
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.generate.video.choices import gpu_gb
from engine.generate.video.new_shot import generated_clip, named_result_file, new_shot_spec, place_generated
from engine.jobs import titles
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin
from engine.project import document
from engine.project.document import VIDEO
from engine.project.times import rate_fraction, timecode

#: A gap after the last clip has no end: a new shot there lasts this many seconds.
OPEN_GAP_SECONDS = 5
ACTION = "sequence.generate_shot"


@dataclass(frozen=True)
class Spot:
    """Where a new shot goes on the timeline: a picture track and a frame range."""

    track: str
    start: int
    frames: int


def ask_gap(actions: ActionRegistry, track: str, start: int, frames: int | None) -> None:
    """The timeline's right-click on an empty lane: Generate Shot over the gap there (None: open-ended)."""
    action = actions.action(ACTION)
    action.setData((track, start, frames))
    action.trigger()


class NewShotController(QObject):
    def __init__(
        self,
        context: EditorContext,
        runner: JobRunner,
        window: QWidget,
        targets: Callable[[], list[str]] | None = None,
    ) -> None:
        super().__init__(window)
        self._context, self._runner = context, runner
        self._targets = targets or (lambda: [])
        self.dialog = GenerateShotDialog(window)
        actions = context.actions
        self.action = actions.add(
            ACTION, "&Generate Shot…", self.generate_on_timeline, "Sequence", "", "generate"
        )
        self.bin_action = actions.add(
            "file.new_generated_shot", "New &Generated Shot…", self.generate_for_bin, "File", "", "import"
        )

    # where ----------------------------------------------------------------------------------

    def spot(self) -> Spot | None:
        """The gap the menu named, else the in/out marks on the target picture track."""
        asked, rate = self.action.data(), self._context.session.rate
        self.action.setData(None)
        if asked:
            track, start, frames = asked
            return Spot(track, start, frames or round(OPEN_GAP_SECONDS * rate))
        marked = self._context.playhead.marked_range()
        if marked is None:
            self._context.status.show("Mark In and Out, or right-click a gap, to generate a shot there")
            return None
        track = self.target_track()
        if track is None:
            self._context.status.show("No picture track to put a shot on: add a video track first")
            return None
        return Spot(track, marked[0], marked[1])

    def target_track(self) -> str | None:
        """The lowest targeted picture track (V1 before V2), as Premiere patches a source to V1."""
        targeted = set(self._targets())
        video = [t.name for t in document.tracks(self._context.session.timeline, VIDEO)]
        return next((name for name in video if name in targeted), video[0] if video else None)

    def describe(self, spot: Spot) -> str:
        rate = self._context.session.rate
        first, last = timecode(spot.start, rate), timecode(spot.start + spot.frames - 1, rate)
        return (
            f"On {spot.track} from {first} to {last} (inclusive). A changed duration keeps the start; "
            "whatever lies under the new shot is overwritten (one undo step)."
        )

    # asking ---------------------------------------------------------------------------------

    def _prepare_dialog(self, where: str, frames: int, with_previous: bool) -> bool:
        engine = self._runner.engine
        if not engine.running:
            engine.start()
        self.dialog.set_backends(self._runner.backends("video.generate"))
        self.dialog.fill_new(where, frames, self._context.session.rate, with_previous)
        project = document.settings(self._context.session.timeline)
        load = self._runner.outgoing({"task": "video.generate", "params": {}}).get("params", {})
        size, vram = (project.width, project.height), gpu_gb(self._runner.engine_info())
        self.dialog.set_shot(self.dialog.frames.value(), rate_fraction(project.rate), size, vram, load)
        return self.dialog.exec() == QDialog.DialogCode.Accepted

    def generate_on_timeline(self) -> None:
        spot = self.spot()
        if spot is None:
            return
        if not self._prepare_dialog(self.describe(spot), spot.frames, with_previous=spot.start > 0):
            return
        dialog = self.dialog
        chosen = Spot(spot.track, spot.start, dialog.frames.value())
        values, previous = dialog.values(), dialog.from_previous.isChecked()
        self.generate(values, dialog.chosen_backend, chosen.frames, dialog.shot_name(), chosen, previous)

    def generate_for_bin(self) -> None:
        rate = self._context.session.rate
        where = "Into the media bin, as a new item to drag onto the timeline."
        if not self._prepare_dialog(where, round(OPEN_GAP_SECONDS * rate), with_previous=False):
            return
        dialog = self.dialog
        self.generate(dialog.values(), dialog.chosen_backend, dialog.frames.value(), dialog.shot_name())

    def generate(
        self,
        values: dict[str, Any],
        backend: str | None,
        frames: int,
        name: str = "Shot",
        spot: Spot | None = None,
        from_previous: bool = False,
    ) -> str | None:
        """Queue the job; its result goes to `spot` on the timeline, or into the bin without one.

        Returns the jobs panel's token, or None when the request was refused (the status bar says why).
        """
        session = self._context.session
        cache = default_cache_dir(session.path)
        where = (spot.track, spot.start, spot.start + frames, session.rate) if spot is not None else ()
        try:
            spec = new_shot_spec(
                session.timeline, frames, values, backend, cache, name, titles.generate(name, *where)
            )
        except ShotlineError as error:
            self._context.status.show(str(error))
            return None
        prepare = self._frame_before(spot, cache) if spot is not None and from_previous else None
        on_done = self._placed(spot, name) if spot is not None else self._into_bin(name)
        return self._runner.submit(spec, spec["params"]["title"], on_done, None, prepare)

    def _frame_before(self, spot: Spot, cache: Path) -> Callable[[dict[str, Any]], None] | None:
        """A job step (off the GUI thread) rendering the frame before the spot as the reference picture."""
        if spot.start == 0:
            return None
        snapshot = self._context.session.timeline.clone()
        target = cache / "references" / f"new-{spot.track}-{spot.start - 1}.png"

        def render(spec: dict[str, Any]) -> None:
            from PIL import Image

            from engine.render.video import video_frame

            target.parent.mkdir(parents=True, exist_ok=True)
            rgb = np.ascontiguousarray(video_frame(snapshot, spot.start - 1))
            partial = target.with_suffix(".part.png")
            Image.fromarray(rgb).save(partial)
            partial.replace(target)
            spec["params"]["image"] = str(target)

        return render

    # hearing back -----------------------------------------------------------------------------

    def _placed(self, spot: Spot, name: str) -> Callable[[dict[str, Any]], str]:
        def on_done(result: dict[str, Any]) -> str:
            session = self._context.session
            clip = generated_clip(result, session.rate, name)
            session.apply_outside_history(media_bin.keep_clips, [clip])  # first: undo must not drop it
            change = session.apply(place_generated, spot.track, spot.start, clip)
            if change is None:
                kept = "the result is in the media bin"
                raise ShotlineError(f"{name} could not be placed on {spot.track}; {kept}")
            self._context.selection.set(list(change.result))
            self._context.status.show(f"{name} is on {spot.track} at {timecode(spot.start, session.rate)}")
            return f"on {spot.track} ({'from the cache' if result.get('cached') else 'new'})"

        return on_done

    def _into_bin(self, name: str) -> Callable[[dict[str, Any]], str]:
        def on_done(result: dict[str, Any]) -> str:
            session = self._context.session
            path = named_result_file(result, name)
            if path in media_bin.entries(session.timeline):
                return "already in the bin"
            if session.apply(media_bin.add_media, [path]) is None:
                raise ShotlineError(f"{name} could not be added to the bin; the result is kept in the cache")
            self._context.media.imported.emit([path])
            self._context.status.show(f"{name} is in the media bin")
            return "in the bin"

        return on_done
