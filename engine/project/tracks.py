"""Tracks: adding, removing, renaming and reordering them, and their mute/solo/lock/hide flags.

The OTIO stack is bottom-first. Video tracks composite bottom to top (the
topmost visible one wins), so V1 is the lowest video track. Shotline keeps all
video tracks below all audio tracks in the stack; audio order only matters
for display. Flags live in ``track.metadata["shotline"]`` and are mirrored to
OTIO's ``enabled`` (off when muted or hidden) so other OTIO tools agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import EditError
from engine.project.change import Change, mutation
from engine.project.document import AUDIO, VIDEO, Timeline, Track, shotline_meta, tracks
from engine.project.document import track as track_named

FLAGS = ("muted", "solo", "locked", "hidden", "sync_locked")
#: Sync lock is on unless the user turned it off (a track with no flag stored follows ripple edits).
ON_BY_DEFAULT = frozenset({"sync_locked"})


@dataclass(frozen=True)
class TrackFlags:
    muted: bool = False
    solo: bool = False
    locked: bool = False
    hidden: bool = False
    sync_locked: bool = True


def track_flags(track: Track) -> TrackFlags:
    meta = track.metadata.get("shotline", {})
    return TrackFlags(**{name: bool(meta.get(name, name in ON_BY_DEFAULT)) for name in FLAGS})


def _kind(kind: str) -> str:
    if kind in (VIDEO, "video", "V"):
        return VIDEO
    if kind in (AUDIO, "audio", "A"):
        return AUDIO
    raise EditError(f"{kind!r} is not a track kind (video or audio)")


def _next_name(timeline: Timeline, kind: str) -> str:
    prefix = "V" if kind == VIDEO else "A"
    used = {t.name for t in tracks(timeline)}
    numbers = [
        int(m.group(1)) for t in tracks(timeline, kind) if (m := re.fullmatch(prefix + r"(\d+)", t.name))
    ]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in used:
        n += 1
    return f"{prefix}{n}"


def _restack(timeline: Timeline, video: list[Track], audio: list[Track]) -> None:
    stack = timeline.tracks
    stack[:] = []
    for t in [*video, *audio]:
        stack.append(t)


def add_track(timeline: Timeline, kind: str, name: str | None = None, index: int | None = None) -> Change:
    """Add a video or audio track; `index` counts within its kind from the bottom (V1 = 0)."""
    kind = _kind(kind)
    name = name or _next_name(timeline, kind)
    _check_new_name(timeline, name)
    video, audio = tracks(timeline, VIDEO), tracks(timeline, AUDIO)
    group = video if kind == VIDEO else audio
    position = len(group) if index is None else index
    if not 0 <= position <= len(group):
        raise EditError(f"There is no position {position} among the {len(group)} tracks of that kind")
    with mutation(timeline, f"Add Track {name}", stack=True) as change:
        group.insert(position, Track(name=name, kind=kind))
        _restack(timeline, video, audio)
        change.result = name
    return change


def remove_track(timeline: Timeline, name: str) -> Change:
    """Remove a track and what is on it.

    Clips linked to clips on the removed track keep their link id, which
    then finds no partner: they simply behave as unlinked until undo.
    """
    target = track_named(timeline, name)
    if len(tracks(timeline, target.kind)) == 1:
        raise EditError(f"{name} is the last {'video' if target.kind == VIDEO else 'audio'} track")
    with mutation(timeline, f"Remove Track {name}", [target], stack=True) as change:
        video = [t for t in tracks(timeline, VIDEO) if t is not target]
        audio = [t for t in tracks(timeline, AUDIO) if t is not target]
        _restack(timeline, video, audio)
        change.result = name
    return change


def _check_new_name(timeline: Timeline, name: str) -> None:
    if not name.strip():
        raise EditError("A track needs a name")
    if any(t.name == name for t in tracks(timeline)):
        raise EditError(f"There is already a track named {name}")


def rename_track(timeline: Timeline, name: str, new_name: str) -> Change:
    target = track_named(timeline, name)
    new_name = new_name.strip()
    if new_name == name:
        raise EditError(f"{name} already has that name")
    _check_new_name(timeline, new_name)
    with mutation(timeline, f"Rename Track {name}", [target], allow_locked=True) as change:
        target.name = new_name
        change.result = new_name
    return change


def move_track(timeline: Timeline, name: str, new_index: int) -> Change:
    """Reorder a track among the tracks of its kind (0 = bottom video track / first audio track)."""
    target = track_named(timeline, name)
    video, audio = tracks(timeline, VIDEO), tracks(timeline, AUDIO)
    group = video if target.kind == VIDEO else audio
    if not 0 <= new_index < len(group):
        raise EditError(f"There is no position {new_index} among the {len(group)} tracks of that kind")
    with mutation(timeline, f"Move Track {name}", stack=True) as change:
        group.remove(target)
        group.insert(new_index, target)
        _restack(timeline, video, audio)
        change.result = new_index
    return change


def set_track_flags(
    timeline: Timeline,
    name: str,
    muted: bool | None = None,
    solo: bool | None = None,
    locked: bool | None = None,
    hidden: bool | None = None,
    sync_locked: bool | None = None,
) -> Change:
    """Set any of the flags; allowed on a locked track, since that is how it gets unlocked."""
    target = track_named(timeline, name)
    wanted = {"muted": muted, "solo": solo, "locked": locked, "hidden": hidden, "sync_locked": sync_locked}
    changes = {k: bool(v) for k, v in wanted.items() if v is not None}
    if not changes:
        raise EditError("No track flag to change")
    label = ", ".join(
        f"{'' if v else 'un'}{k.replace('_', ' ').removesuffix('ed').removesuffix('d')}"
        for k, v in changes.items()
    )
    with mutation(timeline, f"{name}: {label}", [target], allow_locked=True) as change:
        meta = shotline_meta(target)
        for key, value in changes.items():
            meta[key] = value
        flags = track_flags(target)
        target.enabled = not (flags.muted or flags.hidden)
        change.result = flags
    return change


def audible_tracks(timeline: Timeline) -> list[Track]:
    """Audio tracks that play: never muted ones; only soloed ones when any track is soloed."""
    candidates = [t for t in tracks(timeline, AUDIO) if not track_flags(t).muted]
    soloed = [t for t in candidates if track_flags(t).solo]
    return soloed or [t for t in candidates if t.enabled]


def visible_video_tracks(timeline: Timeline) -> list[Track]:
    """Video tracks the picture is made of, bottom first: hidden (or OTIO-disabled) ones skipped."""
    return [t for t in tracks(timeline, VIDEO) if t.enabled and not track_flags(t).hidden]
