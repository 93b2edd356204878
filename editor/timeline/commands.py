"""The timeline's keyboard commands, registered in the action registry so the keymap stays editable.

Premiere's defaults: V select, C razor, N roll, Y slip, U slide, Ctrl+K add edit,
Delete lift, Shift+Delete ripple delete, M marker, S snapping, +/= and - zoom,
Shift+Z zoom to fit, Ctrl+D default transition, Ctrl+L link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from editor.timeline import menus, nested_nav
from editor.timeline.view import RAZOR, ROLL, SELECT, SLIDE, SLIP
from engine.project import edits, links, markers, tracks
from engine.project.document import AUDIO, VIDEO
from engine.project.times import rt

if TYPE_CHECKING:
    from editor.timeline.view import TimelineView


def register(view: TimelineView) -> None:
    context = view.context
    add = context.actions.add
    for tool, text, key in (
        (SELECT, "&Selection Tool", "V"),
        (RAZOR, "&Razor Tool", "C"),
        (ROLL, "R&oll Tool", "N"),
        (SLIP, "S&lip Tool", "Y"),
        (SLIDE, "Slid&e Tool", "U"),
    ):
        add(f"timeline.tool.{tool}", text, lambda tool=tool: view.set_tool(tool), "Edit", key, "tools")
    add("timeline.lift", "&Delete (Lift)", lambda: lift(view, ripple=False), "Edit", "Delete", "delete")
    add(
        "timeline.ripple_delete",
        "Ripple De&lete",
        lambda: lift(view, ripple=True),
        "Edit",
        "Shift+Delete",
        "delete",
    )
    add("timeline.add_edit", "Add &Edit", lambda: add_edit(view), "Sequence", "Ctrl+K", "edit")
    add(
        "timeline.dissolve",
        "Add Cross &Dissolve",
        lambda: dissolve_at_playhead(view),
        "Sequence",
        "Ctrl+D",
        "edit",
    )
    add("timeline.marker", "Add &Marker", lambda: add_marker(view), "Sequence", "M", "marker")
    snapping = add("timeline.snapping", "&Snapping", lambda: None, "Sequence", "S", "snap", checkable=True)
    snapping.setChecked(view.snapping)
    snapping.toggled.connect(view.set_snapping)
    add(
        "timeline.add_video_track",
        "Add &Video Track",
        lambda: context.session.apply(tracks.add_track, VIDEO),
        "Sequence",
        "",
        "tracks",
    )
    add(
        "timeline.add_audio_track",
        "Add &Audio Track",
        lambda: context.session.apply(tracks.add_track, AUDIO),
        "Sequence",
        "",
        "tracks",
    )
    add(
        "timeline.link",
        "&Link",
        lambda: context.session.apply(links.link, context.selection.ids),
        "Clip",
        "Ctrl+L",
        "link",
    )
    add(
        "timeline.unlink",
        "&Unlink",
        lambda: context.session.apply(links.unlink, context.selection.ids),
        "Clip",
        "",
        "link",
    )
    add("view.zoom_in", "Zoom &In", lambda: view.zoom(1.5), "View", "+", "zoom")
    # Premiere's zoom-in key is "=" (unshifted); a second, menu-less command keeps "+" too (both rebindable)
    view.addAction(add("view.zoom_in_equal", "Zoom In (Second Key)", lambda: view.zoom(1.5), "", "=", "zoom"))
    add("view.zoom_out", "Zoom &Out", lambda: view.zoom(1 / 1.5), "View", "-", "zoom")
    add("view.fit", "Zoom to &Fit", view.zoom_to_fit, "View", "Shift+Z", "zoom")


def lift(view: TimelineView, ripple: bool) -> None:
    ids = view.context.selection.ids
    if not ids and nested_nav.delete_selected(view, ripple):
        return
    if not ids:
        view.context.status.show("Select clips to delete", 3000)
        return
    view.context.session.apply(edits.ripple_delete if ripple else edits.lift, ids)


def add_edit(view: TimelineView) -> None:
    """Cut at the playhead on the targeted tracks only (locked ones, and linked partners on
    untargeted tracks, are left whole), as Premiere's Add Edit does."""
    names = [r.track for r in view.layout.rows if r.track in view.targeted_tracks() and not r.flags.locked]
    if not names:
        view.context.status.show("No targeted, unlocked track to cut", 3000)
        return
    view.context.session.apply(edits.slice, rt(view.context.playhead.frame, view.rate), names, partners=False)


def add_marker(view: TimelineView) -> None:
    view.context.session.apply(markers.add_marker, rt(view.context.playhead.frame, view.rate))


def dissolve_at_playhead(view: TimelineView) -> None:
    """A dissolve at the cut nearest the playhead on the first targeted video (else any) track."""
    frame = view.context.playhead.frame
    targeted = view.targeted_tracks()
    best: tuple[int, str, int] | None = None
    for row in view.layout.rows:
        if row.track not in targeted:
            continue
        box = row.box_at(frame) or row.box_at(frame - 1)
        if box is None:
            continue
        cut = menus.dissolve_cut(row, box, frame)
        if cut is not None and (best is None or abs(cut - frame) < best[0]):
            best = (abs(cut - frame), row.track, cut)
    if best is None:
        view.context.status.show("No cut near the playhead on a targeted track", 3000)
        return
    menus.add_dissolve(view, best[1], best[2])
