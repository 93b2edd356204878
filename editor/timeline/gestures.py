"""Mouse gestures on the timeline: move, trim, roll, slip, rubber band, scrub (slide: `slide`).

A gesture is created on press, follows the mouse with a live preview (ghost
rectangles and a note with the delta), and touches the document only on
release, with exactly one engine edit (or one group), so a drag is one undo
step. Escape drops it and nothing happens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import opentimelineio as otio
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtWidgets import QMenu

from editor.timeline.geometry import SNAP_PIXELS
from editor.timeline.layout import ClipBox, Row
from editor.timeline.painting import Ghost, Overlay, clip_rect
from editor.timeline.snapping import Snapper
from editor.timeline.sync_ghosts import moved_clips
from engine.errors import ShotlineError
from engine.project import document, edits, timewarp, trackedit, trims
from engine.project.document import VIDEO
from engine.project.times import rt, timecode

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView

#: The action that opens the extend dialog (editor.generate.extend_controller registers it).
EXTEND_ACTION = "clip.extend"


def describe(delta: int, rate: float) -> str:
    sign = "+" if delta >= 0 else "−"
    return f"{sign}{abs(delta)} f  ({sign}{timecode(abs(delta), rate)})"


class Gesture:
    def __init__(self, view: TimelineView, pos: QPointF) -> None:
        self.view = view
        self.origin = pos
        self.overlay = Overlay()

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        raise NotImplementedError

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        raise NotImplementedError

    def frames_moved(self, pos: QPointF) -> int:
        return round(self.view.geometry_.frames_in(pos.x() - self.origin.x()))

    def snapper(self, exclude: set[str] = frozenset()) -> Snapper | None:
        """Cuts of clips not being dragged, the playhead and markers; None when snapping is off."""
        view = self.view
        if not view.snapping:
            return None
        targets = {view.context.playhead.frame, *(m.frame for m in view.layout.markers)}
        for row in view.layout.rows:
            for box in row.boxes:
                if box.ident not in exclude:
                    targets.update((box.start, box.end))
        return Snapper(targets, view.geometry_.pixels_per_frame, SNAP_PIXELS)


class Scrub(Gesture):
    """Click or drag on the ruler moves the shared playhead."""

    def __init__(self, view: TimelineView, pos: QPointF) -> None:
        super().__init__(view, pos)
        self.overlay = None  # type: ignore[assignment]
        self.move(pos, Qt.KeyboardModifier.NoModifier)

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        self.view.context.playhead.move_to(self.view.geometry_.frame_at(pos.x()))

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        pass


class MoveClips(Gesture):
    """Drag clips in time and across tracks; linked partners follow in time on their own tracks.

    A multi-selection moves as one block: every selected clip of the grabbed
    clip's kind shifts by the same number of tracks (video among video tracks,
    audio among audio tracks), as Premiere moves a selection. A block that
    would leave the tracks there are, or land on a locked track, is refused
    with the reason shown while dragging and in the status bar on release.
    """

    def __init__(self, view: TimelineView, pos: QPointF, grabbed: ClipBox) -> None:
        super().__init__(view, pos)
        self.grabbed = grabbed
        layout = view.layout
        chosen = [layout.find(i) for i in view.context.selection.ids]
        boxes = [found[1] for found in chosen if found is not None]
        if grabbed not in boxes:
            boxes = [grabbed]
        groups: dict[str, ClipBox] = {}  # one clip per link group: the engine moves its partners
        for box in boxes:
            key = box.link or box.ident
            held = groups.get(key)
            better = held is None or (held.kind != grabbed.kind and box.kind == grabbed.kind)
            if held is not grabbed and (box is grabbed or better):
                groups[key] = box
        self.leaders = list(groups.values())
        self.moving = {b.ident: b for box in self.leaders for b in [box, *layout.partners(box)]}
        self._snap = self.snapper(set(self.moving))
        self.delta = 0
        self.track = grabbed.track
        self.offset = 0  # tracks moved, counted away from the middle (V1 -> V2, A1 -> A2)
        self.refusal = ""
        rows = [r for r in layout.rows if r.kind == grabbed.kind]
        # V1 first for video (drawn bottom-up), A1 first for audio (drawn top-down)
        self.order = [r.track for r in (reversed(rows) if grabbed.kind == VIDEO else rows)]
        self.locked = {r.track for r in rows if r.flags.locked}
        self.shifting = {b.ident for b in self.leaders if b.kind == grabbed.kind}

    def destination(self, box: ClipBox) -> str:
        """The track `box` lands on at the current offset (its own when it does not shift)."""
        if box.ident not in self.shifting or not self.offset:
            return box.track
        index = self.order.index(box.track) + self.offset
        return self.order[index] if 0 <= index < len(self.order) else ""

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        view = self.view
        delta = self.frames_moved(pos)
        lowest = min(b.start for b in self.moving.values())
        snapped = None
        if self._snap is not None:
            edges = [e + delta for b in self.moving.values() for e in (b.start, b.end)]
            shift = self._snap.offset(edges)
            if shift is not None:
                delta += shift
                snapped = next((e + shift for e in edges if self._snap.nearest(e) == e + shift), None)
        self.delta = max(delta, -lowest)
        self.overlay.line = snapped  # the snap line shows what the clip caught on
        row = view.layout.row_at(pos.y() - view.canvas_top())
        over = row.track if row is not None and row.kind == self.grabbed.kind else self.grabbed.track
        self.offset = self.order.index(over) - self.order.index(self.grabbed.track)
        self.track = over
        self.refusal = self._refusal()
        shown = {b.ident: (b.track if self.refusal else self.destination(b)) for b in self.moving.values()}
        self.overlay.ghosts = [
            Ghost(shown[b.ident], b.start + self.delta, b.end + self.delta, b.name)
            for b in self.moving.values()
        ]
        self.overlay.note = self.refusal or describe(self.delta, view.rate)
        self.overlay.note_at = pos

    def _refusal(self) -> str:
        for ident in self.shifting:
            box = self.moving[ident]
            track = self.destination(box)
            if not track:
                return f"Cannot move: {box.name} would go past the last {self.grabbed.kind.lower()} track"
            if track != box.track and track in self.locked:
                return f"Cannot move: {track} is locked"
        return ""

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        session, rate = self.view.context.session, self.view.rate
        if self.refusal:
            self.view.context.status.show(self.refusal)
            return
        if self.delta == 0 and self.offset == 0:
            return
        if len(self.leaders) == 1:
            to_track = self.track if self.track != self.grabbed.track else None
            session.apply(edits.move, self.grabbed.ident, rt(self.grabbed.start + self.delta, rate), to_track)
            return

        # the clip furthest along the way goes first, so none lands on one that has not moved yet
        def ahead(box: ClipBox) -> tuple[int, int]:
            index = self.order.index(box.track) if box.ident in self.shifting else 0
            return (index * (1 if self.offset >= 0 else -1), box.start * (1 if self.delta >= 0 else -1))

        with session.group("Move Clips"):
            for box in sorted(self.leaders, key=ahead, reverse=True):
                to_track = self.destination(box)
                session.apply(
                    edits.move,
                    box.ident,
                    rt(box.start + self.delta, rate),
                    to_track if to_track != box.track else None,
                )


class Trim(Gesture):
    """Drag a clip's head or tail; Alt held at release makes it a ripple trim.

    The engine moves a linked partner's edge with the clip's, so the ghost
    shows the partner's new edge too: what the editor sees is what happens.
    """

    def __init__(self, view: TimelineView, pos: QPointF, box: ClipBox, side: str) -> None:
        super().__init__(view, pos)
        self.box, self.side = box, side
        self.edge = box.start if side == "head" else box.end
        self.group = [box, *view.layout.partners(box)]
        self._snap = self.snapper({b.ident for b in self.group})
        self.delta = 0
        self.room = _media_room(view, box, side)
        self.released_at = pos
        self._shown: tuple | None = None  # the edit last shown in the viewer
        self._followers: tuple[int, list[Ghost]] | None = None  # (delta, sync-locked tracks' ghosts)

    @property
    def past_media(self) -> int:
        """Frames the drag asks for beyond the end (or start) of the clip's media."""
        outward = self.delta if self.side == "tail" else -self.delta
        return max(0, outward - self.room) if self.room is not None else 0

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        delta = self.frames_moved(pos)
        if self._snap is not None:
            delta += self._snap.offset([self.edge + delta]) or 0
        for member in self.group:  # every clip of the group keeps at least a frame
            if self.side == "head":
                delta = max(-member.start, min(delta, member.end - member.start - 1))
            else:
                delta = max(delta, member.start - member.end + 1)
        self.delta = delta
        ripple = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        self.overlay.ghosts = [
            *(self._ghost(m, delta, ripple) for m in self.group),
            *self._past_media_ghost(ripple),
            *(self._sync_ghosts(delta) if ripple else []),
        ]
        self.overlay.line = self.edge + delta if not (ripple and self.side == "head") else None
        kind = "Ripple trim" if ripple else "Trim"
        self.overlay.note = (
            f"{kind} {'in' if self.side == 'head' else 'out'}: {describe(delta, self.view.rate)}"
        )
        if self.past_media:
            self.overlay.note += f"  ·  {self.past_media} f past the media: release to extend with AI"
        self.overlay.note_at = self.released_at = pos
        head = self.side == "head"
        edit = trims.trim_head if head else trims.trim_tail
        frame = (self.box.start if ripple else self.box.start + delta) if head else self.box.end + delta - 1
        edit_now = (edit, self.box.ident, delta, ripple)
        rate = self.view.rate
        named = (point("In" if head else "Out", frame, rate),)
        self._shown = show_edit_frame(
            self.view, self._shown, edit_now, self.box.track, frame, lambda _copy, _applied: named
        )

    def _sync_ghosts(self, delta: int) -> list[Ghost]:
        """The sync-locked tracks' clips where the ripple trim moves them (worked out once per delta)."""
        if delta == 0:
            return []
        if self._followers is None or self._followers[0] != delta:
            edit = trims.trim_head if self.side == "head" else trims.trim_tail
            rate = self.view.rate
            timeline = self.view.context.session.timeline
            edited = {m.track for m in self.group}
            ghosts = moved_clips(timeline, rate, edited, edit, self.box.ident, rt(delta, rate), ripple=True)
            self._followers = (delta, ghosts)
        return self._followers[1]

    def _past_media_ghost(self, ripple: bool) -> list[Ghost]:
        """The part of the drag beyond the media, marked as what an extend would make."""
        past, box = self.past_media, self.box
        if not past or self.room is None:
            return []
        label = f"AI +{past}"
        if self.side == "tail":
            return [Ghost(box.track, box.end + self.room, box.end + self.delta, label)]
        return [] if ripple else [Ghost(box.track, box.start + self.delta, box.start - self.room, label)]

    def _ghost(self, box: ClipBox, delta: int, ripple: bool) -> Ghost:
        if self.side == "tail":
            return Ghost(box.track, box.start, box.end + delta)
        if ripple:  # the head's media moves; the clip stays put and what follows closes up
            return Ghost(box.track, box.start, box.end - delta)
        return Ghost(box.track, box.start + delta, box.end)

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        if self.delta == 0:
            return
        ripple = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        edit = trims.trim_head if self.side == "head" else trims.trim_tail
        past = self.past_media
        self.view.context.session.apply(edit, self.box.ident, rt(self.delta, self.view.rate), ripple=ripple)
        if past:
            self._offer_extend(past)

    def _offer_extend(self, frames: int) -> None:
        """The trim stopped at the media's end; offer to make the frames it could not show."""
        actions = self.view.context.actions
        if EXTEND_ACTION not in actions:
            return
        extend = actions.action(EXTEND_ACTION)
        menu = QMenu(self.view)
        offer = menu.addAction(f"Extend with AI… (+{frames} frames)")
        offer.setObjectName("extend-offer")

        def chosen() -> None:
            extend.setData({"clip": self.box.ident, "side": self.side, "frames": frames})
            extend.trigger()

        offer.triggered.connect(chosen)
        self.view.run_menu(menu, self.view.mapToGlobal(self.released_at.toPoint()))


