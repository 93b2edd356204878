"""The Cast dock: a user adds, describes, pictures, voices and removes members; each change undoes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QObject

from editor.cast.panel import CastPanel
from editor.context import EditorContext
from editor.settings import EditorSettings
from engine.project import cast, document, persistence
from engine.project.voices import CharacterVoice
from tests.support.screenplays import keeper_project


@pytest.fixture
def panel(qtbot, tmp_path: Path, monkeypatch) -> CastPanel:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    owner = QObject()
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    project = keeper_project(tmp_path)
    context.session.replace(persistence.load(project).timeline, project)
    widget = CastPanel(context)
    widget._owner = owner  # the context lives as long as the panel
    widget.context = context
    qtbot.addWidget(widget)
    widget.resize(360, 700)
    return widget


def picture(path: Path, color: tuple[int, int, int]) -> Path:
    Image.new("RGB", (80, 60), color).save(path)
    return path


def test_the_cast_lists_the_scripts_characters_and_places_then_the_style(panel: CastPanel) -> None:
    tree = panel.tree
    groups = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert groups == ["Characters", "Places", "Style"]
    characters = tree.topLevelItem(0)
    assert [characters.child(i).text(0) for i in range(characters.childCount())] == ["Mara", "Tom"]
    assert characters.child(0).text(1) == "3 shots · no picture"
    panel.choose("Tom")
    assert panel.form.title.text() == "Tom · Character"
    shots = [panel.form.shots.item(i).text()[:3] for i in range(panel.form.shots.count())]
    assert shots == ["1.1", "2.1"]  # which shots use Tom


def test_clicking_a_shot_of_a_member_selects_its_clip(panel: CastPanel) -> None:
    panel.choose("Harbour")
    item = panel.form.shots.item(0)
    panel.form.shots.itemClicked.emit(item)
    _, clip = document.find_clip(panel.context.session.timeline, panel.context.selection.ids[0])
    assert clip.name.startswith("3.1")


def test_a_description_and_a_voice_are_one_edit_on_apply_and_undo_takes_them_back(panel: CastPanel) -> None:
    session = panel.context.session
    panel.form.set_backends([{"name": "espeak", "label": "eSpeak"}, {"name": "piper", "label": "Piper"}])
    panel.choose("Tom")
    assert not panel.form.apply_button.isEnabled()
    panel.form.description.setPlainText("an old engineer with a grey beard")
    panel.form.backend.setCurrentIndex(panel.form.backend.findData("espeak"))
    panel.form.voice.setCurrentText("en-gb")
    panel.form.speed.setValue(0.9)
    assert panel.form.apply_button.isEnabled()
    panel.form.apply_button.click()
    assert session.undo_stack.undoText() == "Edit Tom"
    timeline = session.timeline
    assert cast.member(timeline, "Tom").description == "an old engineer with a grey beard"
    assert cast.voice(timeline, "Tom") == CharacterVoice("espeak", "en-gb", 0.9)
    assert panel.form.description.toPlainText() == "an old engineer with a grey beard"
    assert not panel.form.apply_button.isEnabled()

    session.undo_stack.undo()
    assert cast.member(session.timeline, "Tom").description == ""
    assert cast.voice(session.timeline, "Tom") == CharacterVoice()
    assert panel.form.description.toPlainText() == ""


def test_places_have_no_voice_and_the_style_is_edited_the_same_way(panel: CastPanel) -> None:
    panel.choose("Lighthouse")
    assert panel.form.voice_row.isHidden()
    panel.choose("Style")
    assert panel.form.title.text() == "Style · every shot of the film"
    panel.form.description.setPlainText("hand-drawn charcoal, high contrast")
    panel.form.apply_button.click()
    assert cast.style(panel.context.session.timeline).description == "hand-drawn charcoal, high contrast"
    assert panel.context.session.undo_stack.undoText() == "Edit Style"


def test_reference_pictures_are_added_with_thumbnails_and_removed_each_as_one_undo_step(
    panel: CastPanel, qtbot, tmp_path: Path
) -> None:
    session = panel.context.session
    front = picture(tmp_path / "mara-front.png", (200, 40, 40))
    side = picture(tmp_path / "mara-side.png", (40, 40, 200))
    panel.choose("Mara")
    panel.add_pictures([front, side])
    assert cast.member(session.timeline, "Mara").references == (str(front), str(side))
    assert session.undo_stack.undoText() == "Edit Mara"
    refs = panel.form.references
    assert [refs.item(i).text() for i in range(refs.count())] == ["mara-front.png", "mara-side.png"]
    qtbot.waitUntil(lambda: all(not refs.item(i).icon().isNull() for i in range(refs.count())))
    shown = refs.item(0).icon().pixmap(64, 48).toImage()
    assert shown.pixelColor(shown.width() // 2, shown.height() // 2).red() > 150  # the picture itself
    assert panel.tree.topLevelItem(0).child(0).text(1) == "3 shots · 2 pictures"

    refs.item(0).setSelected(True)
    panel.form.remove_pictures.click()
    assert cast.member(session.timeline, "Mara").references == (str(side),)
    session.undo_stack.undo()
    assert cast.member(session.timeline, "Mara").references == (str(front), str(side))


def test_adding_and_removing_members_undo(panel: CastPanel) -> None:
    session = panel.context.session
    assert panel.add_member("  Old   Fisherman ", cast.CHARACTER)
    assert panel.current_name() == "Old Fisherman"
    assert session.undo_stack.undoText() == "Add Old Fisherman to the Cast"
    assert not panel.add_member("old fisherman", cast.CHARACTER)  # already there, by name
    panel.remove.click()
    assert "Old Fisherman" not in panel.names()
    assert session.undo_stack.undoText() == "Remove Old Fisherman from the Cast"
    session.undo_stack.undo()
    assert panel.names(cast.CHARACTER) == ["Mara", "Tom", "Old Fisherman"]


def test_renaming_a_member_renames_their_shots_and_lines_in_one_undo_step(
    panel: CastPanel, monkeypatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    session = panel.context.session
    panel.choose("Mara")
    assert panel.rename.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Marguerite", True))
    panel.rename.click()
    assert panel.names(cast.CHARACTER) == ["Marguerite", "Tom"] and panel.current_name() == "Marguerite"
    assert session.undo_stack.undoText() == "Rename Mara to Marguerite"
    shots = [panel.form.shots.item(i).text()[:3] for i in range(panel.form.shots.count())]
    assert shots == ["1.1", "2.1", "3.1"]  # her shots follow her name
    lines = [c.name for _, c in document.iter_clips(session.timeline) if c.name.startswith("Marguerite: ")]
    assert len(lines) == 3
    assert not panel.rename_member("Marguerite", "TOM")  # refused: Tom is someone else
    session.undo_stack.undo()
    assert panel.names(cast.CHARACTER) == ["Mara", "Tom"]
    assert not [c for _, c in document.iter_clips(session.timeline) if c.name.startswith("Marguerite")]
    panel.choose("Style")
    assert not panel.rename.isEnabled()
