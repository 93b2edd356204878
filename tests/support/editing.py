"""Helpers for tests that edit timelines: build shots, read tracks back, check undo."""

from __future__ import annotations

from collections.abc import Callable

import opentimelineio as otio

from engine.project import document, trackedit
from engine.project.change import Change
from engine.project.clips import linked_av, media_clip, media_reference
from engine.project.document import AUDIO, VIDEO, new_project
from engine.project.times import rt, tr

RATE = 30.0


def frames(n: int) -> otio.opentime.RationalTime:
    return rt(n, RATE)


def shot(name: str, length: int, start: int = 0, media: int = 300, audio: bool = False) -> otio.schema.Clip:
    ref = media_reference(f"/media/{name}.mp4", tr(0, media, RATE))
    return media_clip(name, ref, RATE, length, start, AUDIO if audio else VIDEO)


def av_shot(
    name: str, length: int, start: int = 0, media: int = 300
) -> tuple[otio.schema.Clip, otio.schema.Clip]:
    return linked_av(name, media_reference(f"/media/{name}.mp4", tr(0, media, RATE)), RATE, length, start)


def layout(timeline: otio.schema.Timeline, name: str) -> list[tuple[str, int, int]]:
    """(name or 'gap', start, end) of each item on a track, in frames."""
    return [
        (slot.item.name if isinstance(slot.item, otio.schema.Clip) else "gap", slot.start, slot.end)
        for slot in trackedit.layout(document.track(timeline, name), RATE)
    ]


def source(timeline: otio.schema.Timeline, name: str) -> list[tuple[int, int]]:
    """(source start, duration) of each clip on a track."""
    return [
        trackedit.source_frames(slot.item, RATE)
        for slot in trackedit.layout(document.track(timeline, name), RATE)
        if isinstance(slot.item, otio.schema.Clip)
    ]


def serialized(timeline: otio.schema.Timeline) -> str:
    return otio.adapters.write_to_string(timeline)


def edit_and_check_undo(timeline: otio.schema.Timeline, edit: Callable[[], Change]) -> Change:
    """Run an edit, then prove undo restores the file exactly and redo gives the edit again."""
    before = serialized(timeline)
    change = edit()
    after = serialized(timeline)
    change.undo()
    assert serialized(timeline) == before, "undo did not restore the timeline exactly"
    change.redo()
    assert serialized(timeline) == after, "redo did not give the edited timeline again"
    return change


def project() -> otio.schema.Timeline:
    return new_project("test")


def link_of(clip: otio.schema.Clip) -> str | None:
    return clip.metadata.get("shotline", {}).get("link")
