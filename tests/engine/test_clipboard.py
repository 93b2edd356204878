"""Cut, copy and paste of clips in the engine: what lands where, ids and links, one undo step each."""

from __future__ import annotations

import pytest

from engine.errors import EditError, TrackLockedError
from engine.project import (
    clipboard,
    document,
    edits,
    effects,
    links,
    markers,
    masks,
    takes,
    tracks,
    transitions,
)
from engine.project.clipboard import Clipboard
from engine.project.document import AUDIO, VIDEO, new_project
from tests.engine.test_takes import generated
from tests.support.editing import (
    RATE,
    av_shot,
    edit_and_check_undo,
    frames,
    layout,
    link_of,
    project,
    serialized,
    shot,
)


def ident(timeline, name: str, track: str | None = None) -> str:
    return next(
        document.clip_id(c)
        for t, c in document.iter_clips(timeline)
        if c.name == name and (track is None or t.name == track)
    )


def clips_named(timeline, name: str) -> list:
    return [c for _, c in document.iter_clips(timeline) if c.name == name]


def interview() -> object:
    """V1: talk 0-30 (linked to its sound on A1), cut 40-60; V2: title 10-20; A2: music 0-90."""
    timeline = project()
    video, audio = av_shot("talk", 30)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.overwrite(timeline, frames(40), {"V1": shot("cut", 20)})
    edits.overwrite(timeline, frames(10), {"V2": shot("title", 10)})
    edits.append(timeline, {"A2": shot("music", 90, audio=True)})
    return timeline


def test_copy_keeps_the_gaps_between_clips_and_brings_linked_partners_along() -> None:
    timeline = interview()
    before = serialized(timeline)
    board = clipboard.copy(
        timeline, [ident(timeline, "talk", "V1"), ident(timeline, "cut"), ident(timeline, "title")]
    )
    assert serialized(timeline) == before  # copying changes nothing
    assert board.duration == 60
    assert board.clip_count() == 4  # talk's sound came with its picture
    copied = {c.track.name: (c.kind, c.offset, [(i.name or "gap") for i in c.track]) for c in board.tracks}
    assert copied == {
        "V1": (VIDEO, 0, ["talk", "gap", "cut"]),
        "V2": (VIDEO, 1, ["gap", "title"]),
        "A1": (AUDIO, 0, ["talk"]),
    }
    assert "4 clips" in board.summary() and "00:00:02:00" in board.summary()


def test_paste_overwrites_at_a_frame_with_fresh_ids_and_a_fresh_link_and_undoes_in_one_step() -> None:
    timeline = interview()
    talk = ident(timeline, "talk", "V1")
    board = clipboard.copy(timeline, [talk, ident(timeline, "cut")])
    change = edit_and_check_undo(timeline, lambda: clipboard.paste(timeline, board, frames(100)))
    assert change.description == "Paste"
    assert layout(timeline, "V1") == [
        ("talk", 0, 30),
        ("gap", 30, 40),
        ("cut", 40, 60),
        ("gap", 60, 100),
        ("talk", 100, 130),
        ("gap", 130, 140),
        ("cut", 140, 160),
    ]
    assert layout(timeline, "A1") == [("talk", 0, 30), ("gap", 30, 100), ("talk", 100, 130)]
    result = change.result
    assert (result.start, result.end) == (100, 160)
    ids = [document.clip_id(c) for _, c in document.iter_clips(timeline)]
    assert len(ids) == len(set(ids))  # fresh ids: no clip shares one
    v1, a1 = document.track(timeline, "V1"), document.track(timeline, "A1")
    pasted = [v1[4], v1[6], a1[2]]
    assert sorted(result.clip_ids) == sorted(document.clip_id(c) for c in pasted)
    old_v, new_v = clips_named(timeline, "talk")[0], document.track(timeline, "V1")[4]
    new_a = document.track(timeline, "A1")[2]
    assert link_of(new_v) == link_of(new_a) and link_of(new_v) != link_of(old_v)
    # the pasted pair is a link group of its own: deleting the new picture takes only the new sound
    edits.lift(timeline, [document.clip_id(new_v)])
    assert layout(timeline, "A1") == [("talk", 0, 30)]


def test_overwrite_replaces_only_what_the_pasted_clips_cover() -> None:
    timeline = interview()
    links.unlink(timeline, [ident(timeline, "talk", "V1")])
    edits.overwrite(timeline, frames(0), {"V2": shot("long", 80)})
    board = clipboard.copy(timeline, [ident(timeline, "talk", "V1"), ident(timeline, "cut")])
    clipboard.paste(timeline, board, frames(10), {VIDEO: "V2"})
    # talk 10-40 and cut 50-70 land on V2; "long" shows through the gap between them
    assert layout(timeline, "V2") == [
        ("long", 0, 10),
        ("talk", 10, 40),
        ("long", 40, 50),
        ("cut", 50, 70),
        ("long", 70, 80),
    ]


