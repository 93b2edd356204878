"""What timelines from other editors hold that Shotline's own never do, kept rather than refused.

Other editors write data tracks (subtitles, metadata lanes) and tracks of
kinds Shotline has no use for, nested sequences (a Stack inside a track) and
clips that name no file at all (every clip of an EDL, many of an AAF: only a
clip name and a tape or reel name). Opening such a file must not lose them:

* tracks that are neither video nor audio are set aside, whole, in the
  timeline's ``metadata["shotline"]["kept_tracks"]`` with their place in the
  stack, so every edit and the renderer see only picture and sound, and an
  export puts them back where they were;
* a nested Stack stays in its track as OTIO has it (the renderer composites
  its contents), and is checked here like a track;
* a clip with no file path is *offline by name*: reported with its clip or
  reel name so a folder relink can find its media.
"""

from __future__ import annotations

import opentimelineio as otio

from engine.errors import EditError, ProjectFileError
from engine.project import trackedit
from engine.project.document import AUDIO, VIDEO, Timeline, shotline_meta
from engine.project.mediapaths import path_from_url

KEPT_TRACKS = "kept_tracks"


def set_aside_tracks(timeline: Timeline) -> int:
    """Move tracks that are neither video nor audio into metadata; how many were moved."""
    kept = []
    for index, child in enumerate(list(timeline.tracks)):
        if isinstance(child, otio.schema.Track) and child.kind not in (VIDEO, AUDIO):
            kept.append({"index": index, "track": child.clone()})
    if not kept:
        return 0
    stay = [
        c for c in timeline.tracks if not (isinstance(c, otio.schema.Track) and c.kind not in (VIDEO, AUDIO))
    ]
    timeline.tracks[:] = []
    for child in stay:
        timeline.tracks.append(child)
    meta = shotline_meta(timeline)
    meta[KEPT_TRACKS] = [*list(meta.get(KEPT_TRACKS, [])), *kept]
    return len(kept)


def restore_tracks(timeline: Timeline) -> None:
    """Put the tracks `set_aside_tracks` kept back into the stack at their places (for export)."""
    meta = timeline.metadata.get("shotline", {})
    kept = [(int(e["index"]), e["track"].clone()) for e in meta.get(KEPT_TRACKS, []) or []]
    if not kept:
        return
    del meta[KEPT_TRACKS]
    children = list(timeline.tracks)
    timeline.tracks[:] = []
    for index, track in sorted(kept, key=lambda e: e[0]):
        children.insert(min(index, len(children)), track)
    for child in children:
        timeline.tracks.append(child)


def kept_track_names(timeline: Timeline) -> list[str]:
    return [str(e["track"].name) for e in timeline.metadata.get("shotline", {}).get(KEPT_TRACKS, []) or []]


def check_nested(stack: otio.schema.Stack, rate: float, where: str) -> None:
    """A nested sequence must be laid out in whole project frames like a track."""
    for child in stack:
        if not isinstance(child, otio.schema.Track):
            raise ProjectFileError(f"{where}: its nested sequence holds a {child.schema_name()}")
        try:
            trackedit.layout(child, rate)
        except EditError as error:
            raise ProjectFileError(f"{where}: {error}") from None
        for item in child:
            if isinstance(item, otio.schema.Stack):
                check_nested(item, rate, where)


def reel_name(clip: otio.schema.Clip) -> str | None:
    """The tape or reel a clip came from, as an EDL or AAF names it."""
    edl = clip.metadata.get("cmx_3600")
    if edl and edl.get("reel"):
        return str(edl["reel"])
    for owner in (clip, clip.media_reference):
        aaf = owner.metadata.get("AAF") if owner is not None else None
        if aaf:
            for key in ("TapeName", "SourceName", "ReelName"):
                if aaf.get(key):
                    return str(aaf[key])
    return None


def has_no_file(clip: otio.schema.Clip) -> bool:
    """Whether the clip names no local file (a missing reference, an empty or remote URL)."""
    ref = clip.media_reference
    if isinstance(ref, otio.schema.GeneratorReference):
        return False
    url = getattr(ref, "target_url", None)
    return not url or path_from_url(url) is None


def offline_name(clip: otio.schema.Clip) -> str:
    """How an offline clip with no path is named in reports: its name and its reel."""
    reel = reel_name(clip)
    name = clip.name or "(unnamed)"
    return f"{name} (reel {reel})" if reel and reel != name else name


def unlinked_clips(timeline: Timeline) -> list[tuple[str, str]]:
    """(clip name, what is missing) for every clip with no file path, nested ones included."""
    return [
        (
            clip.name or "(unnamed)",
            f"no media file (reel {reel_name(clip)})" if reel_name(clip) else "no media file",
        )
        for clip in timeline.find_clips()
        if has_no_file(clip)
    ]
