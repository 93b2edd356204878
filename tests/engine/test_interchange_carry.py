"""What each format carries both ways: the README's table, checked.

One cut holds each feature the table lists that an OTIO clip or track can
hold (speed, reverse, freeze frame, a disabled clip, clip and timeline
markers, a nested sequence, transitions at the track's start and end); it is
exported to each format and opened again, and what came back is compared
with the table's row for that format.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest

from engine.interchange import finishing
from engine.interchange.opening import open_timeline
from engine.media.reference import clips_for
from engine.project import document, edits, speed, timewarp
from engine.project.document import clip_id, new_project
from engine.project.times import rt
from tests.support.mediagen import write_video

RATE = 30.0


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("carry")
    write_video(folder / "count.mp4", frames=120, gop=10)
    return folder


def every_feature(media: Path) -> otio.schema.Timeline:
    timeline = new_project(size=(160, 120))

    def add(name: str) -> otio.schema.Clip:
        clip = clips_for(media / "count.mp4", RATE, 20, 10)[0]
        clip.name = name
        edits.append(timeline, {"V1": clip})
        return clip

    speed.set_speed(timeline, clip_id(add("fast")), 200)
    speed.set_speed(timeline, clip_id(add("backwards")), 100, reverse=True)
    speed.freeze_frame(timeline, clip_id(add("held")), rt(40, RATE))
    add("off").enabled = False
    marked = add("marked")
    marked.markers.append(
        otio.schema.Marker("on the clip", otio.opentime.TimeRange(rt(2, RATE), rt(0, RATE)))
    )
    timeline.tracks.markers.append(
        otio.schema.Marker("on the timeline", otio.opentime.TimeRange(rt(3, RATE)))
    )
    nest = otio.schema.Stack("nest", source_range=otio.opentime.TimeRange(rt(0, RATE), rt(10, RATE)))
    inner = otio.schema.Track("V1", kind=otio.schema.TrackKind.Video)
    inner.append(clips_for(media / "count.mp4", RATE, 20, 10)[0])
    nest.append(inner)
    track = document.track(timeline, "V1")
    track.append(nest)
    dissolve = otio.schema.TransitionTypes.SMPTE_Dissolve
    track.insert(
        0, otio.schema.Transition(transition_type=dissolve, in_offset=rt(0, RATE), out_offset=rt(5, RATE))
    )
    track.append(
        otio.schema.Transition(transition_type=dissolve, in_offset=rt(5, RATE), out_offset=rt(0, RATE))
    )
    return timeline


def carried(timeline: otio.schema.Timeline) -> dict[str, object]:
    clips = list(timeline.find_clips())
    items = list(timeline.find_children())
    return {
        "speeds": [float(timewarp.time_scalar(c)) for c in clips],
        "disabled clips": sum(not c.enabled for c in clips),
        "clip markers": sum(len(c.markers) for c in clips),
        "timeline markers": len(timeline.tracks.markers),
        "nested sequences": sum(isinstance(i, otio.schema.Stack) for i in items),
        "edge transitions": sum(isinstance(i, otio.schema.Transition) for i in items),
    }


def row(speeds, disabled, clip_markers, timeline_markers, nested, edges) -> dict[str, object]:
    return {
        "speeds": speeds,
        "disabled clips": disabled,
        "clip markers": clip_markers,
        "timeline markers": timeline_markers,
        "nested sequences": nested,
        "edge transitions": edges,
    }


# fast, backwards, held (its moving part, then the hold), off, marked, the nested clip
TABLE = {
    ".otio": row([2.0, -1.0, 1.0, 0.0, 1.0, 1.0, 1.0], 1, 1, 1, 1, 2),
    ".otioz": row([2.0, -1.0, 1.0, 0.0, 1.0, 1.0, 1.0], 1, 1, 1, 1, 2),
    # the disabled clip is a gap; the nested sequence's clip flattened in its place
    ".edl": row([2.0, 1.0, 1.0, 0.0, 1.0, 1.0], 0, 1, 0, 0, 2),
    ".xml": row([2.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 1, 1, 1, 1, 2),
    ".fcpxml": row([1.0] * 6, 0, 1, 0, 0, 0),
    ".aaf": row([1.0] * 6, 0, 0, 0, 0, 2),
    ".kdenlive": row([2.0, 1.0, 1.0, 1.0, 1.0, 1.0], 0, 0, 1, 0, 0),
}


@pytest.mark.parametrize("suffix", list(TABLE))
def test_each_format_carries_what_the_readme_table_says(media, tmp_path, suffix):
    cut = every_feature(media)
    assert carried(cut) == TABLE[".otio"]
    finishing.export_timeline(cut, tmp_path / f"cut{suffix}")
    back = open_timeline(tmp_path / f"cut{suffix}", rate=RATE).timeline
    assert carried(back) == TABLE[suffix]
