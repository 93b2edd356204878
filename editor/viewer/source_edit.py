"""Insert and Overwrite from the source monitor: a three-point edit onto the patched tracks.

The source's In/Out and the timeline's In/Out and playhead decide what goes
where (`engine.playback.threepoint`); the source patch decides which tracks
receive its picture and sound. Every refusal is a status-bar message in
words, and nothing in the document changes.
"""

from __future__ import annotations

from editor.context import EditorContext
from editor.viewer.monitor import Monitor
from engine.errors import EditError
from engine.playback import threepoint
from engine.playback.source import placements, source_length
from engine.project import document, tracks
from engine.project.document import AUDIO, VIDEO
from engine.project.edits import insert as insert_edit
from engine.project.edits import overwrite as overwrite_edit
from engine.project.times import rt, timecode


def edit_from_source(context: EditorContext, source_monitor: Monitor, overwrite: bool) -> None:
    """Three-point edit from the source's marks and the timeline's marks onto the patched tracks.

    Marks on the timeline that decided the edit are cleared afterwards (as
    Avid and Premiere's "clear in/out after edit" do), so the next `,`
    goes at the playhead, which moves to the end of what was edited in.
    """
    source = source_monitor.source
    if source is None:
        context.status.show("Open a clip in the source viewer first (double-click it in the bin)")
        return
    session, head, status = context.session, context.playhead, context.status
    rate = session.rate
    if document.settings(source).rate != rate:
        status.show("The project's frame rate changed: open the source clip again")
        return
    marks = source_monitor.source_playhead
    source_marks = threepoint.Marks(marks.in_point, marks.out_point)
    timeline_marks = threepoint.Marks(head.in_point, head.out_point)
    try:
        edit = threepoint.resolve(source_marks, source_length(source), timeline_marks, head.frame, rate)
    except EditError as error:
        status.show(f"Cannot {'overwrite' if overwrite else 'insert'}: {error}")
        return
    destinations = context.patch.destinations(session.timeline)
    placed = {}
    for name, clip in placements(source, edit.source_first, edit.frames).items():
        track = destinations[VIDEO if name.startswith("V") else AUDIO]
        if track is not None:
            placed[track] = clip
    if not placed:
        status.show("No track is patched for this source: click V or A at the left of a track header")
        return
    locked = [t for t in placed if tracks.track_flags(document.track(session.timeline, t)).locked]
    if locked:
        status.show(f"Cannot edit into {', '.join(locked)}: the track is locked")
        return
    if session.apply(overwrite_edit if overwrite else insert_edit, rt(edit.at, rate), placed) is None:
        return
    if head.in_point is not None or head.out_point is not None:
        head.clear_marks()
    head.move_to(edit.at + edit.frames)  # as in Premiere: ready for the next edit
    verb = "Overwrote" if overwrite else "Inserted"
    name = source_monitor.source_path.name if source_monitor.source_path else "the source"
    where = ", ".join(placed)
    status.show(f"{verb} {name} ({timecode(edit.frames, rate)}) at {timecode(edit.at, rate)} on {where}")
