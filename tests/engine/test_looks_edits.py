"""Editing a clip's look stack: add, change, switch off, reorder, remove, paste to other clips, undo;
and a project holding every look read by plain OpenTimelineIO and saved/opened unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.media.reference import clips_for
from engine.project import edits, looks, persistence
from engine.project.document import clip_id, find_clip, new_project
from tests.support.mediagen import write_video

RATE = 30.0


@pytest.fixture
def cut(tmp_path: Path) -> tuple[otio.schema.Timeline, list[str]]:
    source = write_video(tmp_path / "shot.mp4", frames=30, size=(64, 48), tone_hz=440)
    (tmp_path / "film.cube").write_text("LUT_1D_SIZE 2\n0 0 0\n1 1 1\n")
    timeline = new_project(size=(64, 48), rate=RATE)
    ids = []
    for _ in range(3):
        picture, sound = clips_for(source, RATE, 10, 0)
        edits.append(timeline, {"V1": picture, "A1": sound})
        ids.append(clip_id(picture))
    return timeline, ids


def kinds(timeline: otio.schema.Timeline, ident: str) -> list[str]:
    return [looks.kind_of(e) for e in looks.looks(find_clip(timeline, ident)[1])]


def meta(timeline: otio.schema.Timeline, ident: str, index: int) -> dict:
    return dict(looks.looks(find_clip(timeline, ident)[1])[index].metadata["shotline"])


def test_looks_are_otio_effects_named_for_their_kind_with_params_and_an_enabled_flag(cut) -> None:
    timeline, (a, *_) = cut
    looks.add_look(timeline, a, "grain", {"amount": 0.6, "size": 2.0})
    (effect,) = find_clip(timeline, a)[1].effects
    assert isinstance(effect, otio.schema.Effect)
    assert effect.effect_name == "shotline.grain"
    assert dict(effect.metadata["shotline"]) == {"enabled": True, "amount": 0.6, "size": 2.0}
    assert looks.params(effect) == {"amount": 0.6, "size": 2.0, "seed": 0.0}


def test_the_stack_can_be_switched_off_reordered_removed_and_undone(cut) -> None:
    timeline, (a, *_) = cut
    for kind in ("vhs", "vignette", "blur"):
        looks.add_look(timeline, a, kind)
    assert kinds(timeline, a) == ["vhs", "vignette", "blur"]
    off = looks.set_enabled(timeline, a, 1, False)
    assert meta(timeline, a, 1)["enabled"] is False
    moved = looks.move_look(timeline, a, 2, 0)
    assert kinds(timeline, a) == ["blur", "vhs", "vignette"]
    removed = looks.remove_look(timeline, a, 1)
    assert kinds(timeline, a) == ["blur", "vignette"]
    for change in (removed, moved, off):
        change.undo()
    assert kinds(timeline, a) == ["vhs", "vignette", "blur"]
    assert meta(timeline, a, 1)["enabled"] is True


def test_colour_and_lut_take_their_places_and_keep_other_effects(cut, tmp_path: Path) -> None:
    timeline, (a, *_) = cut
    clip = find_clip(timeline, a)[1]
    clip.effects.append(otio.schema.LinearTimeWarp(time_scalar=2.0))  # another engineer's speed effect
    looks.add_look(timeline, a, "grain")
    looks.set_lut(timeline, a, str(tmp_path / "film.cube"))
    looks.set_colour(timeline, a, {"exposure": 0.5})
    assert kinds(timeline, a) == ["colour", "lut", "grain"]
    effects = find_clip(timeline, a)[1].effects
    assert isinstance(effects[0], otio.schema.LinearTimeWarp) and len(effects) == 4  # the speed stays first
    looks.set_colour(timeline, a, {"saturation": 0.0})
    assert meta(timeline, a, 0)["exposure"] == 0.5 and meta(timeline, a, 0)["saturation"] == 0.0
    looks.set_lut(timeline, a, None)
    assert kinds(timeline, a) == ["colour", "grain"]


def test_bad_settings_are_refused_in_words(cut, tmp_path: Path) -> None:
    timeline, (a, *_) = cut
    with pytest.raises(EditError, match="between 0 and 1"):
        looks.add_look(timeline, a, "grain", {"amount": 3})
    with pytest.raises(EditError, match="no setting called 'speed'"):
        looks.add_look(timeline, a, "vhs", {"speed": 1})
    with pytest.raises(EditError, match="not found"):
        looks.set_lut(timeline, a, str(tmp_path / "missing.cube"))
    (tmp_path / "notes.cube").write_text("hello\n")
    with pytest.raises(EditError, match=r"not a \.cube LUT"):
        looks.set_lut(timeline, a, str(tmp_path / "notes.cube"))
    with pytest.raises(EditError, match=r"\.cube file"):
        looks.set_lut(timeline, a, str(tmp_path / "film.png"))
    with pytest.raises(EditError, match="video clips only"):
        sound = next(c for c in timeline.find_clips() if c.parent().kind == "Audio")
        looks.add_look(timeline, clip_id(sound), "blur")
    assert kinds(timeline, a) == []


def test_paste_attributes_copies_the_chosen_looks_in_order_onto_other_clips(cut, tmp_path: Path) -> None:
    timeline, (a, b, c) = cut
    looks.set_colour(timeline, a, {"exposure": 1.0})
    looks.set_lut(timeline, a, str(tmp_path / "film.cube"))
    looks.add_look(timeline, a, "grain", {"amount": 0.5})
    looks.add_look(timeline, b, "blur")
    looks.add_look(timeline, b, "grain", {"amount": 0.1})
    source = looks.looks(find_clip(timeline, a)[1])
    change = looks.paste_looks(timeline, source, [b, c], ["colour", "grain"])
    assert kinds(timeline, b) == ["blur", "colour", "grain"]  # its own grain replaced, its blur kept
    assert kinds(timeline, c) == ["colour", "grain"]
    assert meta(timeline, c, 1)["amount"] == 0.5 and meta(timeline, c, 0)["exposure"] == 1.0
    change.undo()
    assert kinds(timeline, b) == ["blur", "grain"] and kinds(timeline, c) == []
    with pytest.raises(EditError, match="none of the chosen looks"):
        looks.paste_looks(timeline, source, [c], ["vhs"])


def every_look(timeline: otio.schema.Timeline, ident: str, lut: Path) -> None:
    looks.set_colour(timeline, ident, {"exposure": 0.5, "gamma_g": 1.2, "temperature": 10.0})
    looks.set_lut(timeline, ident, str(lut))
    for kind in ("grain", "vhs", "vignette", "blur", "bw"):
        looks.add_look(timeline, ident, kind)
    looks.set_enabled(timeline, ident, 3, False)


def test_a_project_with_every_look_opens_in_otiocat_and_round_trips_unchanged(cut, tmp_path: Path) -> None:
    timeline, (a, *_) = cut
    every_look(timeline, a, tmp_path / "film.cube")
    path = tmp_path / "graded.otio"
    persistence.save(timeline, path)
    shown = subprocess.run(
        [sys.executable, "-m", "opentimelineio.console.otiocat", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    plain = otio.adapters.read_from_string(shown.stdout, "otio_json")
    names = [e.effect_name for e in plain.find_clips()[0].effects]
    assert names == [f"shotline.{k}" for k in ("colour", "lut", "grain", "vhs", "vignette", "blur", "bw")]
    again = persistence.load(path).timeline
    persistence.save(again, tmp_path / "again.otio")
    assert (tmp_path / "again.otio").read_text() == path.read_text()
    assert kinds(again, a) == kinds(timeline, a) and meta(again, a, 3)["enabled"] is False
    assert meta(again, a, 0) == meta(timeline, a, 0)
