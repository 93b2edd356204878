"""Import Timeline: another editor's cut added to the open project on tracks of its own.

Premiere and Resolve import a timeline into the project that is open and
leave the sequence being cut alone. A Shotline project holds one timeline,
so the imported tracks join it: each goes onto an empty track of its kind
when there is one (a new project's empty V1 and A1), else onto a new track
(video above the existing video, audio below the existing audio). Nothing
already in the cut moves or is overwritten, and the whole import is one
undo step.

The imported cut starts at a chosen frame (the playhead). Its clips get new
ids and its linked picture and sound new link ids, so importing the same
file twice gives two independent copies. It must be at the project's frame
rate: conforming a 25 fps cut to 24 fps would change every cut point, which
no editor wants done silently.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError
from engine.project import trackedit
from engine.project.change import Change, is_locked, mutation
from engine.project.document import AUDIO, VIDEO, Timeline, Track, new_id, settings, shotline_meta, tracks


def add_timeline(timeline: Timeline, incoming: Timeline, at: int = 0) -> Change:
    """Add `incoming`'s video and audio tracks to `timeline`, starting at frame `at`.

    `change.result` is the names of the tracks the import filled, bottom video first.
    """
    check_importable(timeline, incoming, at)
    rate = settings(timeline).rate
    copy = incoming.clone()
    _new_ids(copy)
    video = [t for t in tracks(copy, VIDEO) if any(True for _ in t.find_clips())]
    audio = [t for t in tracks(copy, AUDIO) if any(True for _ in t.find_clips())]
    free = {kind: [t for t in tracks(timeline, kind) if _empty(t)] for kind in (VIDEO, AUDIO)}
    name = f"Import Timeline {incoming.name}".rstrip()
    with mutation(timeline, name, free[VIDEO] + free[AUDIO], stack=True) as change:
        filled = []
        for kind, pieces in ((VIDEO, video), (AUDIO, audio)):
            for piece in pieces:
                target = free[kind].pop(0) if free[kind] else _new_track(timeline, kind)
                if at:
                    target.append(trackedit.make_gap(at, rate))
                items = list(piece)
                piece.clear()  # an item belongs to one parent: detach before it joins the project
                target.extend(items)
                if not piece.enabled:  # a track the other editor had switched off stays off
                    target.enabled = False
                    shotline_meta(target)["hidden" if kind == VIDEO else "muted"] = True
                filled.append(target.name)
        change.result = filled
    return change


def check_importable(timeline: Timeline, incoming: Timeline, at: int = 0) -> None:
    """An `EditError` saying why `incoming` cannot be imported, so the editor can say it before trying."""
    rate, theirs = settings(timeline).rate, settings(incoming).rate
    name = incoming.name or "That timeline"
    if abs(theirs - rate) > 1e-6:
        raise EditError(
            f"{name} is {theirs:.3f} fps and this project {rate:.3f} fps; "
            "open it as a project of its own (File > Open) instead"
        )
    if at < 0:
        raise EditError("A timeline cannot be imported before the start")
    if not any(True for t in tracks(incoming) for _ in t.find_clips()):
        raise EditError(f"{name} has no clips to import")


def _empty(track: Track) -> bool:
    return len(track) == 0 and not is_locked(track)


def _new_track(timeline: Timeline, kind: str) -> Track:
    """A new track above the video tracks or below the audio tracks, as Add Track puts it."""
    prefix = "V" if kind == VIDEO else "A"
    used = {t.name for t in tracks(timeline)}
    n = len(tracks(timeline, kind)) + 1
    while f"{prefix}{n}" in used:
        n += 1
    track = Track(name=f"{prefix}{n}", kind=kind)
    video, audio = tracks(timeline, VIDEO), tracks(timeline, AUDIO)
    (video if kind == VIDEO else audio).append(track)
    timeline.tracks[:] = []
    for t in [*video, *audio]:
        timeline.tracks.append(t)
    return track


def _new_ids(timeline: Timeline) -> None:
    """Fresh clip ids, and link ids mapped one to one, so an import never shares ids with the cut."""
    links: dict[str, str] = {}
    for clip in timeline.find_clips():
        meta = shotline_meta(clip)
        meta["id"] = new_id()
        if meta.get("link"):
            meta["link"] = links.setdefault(str(meta["link"]), new_id())
    for item in timeline.find_children():
        if isinstance(item, otio.schema.Stack) and "id" in item.metadata.get("shotline", {}):
            item.metadata["shotline"]["id"] = new_id()