def show_edit_frame(
    view: TimelineView,
    shown: tuple | None,
    edit: tuple,
    track: str,
    frame: int | tuple[int, int] | Callable[[int], int | tuple[int, int]],
    labels: Callable[[otio.schema.Timeline, int], tuple[str, ...]] | None = None,
) -> tuple | None:
    """Have the viewer show `frame` of `track` as `edit` would leave it: the edit frame, as editors
    show it during a trim. `edit` is (engine function, its arguments...) with times in frames;
    `labels(the edited copy, frames the engine applied)` names each frame shown ("Out 00:00:02:11"),
    as Premiere labels the halves of its trim monitor; `frame` may also depend on what the engine
    applied (a roll stopped by the media shows the cut where it stops, not under the mouse).
    Only when the edit changed since `shown`; returns the edit now shown (unchanged when the
    engine refuses it)."""
    timeline = view.context.session.timeline
    if edit == shown or track not in {t.name for t in document.tracks(timeline, VIDEO)}:
        return shown  # unchanged, or a sound trim: the picture stays at the playhead
    function, *arguments = edit
    rate = view.rate
    copy = timeline.clone()
    try:
        change = function(
            copy, *(rt(a, rate) if isinstance(a, int) and not isinstance(a, bool) else a for a in arguments)
        )
    except ShotlineError:
        return shown
    applied = change.result if isinstance(getattr(change, "result", None), int) else 0
    if callable(frame):
        frame = frame(applied)
    for other in document.tracks(copy, VIDEO):  # the trimmed track alone, as a trim monitor shows it
        if other.name != track:
            other.enabled = False
    try:
        named = labels(copy, applied) if labels is not None else ()
    except ShotlineError:
        named = ()
    view.context.media.editFrame.emit(copy, frame, named)
    return edit


