"""Random editing sessions: invariants hold after every edit, and undo/redo are exact.

Hypothesis plays an editor who does anything at all, in any order: placing,
cutting, trimming, moving, dissolving, regenerating takes, relabelling tracks.
Requests may be nonsense (a roll where there is no cut, a trim of a locked
track): those must fail with `EditError` and change nothing.
"""

from __future__ import annotations

import itertools

import opentimelineio as otio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import EditError
from engine.project import (
    document,
    edits,
    effects,
    links,
    markers,
    takes,
    trackedit,
    tracks,
    transitions,
    trims,
)
from engine.project.clips import media_reference
from engine.project.provenance import Provenance
from engine.project.times import tr
from engine.project.undo import UndoStack
from tests.support.editing import RATE, av_shot, frames, project, serialized, shot

TIMES = st.integers(0, 240)
DELTAS = st.integers(-60, 60)


def clip_ids(timeline) -> list[str]:
    """Clip ids in timeline order (ids themselves are random, so never sort by them)."""
    return [document.clip_id(c) for _, c in document.iter_clips(timeline)]


def cut_frames(track) -> list[int]:
    return [slot.end for slot in trackedit.layout(track, RATE)[:-1]]


def track_names(timeline, kind=None) -> list[str]:
    return [t.name for t in document.tracks(timeline, kind)]


def draw_edit(data: st.DataObject, timeline, counter: list[int]):
    """One editing request (a zero-argument callable returning a Change) and its label."""
    ids = clip_ids(timeline)
    video_tracks = track_names(timeline, document.VIDEO)
    audio_tracks = track_names(timeline, document.AUDIO)
    pick_id = st.sampled_from(ids) if ids else st.just("no-such-clip")
    counter[0] += 1
    n = counter[0]
    ops = {
        "append": lambda: edits.append(
            timeline,
            {
                data.draw(st.sampled_from(video_tracks)): shot(
                    f"s{n}", data.draw(st.integers(1, 50)), data.draw(st.integers(0, 40))
                )
            },
        ),
        "append_av": lambda: edits.append(
            timeline,
            dict(
                zip(
                    (data.draw(st.sampled_from(video_tracks)), data.draw(st.sampled_from(audio_tracks))),
                    av_shot(f"av{n}", data.draw(st.integers(1, 50)), data.draw(st.integers(0, 40))),
                    strict=True,
                )
            ),
        ),
        "insert": lambda: edits.insert(
            timeline,
            frames(data.draw(TIMES)),
            {
                data.draw(st.sampled_from(audio_tracks)): shot(
                    f"i{n}", data.draw(st.integers(1, 40)), audio=True
                )
            },
        ),
        "overwrite": lambda: edits.overwrite(
            timeline,
            frames(data.draw(TIMES)),
            {data.draw(st.sampled_from(video_tracks)): shot(f"o{n}", data.draw(st.integers(1, 60)))},
        ),
        "lift": lambda: edits.lift(timeline, [data.draw(pick_id)]),
        "ripple_delete": lambda: edits.ripple_delete(timeline, [data.draw(pick_id)]),
        "slice": lambda: edits.slice(
            timeline,
            frames(data.draw(TIMES)),
            data.draw(
                st.none()
                | st.lists(st.sampled_from(video_tracks + audio_tracks), min_size=1, max_size=2, unique=True)
            ),
        ),
        "move": lambda: edits.move(
            timeline,
            data.draw(pick_id),
            frames(data.draw(TIMES)),
            data.draw(st.none() | st.sampled_from(video_tracks)),
        ),
        "trim_head": lambda: trims.trim_head(
            timeline, data.draw(pick_id), frames(data.draw(DELTAS)), data.draw(st.booleans())
        ),
        "trim_tail": lambda: trims.trim_tail(
            timeline, data.draw(pick_id), frames(data.draw(DELTAS)), data.draw(st.booleans())
        ),
        "slip": lambda: trims.slip(timeline, data.draw(pick_id), frames(data.draw(DELTAS))),
        "slide": lambda: trims.slide(timeline, data.draw(pick_id), frames(data.draw(DELTAS))),
        "roll": lambda: _roll(data, timeline),
        "dissolve": lambda: _dissolve(data, timeline),
        "gain": lambda: effects.set_gain(timeline, data.draw(pick_id), data.draw(st.integers(-70, 30))),
        "fades": lambda: effects.set_fades(
            timeline,
            data.draw(pick_id),
            frames(data.draw(st.integers(0, 30))),
            frames(data.draw(st.integers(0, 30))),
        ),
        "marker": lambda: markers.add_marker(
            timeline, frames(data.draw(TIMES)), clip_id=data.draw(st.none() | pick_id)
        ),
        "take": lambda: takes.add_take(
            timeline,
            data.draw(pick_id),
            media_reference(f"/cache/t{n}.mp4", tr(0, data.draw(st.integers(1, 120)), RATE)),
            Provenance(task="video.generate", backend="animatic", seed=n),
        ),
        "switch_take": lambda: _switch_take(data, timeline),
        "add_track": lambda: tracks.add_track(timeline, data.draw(st.sampled_from(["video", "audio"]))),
        "remove_track": lambda: tracks.remove_track(
            timeline, data.draw(st.sampled_from(video_tracks + audio_tracks))
        ),
        "lock": lambda: tracks.set_track_flags(
            timeline,
            data.draw(st.sampled_from(video_tracks + audio_tracks)),
            locked=data.draw(st.booleans()),
            muted=data.draw(st.booleans()),
        ),
        "unlink": lambda: links.unlink(timeline, [data.draw(pick_id)]),
    }
    name = data.draw(st.sampled_from(sorted(ops)))
    return name, ops[name]


