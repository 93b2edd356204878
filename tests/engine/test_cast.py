"""The Cast: members, style and shot tags are edits that undo; changed references make takes stale."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from engine.errors import EditError
from engine.project import cast, document, edits, persistence, takes
from engine.project.cast import CastMember, Style
from engine.project.clips import media_reference
from engine.project.document import new_project
from engine.project.mediapaths import file_identity
from engine.project.provenance import Provenance
from engine.project.times import tr
from engine.project.undo import UndoStack
from engine.project.voices import CharacterVoice, voice_of
from tests.support.editing import RATE, shot


def picture(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (40, 40), colour).save(path)
    return path


def test_cast_edits_are_saved_and_each_undoes_in_one_step(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE)
    face = picture(tmp_path / "mara.png", (200, 40, 40))
    stack = UndoStack()
    stack.push(
        cast.set_member(
            timeline, CastMember("Mara", description="a keeper, grey coat", references=(str(face),))
        )
    )
    stack.push(cast.set_member(timeline, CastMember("Lighthouse", cast.PLACE, "white tower on a cliff")))
    stack.push(cast.set_style(timeline, Style("charcoal storyboard, high contrast")))
    voice = CharacterVoice("espeak", "en+f3", 1.1)
    stack.push(cast.set_member(timeline, CastMember("Mara", description="a keeper, red coat"), voice))

    assert [m.name for m in cast.members(timeline)] == ["Mara", "Lighthouse"]
    assert cast.member(timeline, "MARA").description == "a keeper, red coat"
    assert voice_of(timeline, "Mara") == voice  # where Add Voice-over finds it
    persistence.save(timeline, tmp_path / "film.otio")
    reopened = persistence.load(tmp_path / "film.otio").timeline
    assert cast.members(reopened) == cast.members(timeline)
    assert cast.style(reopened).description == "charcoal storyboard, high contrast"

    stack.undo()
    assert cast.member(timeline, "Mara").description == "a keeper, grey coat"
    assert cast.member(timeline, "Mara").references == (str(face),)
    assert voice_of(timeline, "Mara") == CharacterVoice()
    stack.undo()
    assert cast.style(timeline) == Style()
    stack.undo()
    stack.undo()
    assert cast.members(timeline) == []
    stack.redo()
    assert [m.name for m in cast.members(timeline)] == ["Mara"]


def test_a_missing_reference_or_an_unknown_name_changes_nothing(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE)
    with pytest.raises(EditError, match=r"gone\.png does not exist"):
        cast.set_member(timeline, CastMember("Mara", references=(str(tmp_path / "gone.png"),)))
    assert cast.members(timeline) == []
    edits.append(timeline, {"V1": shot("Pier", 24)})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    with pytest.raises(EditError, match="No one in the Cast is called Tom"):
        cast.set_shot_cast(timeline, ident, ["Tom"])


def test_a_shots_prompt_and_references_come_from_its_cast_and_the_style(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE)
    face = picture(tmp_path / "mara.png", (200, 40, 40))
    look = picture(tmp_path / "look.png", (40, 40, 40))
    cast.set_member(
        timeline, CastMember("Mara", description="a keeper in a red coat", references=(str(face),))
    )
    cast.set_member(timeline, CastMember("Pier", cast.PLACE, "a wooden pier in fog"))
    cast.set_style(timeline, Style("charcoal storyboard", (str(look),)))
    edits.append(timeline, {"V1": shot("Pier", 24)})
    ident = document.clip_id(document.track(timeline, "V1")[0])
    stack = UndoStack()
    stack.push(cast.set_shot_cast(timeline, ident, ["mara", "Pier"]))
    _, clip = document.find_clip(timeline, ident)
    assert cast.shot_cast(clip) == ["Mara", "Pier"]
    assert cast.prompt_for(timeline, "She waits", ["Mara", "Pier"]) == (
        "She waits. Mara: a keeper in a red coat. Pier: a wooden pier in fog. Style: charcoal storyboard."
    )
    assert cast.references_for(timeline, ["Mara", "Pier"]) == [
        {"path": str(face), "name": "Mara"},
        {"path": str(look), "name": "Style"},
    ]
    stack.undo()
    assert cast.shot_cast(document.find_clip(timeline, ident)[1]) == []


def made_from(timeline, ident: str, used: list[tuple[str, Path]], shown: list[str]) -> None:
    """Give the clip a generated take that records the references it was made from."""
    made = Provenance(
        task="image.generate",
        backend="storyboard",
        extra={
            "reference_files": [{"name": name, **file_identity(path)} for name, path in used],
            "cast": shown,
        },
    )
    takes.add_take(timeline, ident, media_reference("/media/take.png", tr(0, 100, RATE)), made)


def test_changing_a_reference_marks_the_shots_that_used_it_stale(tmp_path: Path) -> None:
    timeline = new_project("film", rate=RATE)
    face = picture(tmp_path / "mara.png", (200, 40, 40))
    cast.set_member(timeline, CastMember("Mara", references=(str(face),)))
    cast.set_member(timeline, CastMember("Tom"))
    edits.append(timeline, {"V1": shot("Mara on the pier", 24)})
    edits.append(timeline, {"V1": shot("Tom alone", 24)})
    edits.append(timeline, {"V1": shot("Footage", 24)})
    mara_shot, tom_shot, _ = (document.clip_id(c) for c in document.track(timeline, "V1"))
    made_from(timeline, mara_shot, [("Mara", face)], ["Mara"])
    made_from(timeline, tom_shot, [], ["Tom"])
    assert cast.stale_clips(timeline) == []

    picture(face, (40, 200, 40))  # the same file, another face
    stale = cast.stale_clips(timeline)
    assert [(s.clip_id, s.reasons) for s in stale] == [
        (mara_shot, ("Mara's reference mara.png has changed",))
    ]

    profile = picture(tmp_path / "tom.png", (40, 40, 200))
    cast.set_member(timeline, CastMember("Tom", references=(str(profile),)))
    stale = {s.clip_id: s.reasons for s in cast.stale_clips(timeline)}
    assert stale[tom_shot] == ("Tom has a new reference tom.png",)

    cast.set_member(timeline, CastMember("Mara"))
    stale = {s.clip_id: s.reasons for s in cast.stale_clips(timeline)}
    assert stale[mara_shot] == ("Mara's reference mara.png was removed from the Cast",)
