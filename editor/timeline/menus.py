"""Right-click menus: the clip's actions on a clip, the track's on a header or empty lane.

Each entry runs one engine edit through the session (one undo step), so a
menu is only a way to reach the same edits as the tools and keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import opentimelineio as otio
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMenu

from editor.generate import new_shot, take_sound_menu, takes_menu
from editor.timeline import hits
from editor.timeline.layout import ClipBox, Row
from engine.project import document, edits, effects, gaps, links, trackedit, tracks, transitions
from engine.project.document import AUDIO, VIDEO
from engine.project.times import rt

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView


def menu_for(view: TimelineView, hit: hits.Hit) -> QMenu | None:
    if hit.box is not None and hit.row is not None:
        return clip_menu(view, hit.row, hit.box, hit.frame)
    if hit.row is not None:
        return track_menu(view, hit.row, hit.frame)
    return None


def clip_menu(view: TimelineView, row: Row, box: ClipBox, frame: int) -> QMenu:
    context = view.context
    if box.ident not in context.selection:
        view.select_clicked(box.ident, Qt.KeyboardModifier.NoModifier)
    ids = context.selection.ids or [box.ident]
    menu = QMenu(view)
    cut = dissolve_cut(row, box, frame)
    add = menu.addAction("Add Cross Dissolve", lambda: add_dissolve(view, row.track, cut))
    add.setEnabled(cut is not None)
    if box.kind == AUDIO:
        menu.addSeparator()
        menu.addAction("Gain…", lambda: ask_gain(view, box))
        menu.addAction("Fade In…", lambda: ask_fade(view, box, "in"))
        menu.addAction("Fade Out…", lambda: ask_fade(view, box, "out"))
    if box.kind == VIDEO and "clip.regenerate" in context.actions:
        menu.addSeparator()
        menu.addAction(context.actions.action("clip.regenerate"))
    if box.kind == VIDEO:
        takes_menu.add_takes(menu, context, box.ident)
    take_sound_menu.add_take_sound(menu, context, box.ident)
    menu.addSeparator()
    found = [view.layout.find(i) for i in ids]
    if box.link is not None or any(f is not None and f[1].link for f in found):
        menu.addAction("Unlink", lambda: context.session.apply(links.unlink, ids))
    if len(ids) >= 2:
        menu.addAction("Link", lambda: context.session.apply(links.link, ids))
    menu.addSeparator()
    menu.addAction("Delete", lambda: context.session.apply(edits.lift, ids))
    menu.addAction("Ripple Delete", lambda: context.session.apply(edits.ripple_delete, ids))
    return menu


def track_menu(view: TimelineView, row: Row, frame: int | None = None) -> QMenu:
    session = view.context.session
    menu = QMenu(view)
    if frame is not None and gap_at(row, frame)[1] is not None:  # a gap between two clips
        at = rt(frame, view.rate)
        menu.addAction("Ripple Delete", lambda: session.apply(gaps.ripple_delete_gap, row.track, at))
        menu.addAction("Close Gap", lambda: session.apply(gaps.close_gaps, row.track))
        menu.addSeparator()
    if row.kind == VIDEO and frame is not None and new_shot.ACTION in view.context.actions:
        start, length = gap_at(row, frame)
        menu.addAction(
            "Generate Shot in Gap…", lambda: new_shot.ask_gap(view.context.actions, row.track, start, length)
        )
        menu.addSeparator()
    menu.addAction("Add Video Track", lambda: session.apply(tracks.add_track, VIDEO))
    menu.addAction("Add Audio Track", lambda: session.apply(tracks.add_track, AUDIO))
    menu.addSeparator()
    menu.addAction(f"Rename {row.track}…", lambda: ask_rename(view, row.track))
    menu.addAction(f"Remove {row.track}", lambda: session.apply(tracks.remove_track, row.track))
    return menu


def gap_at(row: Row, frame: int) -> tuple[int, int | None]:
    """The empty stretch of `row` around `frame`: (first frame, length), length None after the last clip."""
    start = max((b.end for b in row.boxes if b.end <= frame), default=0)
    end = min((b.start for b in row.boxes if b.start > frame), default=None)
    return start, None if end is None else end - start


# the clip actions ---------------------------------------------------------------------------


def dissolve_cut(row: Row, box: ClipBox, frame: int) -> int | None:
    """The cut of `box` nearest `frame` that has a clip on the other side."""
    for cut in sorted((box.start, box.end), key=lambda c: abs(c - frame)):
        before, after = row.box_at(cut - 1), row.box_at(cut)
        if before is not None and after is not None and before.end == cut and after.start == cut:
            return cut
    return None


def dissolve_length(view: TimelineView, track_name: str, cut: int) -> int:
    """One second, or the longest centred dissolve the clips' handles allow (at least 2 frames)."""
    timeline, rate = view.context.session.timeline, view.rate
    wanted = max(2, round(rate))
    found = trackedit.slots_around_cut(document.track(timeline, track_name), cut, rate)
    if found is None or not all(isinstance(s.item, otio.schema.Clip) for s in found):
        return wanted
    before, after = found
    for length in range(wanted, 1, -1):
        probe = otio.schema.Transition(
            in_offset=rt(length // 2, rate), out_offset=rt(length - length // 2, rate)
        )
        if trackedit.has_handles(probe, before.item, after.item, rate) is None:
            return length
    return wanted  # the engine says why it cannot be done


def add_dissolve(view: TimelineView, track_name: str, cut: int | None) -> None:
    if cut is None:
        view.context.status.show("No cut between two clips here for a dissolve")
        return
    length = dissolve_length(view, track_name, cut)
    rate = view.rate
    view.context.session.apply(transitions.add_cross_dissolve, track_name, rt(cut, rate), rt(length, rate))


def ask_gain(view: TimelineView, box: ClipBox) -> None:
    db, ok = QInputDialog.getDouble(
        view, "Clip Gain", "Gain (dB):", box.gain_db, effects.MIN_GAIN_DB, effects.MAX_GAIN_DB, 1
    )
    if ok:
        view.context.session.apply(effects.set_gain, box.ident, db)


def ask_fade(view: TimelineView, box: ClipBox, which: str) -> None:
    current = box.fades[0 if which == "in" else 1]
    frames, ok = QInputDialog.getInt(
        view, f"Fade {which.capitalize()}", "Length (frames):", current, 0, box.end - box.start, 1
    )
    if not ok:
        return
    rate = view.rate
    key = "fade_in" if which == "in" else "fade_out"
    view.context.session.apply(effects.set_fades, box.ident, **{key: rt(frames, rate)})


def ask_rename(view: TimelineView, track_name: str) -> None:
    name, ok = QInputDialog.getText(view, "Rename Track", "Name:", text=track_name)
    if ok and name.strip() and name.strip() != track_name:
        view.context.session.apply(tracks.rename_track, track_name, name)