def point(word: str, frame: int, rate: float) -> str:
    """An edit point's label over the viewer's picture: "In 00:00:02:12"."""
    return f"{word} {timecode(frame, rate)}"


def source_ends(timeline: otio.schema.Timeline, ident: str, rate: float) -> tuple[int, int]:
    """The first and last media frames the clip shows (a slip's new in and out points)."""
    clip = document.find_clip(timeline, ident)[1]
    start, length = trackedit.source_frames(clip, rate)
    return start, start + max(1, timewarp.clip_span(clip, length)) - 1


def _media_room(view: TimelineView, box: ClipBox, side: str) -> int | None:
    """Frames of media beyond the clip's edge on `side`; None when there is no limit to offer past
    (sound, stills, offline media)."""
    if box.kind != VIDEO or box.offline:
        return None
    rate = view.rate
    try:
        _, clip = document.find_clip(view.context.session.timeline, box.ident)
    except ShotlineError:
        return None
    limits = trackedit.media_limits(clip, rate)
    if limits is None:
        return None
    start, length = trackedit.source_frames(clip, rate)
    return limits[1] - start - length if side == "tail" else start - limits[0]


class Roll(Gesture):
    """Drag the cut between two items: one gets longer as the other gets shorter."""

    def __init__(self, view: TimelineView, pos: QPointF, row: Row, cut: int) -> None:
        super().__init__(view, pos)
        self.row, self.cut = row, cut
        beside = {b.ident for b in (row.box_at(cut - 1), row.box_at(cut)) if b is not None}
        self._snap = self.snapper(beside)
        self.delta = 0
        self._shown: tuple | None = None

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        delta = self.frames_moved(pos)
        if self._snap is not None:
            delta += self._snap.offset([self.cut + delta]) or 0
        self.delta = delta
        self.overlay.note_at = pos
        edit = (trims.roll, self.row.track, self.cut, delta)
        if edit != self._shown:  # else the line and note of this very roll (and where it stops) stand
            self.overlay.line = self.cut + delta
            self.overlay.note = f"Roll: {describe(delta, self.view.rate)}"
        rate, cut = self.view.rate, self.cut

        def sides(applied: int) -> tuple[int, int]:
            """Both sides of the cut where the roll leaves it: the outgoing's last frame, the incoming's
            first (the engine stops a roll at either clip's media)."""
            return cut + applied - 1, cut + applied

        def labels(_copy: otio.schema.Timeline, applied: int) -> tuple[str, ...]:
            if applied != delta:  # the engine stops the roll where a clip's media ends: say so
                self.overlay.note = f"Roll: {describe(applied, rate)}  ·  stops: a clip's media ends there"
                self.overlay.line = cut + applied
            out, into = sides(applied)
            return point("Out", out, rate), point("In", into, rate)

        self._shown = show_edit_frame(self.view, self._shown, edit, self.row.track, sides, labels)

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        if self.delta:
            rate = self.view.rate
            self.view.context.session.apply(
                trims.roll, self.row.track, rt(self.cut, rate), rt(self.delta, rate)
            )