def _roll(data, timeline):
    name = data.draw(st.sampled_from(track_names(timeline)))
    cuts = cut_frames(document.track(timeline, name))
    at = data.draw(st.sampled_from(cuts)) if cuts and data.draw(st.booleans()) else data.draw(TIMES)
    return trims.roll(timeline, name, frames(at), frames(data.draw(DELTAS)))


def _dissolve(data, timeline):
    name = data.draw(st.sampled_from(track_names(timeline)))
    cuts = cut_frames(document.track(timeline, name))
    at = data.draw(st.sampled_from(cuts)) if cuts else data.draw(TIMES)
    align = data.draw(st.sampled_from(transitions.ALIGNMENTS))
    return transitions.add_cross_dissolve(
        timeline, name, frames(at), frames(data.draw(st.integers(1, 20))), align
    )


def _switch_take(data, timeline):
    with_takes = [c for _, c in document.iter_clips(timeline) if len(c.media_references()) > 1]
    if not with_takes:
        raise EditError("no clip has takes")
    clip = data.draw(st.sampled_from(with_takes))
    key = data.draw(st.sampled_from(sorted(clip.media_references())))
    if data.draw(st.booleans()):
        return takes.delete_take(timeline, document.clip_id(clip), key)
    return takes.set_active_take(timeline, document.clip_id(clip), key)


def check_invariants(timeline) -> None:
    seen_ids: set[str] = set()
    for track in document.tracks(timeline):
        items = list(track)
        slots = trackedit.layout(track, RATE)
        # the track lasts exactly as long as its items, end to end
        assert sum(s.duration for s in slots) == round(track.duration().value_rescaled_to(RATE))
        assert all(s.duration >= 1 for s in slots)
        assert not slots or not isinstance(slots[-1].item, otio.schema.Gap) or slots[-1].item.markers
        for a, b in itertools.pairwise(slots):
            assert not (isinstance(a.item, otio.schema.Gap) and isinstance(b.item, otio.schema.Gap))
        for i, item in enumerate(items):
            if isinstance(item, otio.schema.Transition):
                before, after = items[i - 1], items[i + 1]
                assert isinstance(before, otio.schema.Clip) and isinstance(after, otio.schema.Clip)
                assert trackedit.has_handles(item, before, after, RATE) is None
            elif isinstance(item, otio.schema.Clip):
                ident = document.clip_id(item)
                assert ident not in seen_ids
                seen_ids.add(ident)
                limits = trackedit.media_limits(item, RATE)
                start, length = trackedit.source_frames(item, RATE)
                if limits is not None:
                    assert limits[0] <= start and start + length <= limits[1]
                fade_in, fade_out = effects.fades(item)
                assert fade_in + fade_out <= length


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@pytest.mark.slow
@given(data=st.data())
def test_any_editing_session_can_be_undone_and_redone_exactly(data: st.DataObject) -> None:
    timeline = project()
    stack = UndoStack()
    start = serialized(timeline)
    counter = [0]
    applied: list[str] = []
    for _ in range(data.draw(st.integers(5, 30))):
        before = serialized(timeline)
        name, request = draw_edit(data, timeline, counter)
        try:
            stack.push(request())
            applied.append(name)
        except EditError:
            assert serialized(timeline) == before, f"a refused {name} changed the timeline"
        check_invariants(timeline)
    end = serialized(timeline)
    while stack.can_undo:
        stack.undo()
    assert serialized(timeline) == start, f"undo of {applied} did not return to the start"
    while stack.can_redo:
        stack.redo()
        check_invariants(timeline)
    assert serialized(timeline) == end
