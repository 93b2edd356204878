"""Renaming a Cast member reaches every shot and line in one undo step; new descriptions make shots stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli.main import main
from engine.errors import EditError
from engine.project import cast, document, persistence, provenance
from engine.project.cast import CastMember
from engine.project.cast_rename import rename_member
from engine.project.document import AUDIO, VIDEO
from engine.project.undo import UndoStack
from engine.project.voices import CharacterVoice, voice_of
from tests.support.screenplays import keeper_project


def generated(tmp_path: Path) -> Path:
    """THE_KEEPER imported and its keyframes generated with the defaults, Mara described."""
    project = keeper_project(tmp_path)
    timeline = persistence.load(project).timeline
    cast.set_member(
        timeline, CastMember("Mara", description="a keeper in a red coat"), CharacterVoice("espeak", "en+f3")
    )
    persistence.save(timeline, project)
    assert main(["generate-all", str(project), "--task", "image.generate"]) == 0
    return project


def lines_of(timeline, who: str) -> list:
    return [c for t, c in document.iter_clips(timeline) if t.kind == AUDIO and c.name.startswith(f"{who}: ")]


def test_a_rename_reaches_tags_lines_voices_and_takes_and_undoes_in_one_step(tmp_path: Path, capsys) -> None:
    timeline = persistence.load(generated(tmp_path)).timeline
    capsys.readouterr()
    mara_lines = len(lines_of(timeline, "Mara"))
    assert mara_lines == 3
    stack = UndoStack()
    stack.push(rename_member(timeline, "MARA", "Marguerite"))

    assert [m.name for m in cast.members(timeline, cast.CHARACTER)] == ["Marguerite", "Tom"]
    assert cast.member(timeline, "Marguerite").description == "a keeper in a red coat"
    assert voice_of(timeline, "Marguerite") == CharacterVoice("espeak", "en+f3")
    shots = [c for t, c in document.iter_clips(timeline) if t.kind == VIDEO]
    assert all("Mara" not in cast.shot_cast(c) for c in shots)
    assert "Marguerite" in cast.shot_cast(shots[0])
    assert len(lines_of(timeline, "Marguerite")) == mara_lines and not lines_of(timeline, "Mara")
    for line in lines_of(timeline, "Marguerite"):
        assert provenance.read(line.media_reference).extra["character"] == "Marguerite"
    made = provenance.read(shots[0].media_reference)
    assert "Marguerite" in made.extra["cast"]
    assert cast.stale_clips(timeline) == []  # the same person under a new name: nothing to redo

    persistence.save(timeline, tmp_path / "renamed.otio")
    reopened = persistence.load(tmp_path / "renamed.otio").timeline
    assert len(lines_of(reopened, "Marguerite")) == mara_lines

    stack.undo()
    assert cast.member(timeline, "Mara") is not None and cast.member(timeline, "Marguerite") is None
    assert len(lines_of(timeline, "Mara")) == mara_lines
    assert "Mara" in cast.shot_cast(shots[0]) or "Mara" in cast.shot_cast(
        next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    )
    assert voice_of(timeline, "Mara") == CharacterVoice("espeak", "en+f3")


def test_a_rename_to_a_name_already_in_the_cast_is_refused(tmp_path: Path) -> None:
    timeline = persistence.load(keeper_project(tmp_path)).timeline
    with pytest.raises(EditError, match="Tom is already in the Cast"):
        rename_member(timeline, "Mara", "tom")
    with pytest.raises(EditError, match="No one in the Cast is called Nobody"):
        rename_member(timeline, "Nobody", "Somebody")
    with pytest.raises(EditError, match="needs a name"):
        rename_member(timeline, "Mara", "   ")
    assert [m.name for m in cast.members(timeline, cast.CHARACTER)] == ["Mara", "Tom"]


def test_changing_a_description_marks_the_shots_that_used_it_stale(tmp_path: Path, capsys) -> None:
    project = generated(tmp_path)
    timeline = persistence.load(project).timeline
    assert cast.stale_clips(timeline) == []
    cast.set_member(timeline, CastMember("Mara", description="a keeper in a yellow oilskin"))
    stale = {s.name[:3]: s.reasons for s in cast.stale_clips(timeline)}
    assert stale == {name: ("Mara's description has changed",) for name in ("1.1", "2.1", "3.1")}
    persistence.save(timeline, project)
    capsys.readouterr()
    assert main(["generate-all", str(project), "--task", "image.generate"]) == 0
    assert capsys.readouterr().out.startswith("keeper.otio: 3 shot(s)")
    timeline = persistence.load(project).timeline
    assert cast.stale_clips(timeline) == []
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    assert "Mara: a keeper in a yellow oilskin." in provenance.read(shot.media_reference).prompt
    cast.set_member(timeline, CastMember("Mara"))  # the description taken away
    assert {s.reasons for s in cast.stale_clips(timeline)} == {("Mara's description was removed",)}