class Slip(Gesture):
    """Drag inside a clip to show another part of its media in the same place (left: later media).

    The viewer shows Premiere's slip two-up meanwhile: the clip's new first frame beside its new
    last frame, the two ends of the media the drag now chooses (its picture partner's, when the
    sound is dragged), each labelled with its source timecode. The engine's `trims.slip_room` is
    asked once, on press, how far the media may move and what stops it, so the note and the ghost
    show what the release will do, not what the mouse asks for."""

    def __init__(self, view: TimelineView, pos: QPointF, box: ClipBox) -> None:
        super().__init__(view, pos)
        self.box = box
        self.delta = 0
        self.stop = ""  # why the drag goes no further, while it asks for more than there is
        group = [box, *view.layout.partners(box)]
        self.picture = next((m for m in group if m.kind == VIDEO), box)
        self._shown: tuple | None = None
        try:
            self.room: trims.EditRoom | None = trims.slip_room(view.context.session.timeline, box.ident)
        except ShotlineError as error:
            self.room, self.stop = None, str(error)

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        wanted = -self.frames_moved(pos)
        room = self.room
        if room is None:
            self.delta = 0
        else:
            self.delta, self.stop = room.clamp(wanted)
        box, rate = self.box, self.view.rate
        self.overlay.ghosts = [
            Ghost(box.track, box.start, box.end, f"in {timecode(box.media_start + self.delta, rate)}")
        ]
        self.overlay.note = f"Slip: {describe(self.delta, rate)}"
        if self.stop:
            self.overlay.note += f"  ·  stops: {self.stop}"
        self.overlay.note_at = pos
        first, last = self.picture.start, self.picture.end - 1
        frame = (first, last) if last > first else first
        edit = (trims.slip, box.ident, self.delta)
        ident, two = self.picture.ident, last > first

        def labels(copy: otio.schema.Timeline, _applied: int) -> tuple[str, ...]:
            """The clip's new in and out points in its media: what a slip changes (not where it is)."""
            media_in, media_out = source_ends(copy, ident, rate)
            return (point("In", media_in, rate), point("Out", media_out, rate))[: 2 if two else 1]

        self._shown = show_edit_frame(self.view, self._shown, edit, self.picture.track, frame, labels)

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        if self.delta:
            self.view.context.session.apply(trims.slip, self.box.ident, rt(self.delta, self.view.rate))
        elif self.stop:
            self.view.context.status.show(f"Cannot slip {self.box.name}: {self.stop}")


class RubberBand(Gesture):
    """Drag on empty track space to select every clip the band touches (Shift/Ctrl: add to the selection)."""

    def __init__(self, view: TimelineView, pos: QPointF, additive: bool) -> None:
        super().__init__(view, pos)
        self.additive = additive
        self.before = view.context.selection.ids if additive else []

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        band = QRectF(self.origin, pos).normalized()
        self.overlay.band = band
        view = self.view
        hit = [
            box.ident
            for row in view.layout.rows
            for box in row.visible(
                view.geometry_.frame_at(band.left()) - 1, view.geometry_.frame_at(band.right()) + 1
            )
            if clip_rect(box, row, view.geometry_).intersects(band)
        ]
        view.context.selection.set([*self.before, *hit])

    def finish(self, modifiers: Qt.KeyboardModifier) -> None:
        pass
