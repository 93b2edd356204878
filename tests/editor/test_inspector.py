"""The inspector as an editor uses it: select a clip, read its fields, change them, undo."""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from editor.inspector.panel import Inspector
from editor.main_window import MainWindow
from engine.errors import EditError
from engine.media.reference import clips_for
from engine.project import document, edits, effects, takes
from engine.project.clips import media_reference
from engine.project.document import clip_id, new_project
from engine.project.naming import rename_clip
from engine.project.provenance import Provenance
from engine.project.times import tr
from tests.support.editing import RATE, av_shot, shot
from tests.support.mediagen import write_video


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    timeline = new_project("cut", rate=RATE, size=(64, 36))
    edits.append(timeline, {"V1": shot("Dawn", 30, start=5)})
    video, sound = av_shot("City", 45, start=10)
    edits.append(timeline, {"V1": video, "A1": sound})
    edits.append(timeline, {"A2": shot("Music", 60, audio=True)})
    win.show_timeline(timeline, None)
    return win


def ident(window: MainWindow, track: str, index: int) -> str:
    return clip_id(document.track(window.timeline, track)[index])


def clip(window: MainWindow, ident_: str) -> otio.schema.Clip:
    return document.find_clip(window.timeline, ident_)[1]


def undo(window: MainWindow) -> None:
    window.context.actions.action("edit.undo").trigger()  # Edit > Undo


def type_into(qtbot, field, text: str) -> None:
    """What a user does: click the field, select what is there, type, press Return."""
    field.setFocus()
    field.selectAll() if hasattr(field, "selectAll") else field.lineEdit().selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_the_inspector_is_a_dock_on_the_right(window) -> None:
    dock = window.findChild(QDockWidget, "dock-inspector")
    assert dock is not None and dock.widget() is window.inspector
    viewer = window.findChild(QDockWidget, "dock-viewer")
    assert dock.geometry().left() > viewer.geometry().left()  # to the right of the viewer
    assert window.inspector.header.text() == "No clip selected"
    assert not window.inspector.name.isVisible()


def test_selecting_a_clip_shows_its_fields(window) -> None:
    inspector: Inspector = window.inspector
    window.context.selection.set([ident(window, "V1", 1)])
    assert inspector.header.text() == "Video clip on V1"
    assert inspector.name.text() == "City"
    assert inspector.source.text() == "/media/City.mp4  — OFFLINE"
    assert inspector.source_in.text() == "00:00:00:10"
    assert inspector.source_out.text() == "00:00:01:24"  # frames 10..54 are shown
    assert inspector.duration.text() == "00:00:01:15  (45 frames)"
    assert inspector.position.text() == "V1 at 00:00:01:00"
    assert not inspector.gain.isVisible()  # a picture has no gain
    assert inspector.fade_in.isVisible() and inspector.fade_in.value() == 0
    assert not inspector.takes.isVisible()  # one plain file: no take list


def test_a_clip_whose_file_exists_is_not_offline(window, tmp_path: Path) -> None:
    path = write_video(tmp_path / "shot.mp4", frames=30, size=(64, 36))
    (picture,) = clips_for(path, RATE, 30, 0)  # no sound in this file
    window.context.session.apply(edits.append, {"V2": picture})
    window.context.selection.set([clip_id(picture)])
    assert window.inspector.source.text() == str(path)


def test_renaming_in_the_name_field_is_one_undo_step(window, qtbot) -> None:
    inspector: Inspector = window.inspector
    target = ident(window, "V1", 1)
    window.context.selection.set([target])
    type_into(qtbot, inspector.name, "City at night")
    assert clip(window, target).name == "City at night"
    assert window.context.session.undo_stack.undoText() == "Rename Clip"
    assert window.context.actions.action("edit.undo").text() == "&Undo Rename Clip"
    undo(window)
    assert clip(window, target).name == "City"
    assert inspector.name.text() == "City"  # the field follows the undo
    # after undo the clip is a clone; the field still edits that clip, by its id
    type_into(qtbot, inspector.name, "Town")
    assert clip(window, target).name == "Town"
    assert [c.name for c in document.track(window.timeline, "V1")] == ["Dawn", "Town"]
    assert document.track(window.timeline, "A1")[1].name == "City"  # the partner keeps its own name


