"""Takes of a shot: regenerating adds one, switching never moves the clip."""

from __future__ import annotations

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.generate.video.timeline import play_regenerated
from engine.project import document, edits, takes, trims
from engine.project.clips import media_reference
from engine.project.provenance import Provenance
from engine.project.times import tr
from tests.support.editing import RATE, edit_and_check_undo, frames, layout, project, shot, source


def generated(frames_: int, seed: int) -> tuple[otio.schema.ExternalReference, Provenance]:
    ref = media_reference(f"/cache/shot-{seed}.mp4", tr(0, frames_, RATE))
    prov = Provenance(
        task="video.generate",
        backend="wan",
        model_id="Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
        prompt="a lighthouse at dusk, slow push in",
        negative_prompt="blurry",
        seed=seed,
        steps=30,
        guidance=5.0,
        width=832,
        height=480,
        frames=frames_,
        rate="30/1",
        library_versions={"diffusers": "0.36.0"},
        extra={"scheduler": "UniPC"},
    )
    return ref, prov


def shot_on_timeline():
    timeline = project()
    edits.append(timeline, {"V1": shot("before", 20)})
    edits.append(timeline, {"V1": shot("lighthouse", 40, start=30, media=100)})
    edits.append(timeline, {"V1": shot("after", 20)})
    clip = document.track(timeline, "V1")[1]
    return timeline, clip, document.clip_id(clip)


def test_regenerating_a_shot_adds_an_active_take_in_the_same_place() -> None:
    timeline, _clip, ident = shot_on_timeline()
    ref, prov = generated(40, seed=7)
    change = edit_and_check_undo(timeline, lambda: takes.add_take(timeline, ident, ref, prov))
    assert change.result == "take-2"
    _, clip = document.find_clip(timeline, ident)
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]
    assert clip.active_media_reference_key == "take-2"
    assert takes.take_number(clip) == 2
    assert layout(timeline, "V1") == [("before", 0, 20), ("lighthouse", 20, 60), ("after", 60, 80)]
    assert source(timeline, "V1")[1] == (0, 40)  # the generated take plays from its first frame


def test_a_result_from_the_cache_is_found_as_the_take_that_already_plays_its_file() -> None:
    timeline, _clip, ident = shot_on_timeline()
    ref, prov = generated(40, seed=7)
    takes.add_take(timeline, ident, ref, prov)
    _, clip = document.find_clip(timeline, ident)
    again, _ = generated(40, seed=7)  # the same request answered from the cache: the same file
    assert takes.take_with_media(clip, again) == "take-2"
    assert takes.take_with_media(clip, generated(40, seed=8)[0]) is None


def test_switching_back_restores_the_original_in_point() -> None:
    timeline, _clip, ident = shot_on_timeline()
    ref, prov = generated(40, seed=7)
    takes.add_take(timeline, ident, ref, prov)
    edit_and_check_undo(timeline, lambda: takes.set_active_take(timeline, ident, "take-1"))
    assert source(timeline, "V1")[1] == (30, 40)
    assert layout(timeline, "V1")[1] == ("lighthouse", 20, 60)
    with pytest.raises(EditError, match="already the active take"):
        takes.set_active_take(timeline, ident, "take-1")


def test_provenance_round_trips_through_the_project_file() -> None:
    timeline, _clip, ident = shot_on_timeline()
    ref, prov = generated(40, seed=11)
    takes.add_take(timeline, ident, ref, prov)
    again = otio.adapters.read_from_string(otio.adapters.write_to_string(timeline))
    _, clip = document.find_clip(again, ident)
    (first, second) = takes.takes(clip)
    assert first.provenance is None  # footage, not generated
    assert second.provenance == prov
    assert second.reference.metadata["shotline"]["generated"] is True


def test_deleting_the_active_take_plays_the_next_one_and_the_last_take_stays() -> None:
    timeline, _clip, ident = shot_on_timeline()
    for seed in (1, 2):
        takes.add_take(timeline, ident, *generated(40, seed))
    takes.set_active_take(timeline, ident, "take-2")
    edit_and_check_undo(timeline, lambda: takes.delete_take(timeline, ident, "take-2"))
    _, clip = document.find_clip(timeline, ident)
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-3"]
    assert clip.active_media_reference_key == "take-3"
    takes.delete_take(timeline, ident, "take-1")
    with pytest.raises(EditError, match="at least one take"):
        takes.delete_take(timeline, ident, "take-3")


def test_a_take_too_short_for_the_clip_is_refused() -> None:
    timeline, _clip, ident = shot_on_timeline()
    ref, prov = generated(25, seed=3)
    with pytest.raises(EditError, match="take-2 is 15 frame\\(s\\) too short"):
        takes.add_take(timeline, ident, ref, prov)
    takes.add_take(timeline, ident, ref, prov, activate=False)
    trims.trim_tail(timeline, ident, frames(-15))
    takes.set_active_take(timeline, ident, "take-2")
    assert source(timeline, "V1")[1] == (0, 25)


def test_a_generated_take_bounds_how_far_the_clip_can_grow() -> None:
    timeline, _clip, ident = shot_on_timeline()
    takes.add_take(timeline, ident, *generated(49, seed=5))
    edits.ripple_delete(timeline, [document.clip_id(document.track(timeline, "V1")[2])])
    assert trims.trim_tail(timeline, ident, frames(100)).result == 9


def test_playing_a_regenerated_take_is_named_regenerate_and_the_clip_for_the_undo_history() -> None:
    timeline, _clip, ident = shot_on_timeline()
    key = takes.add_take(timeline, ident, *generated(100, seed=5), activate=False).result
    change = edit_and_check_undo(timeline, lambda: play_regenerated(timeline, ident, key))
    assert change.description == "Regenerate lighthouse"
    assert document.find_clip(timeline, ident)[1].active_media_reference_key == key
    assert takes.set_active_take(timeline, ident, "take-1").description == "Switch to take-1"
