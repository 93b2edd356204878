"""A nested sequence from Premiere opened to edit inside it (the edits land in the parent, undo works
both ways) and flattened into the timeline as one undo step."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.interchange.opening import open_timeline
from engine.project import document, edits, nested, persistence
from engine.project.times import rt
from tests.support import foreign
from tests.support.foreign import RATE


@pytest.fixture
def premiere(tmp_path) -> otio.schema.Timeline:
    # V1: c [0, 20), the nested sequence [20, 40) showing d 5..15 then e 10..20, the disabled f
    return open_timeline(foreign.write_fcp7_xml(tmp_path)).timeline


def v1(timeline: otio.schema.Timeline) -> list[tuple[str, int, int]]:
    return [
        (getattr(s.item, "name", "") or type(s.item).__name__, s.start, s.end)
        for s in trackedit_layout(document.tracks(timeline, document.VIDEO)[0])
    ]


def trackedit_layout(track: otio.schema.Track):
    from engine.project import trackedit

    return trackedit.layout(track, RATE)


def test_opening_a_nested_sequence_edits_it_in_place_and_undo_works_inside_and_out(premiere, tmp_path):
    view = nested.nested_view(premiere, "V1", rt(25, RATE))
    assert view.name == "Nested Sequence 01"
    assert document.settings(view).rate == document.settings(premiere).rate
    inner = document.tracks(view, document.VIDEO)[0]
    assert [c.name for c in inner.find_clips()] == ["d", "e"]
    change = edits.slice(view, rt(5, RATE), [inner.name])  # a cut inside the nested sequence
    assert [c.name for c in inner.find_clips()] == ["d", "d", "e"]
    # the parent holds the edit: saved and opened again, its nested sequence has the cut
    persistence.save(premiere, tmp_path / "parent.otio")
    reopened = persistence.load(tmp_path / "parent.otio").timeline
    stack = next(i for i in document.tracks(reopened, document.VIDEO)[0] if isinstance(i, otio.schema.Stack))
    assert [c.name for c in stack.find_clips()] == ["d", "d", "e"]
    change.undo()
    assert [c.name for c in inner.find_clips()] == ["d", "e"]
    change.redo()
    assert nested.is_attached(view)


def test_there_is_no_nested_sequence_to_open_on_a_plain_clip(premiere):
    with pytest.raises(EditError, match="no nested sequence on V1 at"):
        nested.nested_view(premiere, "V1", rt(5, RATE))


def test_flatten_puts_the_nested_clips_in_its_place_as_one_undo_step(premiere):
    before = otio.adapters.write_to_string(premiere)
    change = nested.flatten(premiere, "V1", rt(30, RATE))
    # d from source 5 (10 frames shown), then e, exactly where the nested sequence played them
    assert v1(premiere) == [("c", 0, 20), ("d", 20, 30), ("e", 30, 40), ("f", 40, 50)]
    d = document.tracks(premiere, document.VIDEO)[0][1]
    assert d.source_range.start_time.to_frames() == 5
    assert not any(isinstance(i, otio.schema.Stack) for i in premiere.find_children())
    change.undo()
    assert otio.adapters.write_to_string(premiere) == before


def test_flatten_adds_tracks_for_a_nested_sequence_with_several(premiere):
    stack = next(i for i in premiere.find_children() if isinstance(i, otio.schema.Stack))
    upper = otio.schema.Track("Video 2", kind=otio.schema.TrackKind.Video)
    upper.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0, RATE), rt(8, RATE))))
    upper.append(stack.find_clips()[0].clone())
    stack.append(upper)
    video_tracks = len(document.tracks(premiere, document.VIDEO))
    change = nested.flatten(premiere, "V1", rt(20, RATE))
    assert len(document.tracks(premiere, document.VIDEO)) == max(video_tracks, 2)
    v2 = document.tracks(premiere, document.VIDEO)[1]
    assert [(s.item.name, s.start, s.end) for s in trackedit_layout(v2) if s.item.name] == [("d", 23, 38)]
    change.undo()
    assert len(document.tracks(premiere, document.VIDEO)) == video_tracks


def test_a_nested_sequence_moves_like_a_clip_and_undo_puts_it_back(premiere):
    before = otio.adapters.write_to_string(premiere)
    change = nested.move(premiere, "V1", rt(25, RATE), rt(60, RATE))
    assert v1(premiere) == [
        ("c", 0, 20),
        ("Gap", 20, 40),
        ("f", 40, 50),
        ("Gap", 50, 60),
        ("Nested Sequence 01", 60, 80),
    ]
    change.undo()
    assert otio.adapters.write_to_string(premiere) == before
    with pytest.raises(EditError, match="cannot move to"):
        nested.move(
            premiere, "V1", rt(25, RATE), rt(0, RATE), to_track=document.tracks(premiere, "Audio")[0].name
        )