def test_an_empty_name_is_refused_and_the_field_shows_the_name_again(window, qtbot) -> None:
    inspector: Inspector = window.inspector
    target = ident(window, "V1", 0)
    window.context.selection.set([target])
    depth = window.context.session.undo_stack.count()
    type_into(qtbot, inspector.name, "   ")
    assert clip(window, target).name == "Dawn"
    assert inspector.name.text() == "Dawn"
    assert window.statusBar().currentMessage() == "A clip needs a name"
    assert window.context.session.undo_stack.count() == depth


def test_gain_typed_into_an_audio_clip_changes_the_mix_and_undo_restores(window, qtbot) -> None:
    inspector: Inspector = window.inspector
    target = ident(window, "A2", 0)
    window.context.selection.set([target])
    assert inspector.header.text() == "Audio clip on A2"
    assert inspector.gain.isVisible() and inspector.gain.value() == 0.0
    type_into(qtbot, inspector.gain, "-6")
    assert effects.gain_db(clip(window, target)) == -6.0
    assert window.context.session.undo_stack.undoText() == "Gain -6.0 dB"
    qtbot.keyClick(inspector.gain, Qt.Key.Key_Up)  # one step of the arrows is one undo step
    assert effects.gain_db(clip(window, target)) == -5.5
    undo(window)
    undo(window)
    assert effects.gain_db(clip(window, target)) == 0.0
    assert inspector.gain.value() == 0.0


def test_fades_through_the_fields(window, qtbot) -> None:
    inspector: Inspector = window.inspector
    target = ident(window, "V1", 0)  # a video clip: a fade to black
    window.context.selection.set([target])
    type_into(qtbot, inspector.fade_in, "10")
    type_into(qtbot, inspector.fade_out, "5")
    assert effects.fades(clip(window, target)) == (10, 5)
    assert inspector.fade_in.maximum() == 30
    undo(window)
    assert effects.fades(clip(window, target)) == (10, 0)
    assert inspector.fade_out.value() == 0
    undo(window)
    assert effects.fades(clip(window, target)) == (0, 0)
    # fades that do not fit the clip are refused with the engine's words
    type_into(qtbot, inspector.fade_in, "25")
    type_into(qtbot, inspector.fade_out, "10")
    assert effects.fades(clip(window, target)) == (25, 0)
    assert inspector.fade_out.value() == 0
    assert "do not fit in a 30-frame clip" in window.statusBar().currentMessage()


def test_several_clips_show_their_count_and_shared_fields_and_edit_as_one_step(window, qtbot) -> None:
    inspector: Inspector = window.inspector
    sound, music = ident(window, "A1", 1), ident(window, "A2", 0)
    window.context.session.apply(effects.set_gain, music, -3.0)
    window.context.selection.set([sound, music])
    assert inspector.header.text() == "2 clips selected"
    assert not inspector.name.isEnabled() and inspector.name.placeholderText() == "mixed"
    assert inspector.gain.text() == "mixed"
    assert inspector.source.text() == "(several files)"
    depth = window.context.session.undo_stack.count()
    type_into(qtbot, inspector.gain, "-12")
    assert effects.gain_db(clip(window, sound)) == effects.gain_db(clip(window, music)) == -12.0
    assert window.context.session.undo_stack.count() == depth + 1
    assert inspector.gain.value() == -12.0
    undo(window)
    assert effects.gain_db(clip(window, sound)) == 0.0 and effects.gain_db(clip(window, music)) == -3.0
    # a picture and a sound together: no gain field, the fades still shared
    window.context.selection.set([ident(window, "V1", 0), sound])
    assert not inspector.gain.isVisible() and inspector.fade_in.isVisible()


