"""Clip > Inpaint Shot: the selected clip's media and mask to a `video.inpaint` job, the result to a take.

The job reads the media frames the clip shows and the clip's mask folder
(what Mask mode painted and tracked); the engine fills the masked region in
every frame and returns a video of exactly those frames. It becomes a new,
active take of the clip as one undo step, like Regenerate Shot: the take
joins the clip for good, and undo switches back to the take that played.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from editor.context import EditorContext
from editor.generate.dialog_backends import fit_backend_box, show_items_whole
from editor.generate.plan_choice import PlanChoice
from editor.generate.quality_choice import QualityChoice
from editor.jobs.runner import JobRunner
from editor.masks.mode import MaskMode
from editor.masks.target import MaskTarget, clip_media, media_range
from engine.errors import GenerateError, ShotlineError
from engine.generate.inpaint.timeline import inpaint_spec, inpainted_take
from engine.generate.job_plans import inpaint_draft, inpaint_plans
from engine.generate.model_choices import model_backend
from engine.generate.video.choices import gpu_gb
from engine.jobs import titles
from engine.jobs.spec import default_cache_dir
from engine.project import bin as media_bin
from engine.project import document, takes, trackedit
from engine.project.masks import mask_of
from engine.project.times import rate_fraction

TASK = "video.inpaint"
MAX_SEED = 2**31 - 1


class InpaintDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inpaint-dialog")
        self.setWindowTitle("Inpaint Shot")
        self.setMinimumWidth(520)
        self.prompt = QLineEdit(self)
        self.prompt.setObjectName("inpaint-prompt")
        self.prompt.setPlaceholderText("What should fill the masked region (AI backends; optional)")
        self.seed = QSpinBox(self)
        self.seed.setObjectName("inpaint-seed")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setValue(random.randint(0, 99999))
        self.about = QLabel(self)
        self.about.setObjectName("inpaint-about")
        self.about.setWordWrap(True)
        self.backend = QComboBox(self)
        self.backend.setObjectName("inpaint-backend")
        fit_backend_box(self.backend)
        self.plans = PlanChoice(self, "inpaint-plan")
        self.quality = QualityChoice(self)
        self._clip: tuple[int, Fraction, tuple[int, int]] | None = None
        self._vram_gb: float | None = None
        self._loads: dict[str, dict[str, Any]] = {}
        self.backend.currentIndexChanged.connect(lambda _index: self._update_plan())
        form = QFormLayout(self)
        form.addRow(self.about)
        form.addRow("Prompt", self.prompt)
        form.addRow("Seed", self.seed)
        form.addRow("Backend", self.backend)
        for label, widget in self.plans.rows():
            form.addRow(label, widget)
        form.addRow("Quality", self.quality.box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Inpaint")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def fill(self, name: str, frames: int, mask: str) -> None:
        """Say which clip and mask the job is for (the dialog otherwise looks the same for every clip)."""
        self.setWindowTitle(f"Inpaint {name}")
        self.about.setText(
            f"Fills the masked region of {name} in all {frames} frames it shows ({mask});"
            " outside the mask the picture stays as it is. The result is a new take."
        )

    def set_backends(self, backends: list[dict[str, Any]]) -> None:
        self.backend.clear()
        for entry in backends:
            ready = entry.get("ready", True)
            label = entry.get("label") or entry["name"]
            reason = entry.get("reason") or "not installed"
            self.backend.addItem(label if ready else f"{label} — {reason}", entry["name"])
        names = [e["name"] for e in backends]
        default = (
            "opencv" if "opencv" in names else next((e["name"] for e in backends if e.get("default")), None)
        )
        if default is not None:
            self.backend.setCurrentIndex(names.index(default))
        show_items_whole(self.backend)

    def set_clip(
        self, frames: int, rate: Fraction, size: tuple[int, int], vram_gb: float | None,
        loads: dict[str, dict[str, Any]],
    ) -> None:  # fmt: skip
        """For the plan: the frames to fill, the engine's GPU memory, each backend's model and options."""
        self._clip, self._vram_gb, self._loads = (frames, rate, size), vram_gb, loads
        self._update_plan()

    def _update_plan(self) -> None:
        backend = self.backend.currentData()
        self.quality.show_choice(inpaint_draft(backend, self._loads.get(backend or "", {}).get("model")))
        found = None
        if self._clip is not None:
            load = self._loads.get(backend or "", {})
            found = inpaint_plans(backend, None, *self._clip, self._vram_gb, load)
        if found is None:
            self.plans.show_unplanned(loads_model=model_backend(TASK, backend) is not None)
        else:
            self.plans.show_plans(*found, self._vram_gb)

    def values(self) -> dict[str, Any]:
        found = {"prompt": self.prompt.text().strip(), "seed": self.seed.value()}
        return found | self.plans.value() | self.quality.value()


class InpaintController(QObject):
    def __init__(self, context: EditorContext, runner: JobRunner, masks: MaskMode, window: QWidget) -> None:
        super().__init__(window)
        self._context, self.runner, self._masks = context, runner, masks
        self.dialog = InpaintDialog(window)
        context.actions.add("clip.inpaint", "&Inpaint Shot…", self.inpaint_selected, "Clip", "", "generate")
        masks.bar.inpaint.clicked.connect(self.inpaint_selected)

    def _selected(self) -> tuple[str, str] | None:
        """The selected picture clip with a mask: (clip id, mask folder relative to the mask root)."""
        timeline = self._context.session.timeline
        for ident in self._context.selection.ids:
            try:
                clip_media(timeline, ident)
            except ShotlineError:
                continue
            _, clip = document.find_clip(timeline, ident)
            folder = mask_of(clip)
            if folder is None:
                self._context.status.show(
                    f"{clip.name or 'The clip'} has no mask: paint one in Mask mode first"
                )
                return None
            return ident, folder
        self._context.status.show("Select a picture clip with a mask to inpaint")
        return None

    def inpaint_selected(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        engine = self.runner.engine
        if not engine.running:
            engine.start()
        self.dialog.set_backends(self.runner.backends(TASK))
        self.dialog.fill(*self._describe(chosen[0]))
        self._plan_for(chosen[0])
        if self.dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.inpaint(chosen[0], self.dialog.values(), self.dialog.backend.currentData())

    def _plan_for(self, ident: str) -> None:
        """The dialog's plan: the clip's frames at the project's size, on the engine's card."""
        session = self._context.session
        _, clip = document.find_clip(session.timeline, ident)
        project = document.settings(session.timeline)
        loads = {}
        for backend in self.runner.backends(TASK):
            spec = {"task": TASK, "backend": backend["name"], "params": {}}
            loads[backend["name"]] = self.runner.outgoing(spec).get("params", {})
        frames = trackedit.duration_frames(clip, session.rate)
        size, vram = (project.width, project.height), gpu_gb(self.runner.engine_info())
        self.dialog.set_clip(frames, rate_fraction(project.rate), size, vram, loads)

    def _describe(self, ident: str) -> tuple[str, int, str]:
        """The clip's name, the frames it shows and what its mask is, for the dialog."""
        session = self._context.session
        _, clip = document.find_clip(session.timeline, ident)
        frames = trackedit.duration_frames(clip, session.rate)
        masks, target = self._masks.masks, self._masks.target
        if masks is not None and target is not None and target.clip_id == ident:
            mask = "tracked through the clip" if masks.tracked else "the same mask on every frame"
        else:
            mask = "its saved mask"
        return clip.name or clip_media(session.timeline, ident).name, frames, mask

    def inpaint(self, ident: str, values: dict[str, Any], backend: str | None) -> str | None:
        """Queue the job for clip `ident` with its current mask; returns the jobs panel token."""
        session = self._context.session
        try:
            media = clip_media(session.timeline, ident)
        except ShotlineError as error:
            self._context.status.show(str(error))
            return None
        _, clip = document.find_clip(session.timeline, ident)
        folder = mask_of(clip)
        if folder is None:
            self._context.status.show(f"{clip.name or 'The clip'} has no mask: paint one in Mask mode first")
            return None
        name = clip.name or media.name
        spec = inpaint_spec(
            media,
            self._masks.store.root / folder,
            int(values.get("seed", 0)),
            title=titles.inpaint(name),
            clip_id=ident,
            prompt=str(values.get("prompt") or ""),
            backend=backend,
            cache_dir=default_cache_dir(session.path),
        )
        params = spec["params"]
        for name in ("plan", "quality"):  # the rung the user chose in the dialog; Draft
            if values.get(name):
                params[name] = values[name]
        snapshot, store = session.timeline.clone(), self._masks.store
        made_at: dict[str, Fraction] = {}

        def prepare(spec: dict[str, Any]) -> None:
            """Off the GUI thread: the media frames the clip shows, and the mask folder written out."""
            from engine.media.probe import probe

            info = probe(media)
            if info.video is None:
                raise GenerateError(f"{media.name} has no picture to inpaint")
            target = MaskTarget(ident, name, media, (info.video.width, info.video.height), info.video.rate)
            start, count = media_range(snapshot, target)
            made_at["rate"] = Fraction(info.video.rate)
            spec["params"] |= {"start": start, "frames": count}
            store.flush()

        return self.runner.submit(spec, params["title"], self._as_take(ident, name, made_at), ident, prepare)

    def _as_take(
        self, ident: str, name: str, made_at: dict[str, Fraction]
    ) -> Callable[[dict[str, Any]], str]:
        def on_done(result: dict[str, Any]) -> str:
            session = self._context.session
            reference, made = inpainted_take(result, made_at.get("rate"))
            added = session.apply_outside_history(media_bin.add_generated_take, ident, reference, made)
            change = session.apply(takes.set_active_take, ident, added.result) if added else None
            if change is None:
                raise ShotlineError(
                    "The clip is gone, locked or longer than the result; it is kept in the cache"
                )
            self._context.status.show(f"{name}: inpainted {change.result} is playing")
            return f"{change.result} ({'from the cache' if result.get('cached') else 'new'})"

        return on_done