def test_paste_insert_pushes_later_clips_on_every_track_it_lands_on_by_the_whole_length() -> None:
    timeline = interview()
    board = clipboard.copy(timeline, [ident(timeline, "talk", "V1")])  # 30 frames, V1 + A1
    change = edit_and_check_undo(timeline, lambda: clipboard.paste(timeline, board, frames(35), insert=True))
    assert change.description == "Paste Insert"
    assert layout(timeline, "V1") == [
        ("talk", 0, 30),
        ("gap", 30, 35),
        ("talk", 35, 65),
        ("gap", 65, 70),
        ("cut", 70, 90),
    ]
    assert layout(timeline, "A1") == [("talk", 0, 30), ("gap", 30, 35), ("talk", 35, 65)]
    assert layout(timeline, "A2") == [("music", 0, 90)]  # not a track the paste lands on
    assert change.result.end == 65


def test_paste_insert_cuts_a_clip_under_the_frame_and_keeps_tracks_in_sync_by_the_span() -> None:
    timeline = project()
    edits.append(timeline, {"V1": shot("wide", 60)})
    edits.append(timeline, {"A1": shot("room", 60, audio=True)})
    edits.overwrite(timeline, frames(0), {"V2": shot("a", 10)})
    edits.overwrite(timeline, frames(30), {"V2": shot("b", 10)})
    board = clipboard.copy(timeline, [ident(timeline, "a"), ident(timeline, "b")])  # 40 frames on V2
    clipboard.paste(timeline, board, frames(20), {VIDEO: "V1"}, insert=True)
    assert layout(timeline, "V1") == [
        ("wide", 0, 20),
        ("a", 20, 30),
        ("gap", 30, 50),
        ("b", 50, 60),
        ("wide", 60, 100),
    ]


def test_tracks_keep_their_order_from_the_anchor_and_missing_ones_are_made_in_the_same_step() -> None:
    timeline = interview()  # V1, V2, A1, A2
    board = clipboard.copy(timeline, [ident(timeline, "cut"), ident(timeline, "title")])  # V1 and V2
    before = serialized(timeline)
    change = clipboard.paste(timeline, board, frames(200), {VIDEO: "V2"})
    assert [t.name for t in document.tracks(timeline, VIDEO)] == ["V1", "V2", "V3"]
    assert layout(timeline, "V2")[-1] == ("cut", 230, 250)  # the lowest copied track on the anchor
    assert layout(timeline, "V3") == [("gap", 0, 200), ("title", 200, 210)]  # the one above it, made
    assert change.description == "Paste"
    after = serialized(timeline)
    change.undo()
    assert serialized(timeline) == before
    change.redo()
    assert serialized(timeline) == after


def test_a_locked_target_track_refuses_the_paste_and_nothing_changes() -> None:
    timeline = interview()
    board = clipboard.copy(timeline, [ident(timeline, "talk", "V1")])
    tracks.set_track_flags(timeline, "A1", locked=True)
    before = serialized(timeline)
    with pytest.raises(TrackLockedError, match="A1 is locked"):
        clipboard.paste(timeline, board, frames(100))
    assert serialized(timeline) == before


def test_a_refused_paste_also_takes_back_the_tracks_it_made() -> None:
    timeline = interview()
    board = clipboard.copy(timeline, [ident(timeline, "title")])  # one V track, offset 0
    two = clipboard.copy(timeline, [ident(timeline, "cut"), ident(timeline, "title")])
    tracks.set_track_flags(timeline, "V2", locked=True)
    before = serialized(timeline)
    with pytest.raises(TrackLockedError):
        clipboard.paste(timeline, two, frames(0), {VIDEO: "V1"})  # V2 locked
    with pytest.raises(TrackLockedError):
        clipboard.paste(timeline, board, frames(0), {VIDEO: "V2"})
    assert serialized(timeline) == before