def test_a_clip_removed_by_undo_leaves_the_inspector_empty(window) -> None:
    inspector: Inspector = window.inspector
    change = window.context.session.apply(edits.append, {"V2": shot("Title", 20)})
    window.context.selection.set([clip_id(document.track(window.timeline, "V2")[0])])
    assert change is not None and inspector.name.text() == "Title"
    undo(window)
    assert inspector.header.text() == "No clip selected" and inspector.shown_ids == []


def generated_take(seed: int) -> tuple[otio.schema.ExternalReference, Provenance]:
    ref = media_reference(f"/cache/shot-{seed}.mp4", tr(0, 60, RATE))
    prov = Provenance(
        task="video.generate",
        backend="wan",
        model_id="Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
        prompt="a lighthouse at dusk",
        seed=seed,
        steps=30,
        guidance=5.0,
    )
    return ref, prov


def test_takes_list_with_provenance_and_make_active(window, qtbot) -> None:
    inspector: Inspector = window.inspector
    target = ident(window, "V1", 0)
    ref, prov = generated_take(seed=42)
    window.context.session.apply(takes.add_take, target, ref, prov)
    window.context.selection.set([target])
    qtbot.wait(20)  # the panel lays out the box it has just shown
    box = inspector.takes
    assert box.isVisible() and box.list.count() == 2
    assert box.list.item(0).text() == "Take 1\nrecorded footage"
    model = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
    assert box.list.item(1).text() == f"Take 2   ▶ active\nseed 42 · wan · {model}\n“a lighthouse at dusk”"
    assert box.current_key() == "take-2"  # the playing take is the one shown
    assert "Model: Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in box.details.text()
    assert "Guidance: 5.0" in box.details.text() and not box.make_active.isEnabled()
    # pick the first take and make it the one that plays
    rect = box.list.visualItemRect(box.list.item(0))
    qtbot.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert box.details.text().startswith("Recorded footage") and box.make_active.isEnabled()
    qtbot.mouseClick(box.make_active, Qt.MouseButton.LeftButton)
    assert clip(window, target).active_media_reference_key == "take-1"
    assert box.list.item(0).text().startswith("Take 1   ▶ active") and not box.make_active.isEnabled()
    assert window.context.session.undo_stack.undoText() == "Switch to take-1"
    undo(window)
    assert clip(window, target).active_media_reference_key == "take-2"
    assert box.list.item(1).text().startswith("Take 2   ▶ active")


def test_rename_clip_is_exact_under_undo() -> None:
    timeline = new_project("t", rate=RATE)
    edits.append(timeline, {"V1": shot("A", 10)})
    target = clip_id(document.track(timeline, "V1")[0])
    before = otio.adapters.write_to_string(timeline)
    change = rename_clip(timeline, target, "  Opening  ")
    assert document.find_clip(timeline, target)[1].name == "Opening"
    change.undo()
    assert otio.adapters.write_to_string(timeline) == before
    for bad in ("", "two\nlines", "x" * 201, "A"):
        with pytest.raises(EditError):
            rename_clip(timeline, target, bad)


def test_a_backends_own_provenance_reads_as_words_and_long_lists_are_counted() -> None:
    from editor.inspector.facts import _details

    reference = media_reference("/cache/k/voice.wav", tr(0, 48, RATE))
    made = Provenance(
        task="voice.speak",
        backend="espeak",
        prompt="It began at dawn.",
        extra={"engine_rate": 22050, "mask_files": [f"key_{n:06d}.png" for n in range(40)], "voices": ["a"]},
    )
    shown = _details(takes.Take("take-1", reference, made, True), made)
    assert "Engine rate: 22050" in shown and "engine_rate" not in shown
    assert "Mask files: 40 items" in shown and "Voices: a" in shown
