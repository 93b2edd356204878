"""Drops onto the timeline: bin items (our MIME type) and files from the file manager (URLs).

While dragging over, a ghost shows where each file lands on the track under
the mouse; dropping overwrites there (Ctrl held: inserts), picture and sound
linked, as one undo step. Files from the file manager also join the media
bin in that same step (the bin probes them in the background, as it does
every import), so what is on the timeline can be found again. A file's
length comes from a probe started in the background when the drag enters and
kept for later drags; if the drop comes before the probe is back, it probes
then (a local probe takes milliseconds).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from editor import mime
from editor.background import run_in_background
from editor.timeline.geometry import SNAP_PIXELS
from editor.timeline.layout import Row
from editor.timeline.painting import Ghost, Overlay
from editor.timeline.snapping import Snapper
from engine.errors import ShotlineError
from engine.media.probe import MediaInfo, probe
from engine.media.reference import reference_for
from engine.project import bin as media_bin
from engine.project import edits
from engine.project.clips import linked_av, media_clip
from engine.project.document import AUDIO, VIDEO, Clip
from engine.project.times import rt, timecode

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView

STILL_SECONDS = 5
UNKNOWN_SECONDS = 5  # ghost length while a probe is still running


def dragged_media(data: QMimeData) -> list[mime.MediaDrag]:
    """Bin items, or local files dragged in from the file manager."""
    items = mime.decode(data)
    if items:
        return items
    return [mime.MediaDrag(Path(url.toLocalFile())) for url in data.urls() if url.isLocalFile()]


class DropHandler:
    def __init__(self, view: TimelineView) -> None:
        self.view = view
        self.probed: dict[str, MediaInfo | ShotlineError] = {}
        self._probing: set[str] = set()
        self._items: list[mime.MediaDrag] = []

    # the probe cache --------------------------------------------------------------------

    def _start_probes(self, items: list[mime.MediaDrag]) -> None:
        for item in items:
            key = str(item.path)
            if key in self.probed or key in self._probing:
                continue
            self._probing.add(key)
            run_in_background(
                lambda path=item.path: probe(path),
                lambda info, key=key: self._probe_done(key, info),
                lambda error, key=key: self._probe_done(key, error),
                self.view,
            )

    def _probe_done(self, key: str, result: object) -> None:
        self._probing.discard(key)
        if isinstance(result, MediaInfo | ShotlineError):
            self.probed[key] = result
        else:
            self.probed[key] = ShotlineError(f"{Path(key).name} cannot be read: {result}")
        self.view.update()

    def info(self, path: Path) -> MediaInfo:
        """The file's probe, from the cache or (at drop time only) made now; raises ShotlineError."""
        key = str(path)
        if key not in self.probed:
            try:
                self.probed[key] = probe(path)
            except ShotlineError as error:
                self.probed[key] = error
        found = self.probed[key]
        if isinstance(found, ShotlineError):
            raise found
        return found

    # where things land -------------------------------------------------------------------

    def frames_of(self, item: mime.MediaDrag, info: MediaInfo | None) -> int:
        rate = self.view.rate
        if item.frames:
            return item.frames
        if info is None:
            return round(UNKNOWN_SECONDS * rate)
        if info.duration is None:
            return round(STILL_SECONDS * rate)
        return max(1, math.floor(info.duration * rate) - (item.start or 0))

    def tracks_for(self, row: Row | None) -> tuple[str | None, str | None]:
        """(video track, audio track) for a drop over `row`: that row for its kind, V1 / A1 for the other."""
        rows = self.view.layout.rows
        videos = [r for r in rows if r.kind == VIDEO]
        audios = [r for r in rows if r.kind == AUDIO]
        video = row.track if row is not None and row.kind == VIDEO else (videos[-1].track if videos else None)
        audio = row.track if row is not None and row.kind == AUDIO else (audios[0].track if audios else None)
        return video, audio

    def plan(self, pos: QPointF, known_only: bool) -> list[tuple[mime.MediaDrag, int, int, MediaInfo | None]]:
        """(item, start frame, frames, probe) for each dragged file, one after another from the mouse.

        The run's head or tail snaps onto a clip edge, the timeline's start, the
        playhead or a marker within a few pixels (when snapping is on), so a drop
        beside a clip butts against it instead of leaving a black gap of a frame or two.
        """
        frame = max(0, self.view.geometry_.frame_at(pos.x()))
        planned = []
        for item in self._items:
            cached = self.probed.get(str(item.path))
            info = cached if isinstance(cached, MediaInfo) else None
            if not known_only and info is None and cached is None:
                try:
                    info = self.info(item.path)
                except ShotlineError:
                    info = None
            if isinstance(cached, ShotlineError):
                continue
            planned.append((item, self.frames_of(item, info), info))
        total = sum(length for _, length, _ in planned)
        snapper = self._snapper()
        shift = snapper.offset([frame, frame + total]) if snapper is not None else None
        if shift is not None and frame + shift >= 0:
            frame += shift
        out = []
        for item, length, info in planned:
            out.append((item, frame, length, info))
            frame += length
        return out

    def _snapper(self) -> Snapper | None:
        view = self.view
        if not view.snapping:
            return None
        targets = {0, view.context.playhead.frame, *(m.frame for m in view.layout.markers)}
        for row in view.layout.rows:
            for box in row.boxes:
                targets.update((box.start, box.end))
        return Snapper(targets, view.geometry_.pixels_per_frame, SNAP_PIXELS)

    def _row_at(self, pos: QPointF) -> Row | None:
        return self.view.layout.row_at(pos.y() - self.view.canvas_top())

    # the drag --------------------------------------------------------------------------------

    def enter(self, event: QDragEnterEvent) -> None:
        self._items = dragged_media(event.mimeData())
        if not self._items:
            event.ignore()
            return
        self._start_probes(self._items)
        event.acceptProposedAction()
        self._preview(event.position(), event.modifiers())

    def move(self, event: QDragMoveEvent) -> None:
        if not self._items:
            event.ignore()
            return
        event.acceptProposedAction()
        self._preview(event.position(), event.modifiers())

    def _preview(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        video, audio = self.tracks_for(self._row_at(pos))
        overlay = Overlay(note_at=pos)
        for item, start, length, info in self.plan(pos, known_only=True):
            has_video = info is None or info.video is not None
            has_audio = info is None or info.audio is not None
            for track, wanted in ((video, has_video), (audio, has_audio)):
                if track is not None and wanted:
                    overlay.ghosts.append(Ghost(track, start, start + length, item.path.name))
        inserting = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        at = overlay.ghosts[0].start if overlay.ghosts else self.view.geometry_.frame_at(pos.x())
        overlay.note = f"{'Insert' if inserting else 'Overwrite'} at {timecode(at, self.view.rate)}"
        self.view.overlay = overlay
        self.view.update()

    def leave(self) -> None:
        self._items = []
        self.view.overlay = None
        self.view.update()

    def drop(self, event: QDropEvent) -> None:
        self._items = self._items or dragged_media(event.mimeData())
        inserting = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        pos = event.position()
        row = self._row_at(pos)
        from_files = not mime.decode(event.mimeData())  # not our bin's own items: import them too
        placed = self.place(pos, row, inserting, add_to_bin=from_files)
        self.leave()
        if placed:
            event.acceptProposedAction()
        else:
            event.ignore()

    def place(self, pos: QPointF, row: Row | None, inserting: bool, add_to_bin: bool = False) -> bool:
        """Overwrite (or insert) every dragged file at the mouse, as one undo step (with the import)."""
        view = self.view
        session, rate = view.context.session, view.rate
        video, audio = self.tracks_for(row)
        steps: list[tuple[int, dict[str, Clip]]] = []
        files: list[Path] = []
        for item, start, length, _info in self.plan(pos, known_only=False):
            try:
                clips = self.clips(item, length)
            except ShotlineError as error:
                view.context.status.show(str(error))
                continue
            placements: dict[str, Clip] = {}
            for clip in clips:
                track = audio if clip.metadata["shotline"].get("kind") == "audio" else video
                if track is not None:
                    placements[track] = clip
            if placements:
                steps.append((start, placements))
                files.append(item.path)
        if not steps:
            return False
        edit = edits.insert if inserting else edits.overwrite
        listed = set(media_bin.entries(session.timeline))
        new = (
            [p for p in dict.fromkeys(files) if Path(media_bin.normalized(p)) not in listed]
            if add_to_bin
            else []
        )
        if len(steps) == 1 and not new:
            start, placements = steps[0]
            return session.apply(edit, rt(start, rate), placements) is not None
        done = False
        with session.group("Insert" if inserting else "Overwrite"):
            if new:
                session.apply(media_bin.add_media, new)
            for start, placements in steps:
                session.apply(edit, rt(start, rate), placements)
            done = True
        if done and new:
            view.context.media.imported.emit([Path(media_bin.normalized(p)) for p in new])
        return done

    def clips(self, item: mime.MediaDrag, length: int) -> list[Clip]:
        """The clips a file makes (picture and sound linked), from its cached probe."""
        info = self.info(item.path)
        ref = reference_for(item.path, info)
        name = item.path.stem
        rate = self.view.rate
        duration = length if (item.frames or info.duration is None) else None
        if info.video is not None and info.audio is not None:
            return list(linked_av(name, ref, rate, duration, item.start))
        kind = VIDEO if info.video is not None else AUDIO
        return [media_clip(name, ref, rate, duration, item.start, kind)]
