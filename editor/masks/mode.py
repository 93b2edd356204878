"""Mask mode: the viewer paints the selected picture clip's mask, tracks it, and shows it per frame.

The mask is drawn in the media's own pixels on the frame under the playhead
(see `target`), over the timeline's picture. A stroke paints the mask that
applies at that frame (tracked, or the key before it) and, when the mouse is
released, becomes a key there: a correction that later frames follow after
tracking again. Each finished gesture (a stroke, a shape, Invert, Feather,
Clear, Track) is written as a new mask folder and referenced from the clip by
one engine edit, so it is one undo step; undo points the clip back at the
previous folder and the viewer shows that mask again.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QToolButton

from editor.background import run_in_background
from editor.context import EditorContext
from editor.jobs.model import JobsModel
from editor.masks.canvas import BRUSH, ERASER, MaskCanvas, overlay_image
from editor.masks.store import MaskStore, copy_of
from editor.masks.store_cleanup import reachable_versions
from editor.masks.target import (
    MaskTarget,
    clip_media,
    media_frame,
    media_range,
    media_rect,
    solo_timeline,
    to_media,
)
from editor.masks.toolbar import CHECKED_STYLE, DEFAULT_OPACITY, MaskBar
from engine.errors import ShotlineError
from engine.masks.sequence import MaskSequence
from engine.masks.track import track_mask
from engine.paths import data_dir
from engine.project import document
from engine.project.masks import mask_of, mask_root, set_mask

if TYPE_CHECKING:
    from editor.viewer.panel import ViewerPanel

SIZES = (2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)
DEFAULT_SIZE = 24
OPACITY_KEY = "masks/overlay_opacity"  # percent, remembered across sessions


class _TrackRelay(QObject):
    progress = Signal(str, float)


class MaskMode(QObject):
    def __init__(self, context: EditorContext, viewer: ViewerPanel, jobs: JobsModel, parent: QObject) -> None:
        super().__init__(parent)
        self.context, self.viewer, self.jobs = context, viewer, jobs
        session = context.session
        self.store = MaskStore(mask_root(session.path, data_dir()), self)
        self.store.failed.connect(lambda text: context.status.show(text, 0))
        self.bar = MaskBar()
        self.size = DEFAULT_SIZE
        self.active = False
        self._target: MaskTarget | None = None
        self._solo: str | None = None  # the clip the viewer shows alone
        self.masks: MaskSequence | None = None
        self.version: str | None = None  # the folder self.masks was loaded from or saved as
        self._canvas: MaskCanvas | None = None
        self._frame: int | None = None  # the media frame being painted
        self._last: QPointF | None = None
        self._corner: QPointF | None = None
        self._pointer: QPointF | None = None
        self._overlay_key: tuple | None = None
        self._overlay = None
        self._timeline = session.timeline
        self._tracking: dict[str, threading.Event] = {}
        self._track_relay = _TrackRelay(self)
        self._track_relay.progress.connect(lambda token, f: jobs.progress(token, f, "tracking"))
        jobs.cancelRequested.connect(self._cancel_tracking)
        self._feather_timer = QTimer(self, singleShot=True, interval=400)
        self._feather_timer.timeout.connect(self._feather_changed)
        self._register()
        self._connect()
        self._show_size()
        self.bar.opacity.setValue(stored_opacity(context.settings.value(OPACITY_KEY, DEFAULT_OPACITY)))
        self.bar.opacity.valueChanged.connect(self._opacity_changed)

    # assembly -------------------------------------------------------------------------------

    def _register(self) -> None:
        add = self.context.actions.add
        self.action = add("view.mask_mode", "&Mask Mode", self._toggled, "View", "Shift+M", "mask", True)
        add("view.mask_smaller", "Smaller Mask Brush", lambda: self.step_size(-1), "View", "[", "mask")
        add("view.mask_larger", "Larger Mask Brush", lambda: self.step_size(1), "View", "]", "mask")
        add("clip.track_mask", "&Track Mask", self.track, "Clip", "", "mask")
        self.toggle = QToolButton()
        self.toggle.setObjectName("viewer-mask-mode")
        self.toggle.setDefaultAction(self.action)
        self.toggle.setText("Mask")
        self.toggle.setStyleSheet(CHECKED_STYLE)  # on or off at a glance
        self.toggle.setToolTip("Mask mode: paint what to inpaint on the selected clip (Shift+M)")
        self.viewer.add_tool(self.toggle, self.bar)

    def _connect(self) -> None:
        session, bar = self.context.session, self.bar
        session.changed.connect(self._document_changed)
        session.pathChanged.connect(self._path_changed)
        self.context.selection.changed.connect(self._selection_changed)
        self.context.playhead.moved.connect(lambda _frame: self.viewer.program.picture.update())
        bar.invert.clicked.connect(self._invert)
        bar.clear.clicked.connect(self.clear)
        bar.feather.valueChanged.connect(lambda _v: self._feather_timer.start())
        bar.track.clicked.connect(self.track)

    def shutdown(self) -> None:
        for cancel in self._tracking.values():
            cancel.set()
        self.store.close()

    # mode and target ------------------------------------------------------------------------------

    @property
    def target(self) -> MaskTarget | None:
        return self._target

    @target.setter
    def target(self, target: MaskTarget | None) -> None:
        self._target = target
        self._show_alone()

    def _show_alone(self) -> None:
        """While painting, the viewer shows the target clip's own picture, even under a higher track."""
        ident = self._target.clip_id if self.active and self._target is not None else None
        if ident == self._solo:
            return
        self._solo = ident
        self.viewer.set_picture_filter(None if ident is None else lambda copy: solo_timeline(copy, ident))

    def _toggled(self) -> None:
        self.set_active(self.action.isChecked())

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.active = on
        self.action.blockSignals(True)
        self.action.setChecked(on)
        self.action.blockSignals(False)
        self.bar.setVisible(on)
        if on:
            self.viewer.set_mode("timeline")
            self.viewer.program.picture.set_overlay(self)
            self._selection_changed()
        else:
            self.viewer.program.picture.set_overlay(None)
        self._show_alone()

    def _selection_changed(self, *_args: object) -> None:
        if not self.active:
            return
        timeline = self.context.session.timeline
        for ident in self.context.selection.ids:
            try:
                path = clip_media(timeline, ident)
            except ShotlineError:
                continue
            if self.target is None or self.target.clip_id != ident:
                self._aim(ident, path)
            return
        self.target = self.masks = self.version = None
        self._say("Select a picture clip to paint its mask")

    def _aim(self, ident: str, path) -> None:
        """Paint on clip `ident` once its media is probed (off the GUI thread)."""
        from engine.media.probe import probe

        _, clip = document.find_clip(self.context.session.timeline, ident)
        self.target = self.masks = self.version = None
        self._say(f"Reading {path.name}…")

        def probed(info) -> None:
            if info.video is None:
                self._say(f"{path.name} has no picture to mask")
                return
            video = info.video
            self.target = MaskTarget(
                ident, clip.name or path.name, path, (video.width, video.height), video.rate
            )
            self._document_changed()

        def failed(error: Exception) -> None:
            self._say(f"Cannot paint on {path.name}: {error}")

        self._probe = run_in_background(lambda: probe(path), probed, failed, self)

    def _document_changed(self) -> None:
        """Follow the clip's mask reference (an edit, undo or redo may have changed it)."""
        if self.target is None:
            return
        try:
            _, clip = document.find_clip(self.context.session.timeline, self.target.clip_id)
        except ShotlineError:
            self.target = self.masks = self.version = None
            self._say("The clip is no longer on the timeline")
            return
        wanted = mask_of(clip)
        if self.masks is not None and wanted == self.version:
            return
        if wanted is None:
            self._use(MaskSequence(self.target.size), None)
            return
        self.store.load(wanted, lambda masks, error: self._loaded(wanted, masks, error))

    def _loaded(self, version: str, masks: MaskSequence | None, error: str | None) -> None:
        if masks is None or self.target is None:
            self.context.status.show(error or "The mask cannot be read")
            if self.target is not None and self.masks is None:
                self._use(MaskSequence(self.target.size), None)
            return
        if masks.size != self.target.size:
            self.context.status.show(f"The mask {version} does not fit the clip's media; start a new one")
            masks = MaskSequence(self.target.size)
        self._use(masks, version)

    def _use(self, masks: MaskSequence, version: str | None) -> None:
        self.masks, self.version = masks, version
        self.bar.feather.blockSignals(True)
        self.bar.feather.setValue(masks.feather)
        self.bar.feather.blockSignals(False)
        self.bar.invert.setChecked(masks.invert)
        keys, tracked = len(masks.keys), len(masks.tracked)
        summary = f"{_count(keys, 'key')}, {_count(tracked, 'tracked frame')}"
        self._say(f"{self.target.name}: {summary}" if self.target else "")
        self._overlay_key = None
        self.viewer.program.picture.update()

    def _path_changed(self, path) -> None:
        """A save carries the masks along (Save As) and tidies them; opening a project looks elsewhere."""
        session = self.context.session
        same_document = session.timeline is self._timeline
        self._timeline = session.timeline
        root = mask_root(path, data_dir())
        if same_document and path is not None:  # saved: the masks follow, unreachable versions go
            keep = reachable_versions(session, self.store.root)
            self.store.move_to(root, keep, copy=True)
            self.store.clean(keep)
        else:
            self.store.move_to(root, (), copy=False)
        if not same_document:
            self.target = self.masks = self.version = None
            self._selection_changed()

    def _say(self, text: str) -> None:
        self.bar.info.setText(text)

    # what the viewer shows -----------------------------------------------------------------------------

    def current_frame(self) -> int | None:
        if self.target is None:
            return None
        return media_frame(self.context.session.timeline, self.target, self.context.playhead.frame)

    def _shown(self, picture: QRectF) -> QRectF | None:
        if self.target is None:
            return None
        settings = self.context.session.settings
        return media_rect(picture, (settings.width, settings.height), self.target.size)

    def paint(self, painter: QPainter, picture: QRectF) -> None:
        shown, frame = self._shown(picture), self.current_frame()
        if shown is None or self.masks is None or frame is None:
            return
        opacity = self.opacity
        if self._canvas is not None:
            image = overlay_image(self._canvas.array(), opacity)
        else:
            key = (id(self.masks), self.version, frame, self.masks.feather, self.masks.invert, opacity)
            if key != self._overlay_key:
                self._overlay = overlay_image(self.masks.mask_at(frame), opacity)
                self._overlay_key = key
            image = self._overlay
        painter.drawImage(shown, image)
        if self._pointer is not None and self.bar.tool() in (BRUSH, ERASER):
            radius = self.size / 2 * shown.width() / self.target.size[0]
            painter.setPen(QPen(QColor(255, 255, 255, 200), 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(self._pointer, radius, radius)

    @property
    def opacity(self) -> float:
        """The overlay's strength, 0..1, as the mask bar's slider sets it."""
        return self.bar.opacity.value() / 100

    def _opacity_changed(self, value: int) -> None:
        self.context.settings.set_value(OPACITY_KEY, value)
        self.viewer.program.picture.update()

    # painting ---------------------------------------------------------------------------------------

    def press(self, point: QPointF, picture: QRectF) -> bool:
        frame, shown = self.current_frame(), self._shown(picture)
        if self.masks is None or frame is None or shown is None:
            self.context.status.show("Put the playhead over the selected picture clip to paint its mask")
            return False
        self.viewer.program.stop()
        self._frame = frame
        self._canvas = MaskCanvas(self.masks.hard_mask_at(frame))
        spot = to_media(point, shown, self.target.size)
        tool = self.bar.tool()
        if tool in (BRUSH, ERASER):
            self._canvas.stroke(spot, spot, self.size, tool == ERASER)
            self._last = spot
        else:
            self._corner = spot
            self._base = self._canvas.image.copy()
        return True

    def move(self, point: QPointF, picture: QRectF) -> None:
        self._pointer = point
        shown = self._shown(picture)
        if self._canvas is None or shown is None:
            return
        spot = to_media(point, shown, self.target.size)
        tool = self.bar.tool()
        if tool in (BRUSH, ERASER) and self._last is not None:
            self._canvas.stroke(self._last, spot, self.size, tool == ERASER)
            self._last = spot
        elif self._corner is not None:
            self._canvas.image = self._base.copy()  # the shape follows the pointer until released
            self._canvas.shape(tool, self._corner, spot)

    def release(self, point: QPointF, picture: QRectF) -> None:
        self.move(point, picture)
        canvas, frame = self._canvas, self._frame
        self._canvas, self._last, self._corner, self._frame = None, None, None, None
        if canvas is None or frame is None or self.masks is None:
            return
        self.masks.set_key(frame, canvas.array())
        self._commit("Paint Mask")

    def step_size(self, step: int) -> None:
        bigger = [s for s in SIZES if s > self.size]
        smaller = [s for s in SIZES if s < self.size]
        if step > 0 and bigger:
            self.size = bigger[0]
        elif step < 0 and smaller:
            self.size = smaller[-1]
        self._show_size()
        self.viewer.program.picture.update()

    def _show_size(self) -> None:
        self.bar.size_label.setText(f"Size {self.size} px")

    # whole-mask commands -------------------------------------------------------------------------------

    def _invert(self) -> None:
        if self.masks is None:
            return
        self.masks.invert = self.bar.invert.isChecked()
        self._commit("Invert Mask")

    def _feather_changed(self) -> None:
        if self.masks is None or self.masks.feather == self.bar.feather.value():
            return
        self.masks.feather = self.bar.feather.value()
        self._commit("Mask Feather")

    def clear(self) -> None:
        if self.target is None or self.version is None:
            self.context.status.show("The clip has no mask to clear")
            return
        if self.context.session.apply(set_mask, self.target.clip_id, None, "Clear Mask") is not None:
            self._use(MaskSequence(self.target.size), None)

    def _commit(self, description: str) -> None:
        """The mask as it is now becomes a new folder, referenced from the clip as one undo step."""
        if self.target is None or self.masks is None:
            return
        version = self.store.save(self.target.clip_id, self.masks)
        if self.context.session.apply(set_mask, self.target.clip_id, version, description) is None:
            self._document_changed()  # refused (a locked track): show the mask the clip still has
            return
        self._use(self.masks, version)

    # tracking ---------------------------------------------------------------------------------------------

    def track(self) -> None:
        """Track the mask through the clip's frames on a worker thread, as a row in the jobs panel.

        It runs in the editor rather than as an engine job: it needs only
        OpenCV and the decoder the viewer already uses, no model, and its
        result is a mask folder the editor must own and reference anyway.
        """
        if self.target is None or self.masks is None or not self.masks.keys:
            self.context.status.show("Paint a mask on the selected clip first, then track it")
            return
        target, masks = self.target, copy_of(self.masks)
        start, count = media_range(self.context.session.timeline, target)
        token = f"track-{target.clip_id}-{len(self._tracking) + 1}"
        cancel = threading.Event()
        self._tracking[token] = cancel
        self.jobs.add(token, f"Track mask of {target.name}")
        relay = self._track_relay

        def work() -> bool:
            return track_mask(
                target.media, masks, start, count, lambda f: relay.progress.emit(token, f), cancel.is_set
            )

        def finished(complete: bool) -> None:
            self._tracking.pop(token, None)
            if not complete:
                self.jobs.cancelled(token)
                return
            if self.target is None or self.target.clip_id != target.clip_id:
                self.jobs.failed(token, "The clip changed while tracking; track again")
                return
            self.masks = masks
            self._commit("Track Mask")
            self.jobs.done(token, f"{len(masks.tracked)} frames")

        def failed(error: Exception) -> None:
            self._tracking.pop(token, None)
            self.jobs.failed(token, str(error))
            self.context.status.show(f"Track Mask: {error}")

        self._track_job = run_in_background(work, finished, failed, self)

    def _cancel_tracking(self, token: str) -> None:
        if token in self._tracking:
            self._tracking[token].set()


def stored_opacity(value: object) -> int:
    """The remembered overlay opacity in percent; anything unreadable is the default."""
    try:
        return min(100, max(0, int(str(value))))
    except ValueError:
        return DEFAULT_OPACITY


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")