def test_a_transition_between_two_copied_clips_is_kept_and_one_to_an_uncopied_clip_is_not() -> None:
    timeline = project()
    for name in "abc":
        edits.append(timeline, {"V1": shot(name, 30, start=30)})
    transitions.add_cross_dissolve(timeline, "V1", frames(30), frames(10))
    transitions.add_cross_dissolve(timeline, "V1", frames(60), frames(10))
    board = clipboard.copy(timeline, [ident(timeline, "a"), ident(timeline, "b")])
    assert [type(i).__name__ for i in board.tracks[0].track] == ["Clip", "Transition", "Clip"]
    clipboard.paste(timeline, board, frames(120))
    found = [
        (t.cut, t.in_offset, t.out_offset)
        for t in transitions.transitions_on(document.track(timeline, "V1"), RATE)
    ]
    assert found == [(30, 5, 5), (60, 5, 5), (150, 5, 5)]


def test_takes_provenance_effects_fades_masks_and_markers_travel_with_the_copy() -> None:
    timeline = project()
    video, audio = av_shot("shot", 40, start=20)
    edits.append(timeline, {"V1": video, "A1": audio})
    v, a = document.clip_id(video), document.clip_id(audio)
    ref, prov = generated(100, seed=7)
    takes.add_take(timeline, v, ref, prov)
    effects.set_gain(timeline, a, -6.0)
    effects.set_fades(timeline, a, frames(5), frames(8))
    masks.set_mask(timeline, v, "mask-1")
    markers.add_marker(timeline, frames(10), "beat", clip_id=v)
    board = Clipboard.from_json(
        clipboard.copy(timeline, [v]).to_json()
    )  # through the system clipboard's text
    clipboard.paste(timeline, board, frames(50))
    new_v = document.track(timeline, "V1")[-1]
    new_a = document.track(timeline, "A1")[-1]
    assert [t.key for t in takes.takes(new_v)] == ["take-1", "take-2"]
    assert new_v.active_media_reference_key == "take-2"
    assert takes.takes(new_v)[1].provenance == prov
    assert masks.mask_of(new_v) == "mask-1"
    assert effects.gain_db(new_a) == -6.0 and effects.fades(new_a) == (5, 8)
    old_marker, new_marker = video_marker(timeline, 0), video_marker(timeline, -1)
    assert new_marker.name == "beat" and new_marker.marked_range == old_marker.marked_range
    assert new_marker.metadata["shotline"]["id"] != old_marker.metadata["shotline"]["id"]


def video_marker(timeline, index: int):
    return document.track(timeline, "V1")[index].markers[0]


def test_pasting_into_another_project_through_the_text_and_a_rate_mismatch_is_refused() -> None:
    source = interview()
    text = clipboard.copy(source, [ident(source, "talk", "V1")]).to_json()
    other = new_project("other", rate=30, video_tracks=1, audio_tracks=1)
    edits.append(other, {"V1": shot("there", 10)})
    clipboard.paste(other, Clipboard.from_json(text), frames(10))
    assert layout(other, "V1") == [("there", 0, 10), ("talk", 10, 40)]
    assert layout(other, "A1") == [("gap", 0, 10), ("talk", 10, 40)]
    pal = new_project("pal", rate=25)
    with pytest.raises(EditError, match="30 fps"):
        clipboard.paste(pal, Clipboard.from_json(text), frames(0))


@pytest.mark.parametrize("text", ["", "hello", "{}", '{"OTIO_SCHEMA": "Timeline.1", "name": "x"}', "[1, 2]"])
def test_text_that_is_not_a_shotline_copy_is_refused_in_words(text: str) -> None:
    with pytest.raises(EditError, match="does not hold clips copied from Shotline"):
        Clipboard.from_json(text)


def test_cut_is_copy_then_lift_as_one_step_named_cut() -> None:
    timeline = interview()
    talk = ident(timeline, "talk", "V1")
    change = edit_and_check_undo(timeline, lambda: clipboard.cut(timeline, [talk]))
    board = change.result
    assert change.description == "Cut"
    assert layout(timeline, "V1") == [("gap", 0, 40), ("cut", 40, 60)]
    assert layout(timeline, "A1") == []
    clipboard.paste(timeline, board, frames(0))
    assert layout(timeline, "V1") == [("talk", 0, 30), ("gap", 30, 40), ("cut", 40, 60)]
    assert layout(timeline, "A1") == [("talk", 0, 30)]


def test_copy_with_nothing_selected_is_refused() -> None:
    with pytest.raises(EditError, match="Select clips"):
        clipboard.copy(interview(), [])


def test_lowest_targeted_picks_the_track_nearest_the_middle_of_each_kind() -> None:
    timeline = interview()
    tracks.add_track(timeline, AUDIO)
    assert clipboard.lowest_targeted(timeline, ["V2", "A3", "A2"]) == {VIDEO: "V2", AUDIO: "A2"}
    assert clipboard.lowest_targeted(timeline, ["A1"]) == {AUDIO: "A1"}
