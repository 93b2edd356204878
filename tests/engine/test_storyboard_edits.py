"""What the Storyboard edits in the document: a shot's prompt (then used by Generate all); a script's
placeholders open as shots waiting for a take, not as offline media; a reference's hash is remembered
until the file changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from engine.errors import EditError
from engine.generate.generate_all import keyframe_spec, shots_to_generate
from engine.project import document, persistence
from engine.project.document import VIDEO
from engine.project.mediapaths import file_identity
from engine.project.placeholders import set_shot_prompt
from engine.project.undo import UndoStack
from tests.support.screenplays import keeper_project


def test_a_script_project_opens_with_no_offline_media(tmp_path: Path) -> None:
    assert persistence.load(keeper_project(tmp_path)).offline == []


def test_an_edited_prompt_is_one_undo_step_and_generate_all_asks_for_it(tmp_path: Path) -> None:
    timeline = persistence.load(keeper_project(tmp_path)).timeline
    ident = next(document.clip_id(c) for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    stack = UndoStack()
    change = stack.push(set_shot_prompt(timeline, ident, "  Fog, and   a red coat on the stairs "))
    assert (
        change.description.startswith("Prompt of 1.1")
        and change.result == "Fog, and a red coat on the stairs"
    )
    shot = shots_to_generate(timeline)[0]
    assert shot.prompt == "Fog, and a red coat on the stairs"
    assert keyframe_spec(timeline, shot, None)["params"]["prompt"].startswith(
        "Fog, and a red coat on the stairs."
    )
    stack.undo()
    assert shots_to_generate(timeline)[0].prompt.startswith("Fog rolls over the rocks.")
    with pytest.raises(EditError, match="cannot be empty"):
        set_shot_prompt(timeline, ident, "   ")


def test_a_references_hash_changes_when_the_picture_is_replaced(tmp_path: Path) -> None:
    face = tmp_path / "tom.png"
    Image.new("RGB", (60, 80), (30, 200, 30)).save(face)
    first = file_identity(face)["sha256"]
    assert file_identity(face)["sha256"] == first
    other = tmp_path / "other.png"
    Image.new("RGB", (60, 80), (200, 30, 200)).save(other)
    os.replace(other, face)  # another picture under the same name
    assert file_identity(face)["sha256"] not in (first, None)
    face.unlink()
    assert file_identity(face)["sha256"] is None
