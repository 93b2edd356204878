"""Voice-over from the editor: the dialog, lines on a voice track, Speak again in the inspector, ducking.

A real window and the real engine process speak with espeak-ng (fast and
always there), as a user on a machine without Piper would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialogButtonBox

from editor.bin.model import NAME
from editor.timeline.painting import DUCK_LINE
from engine.generate.voice.timeline import spoken_text
from engine.media.reference import clips_for
from engine.project import document, roles, takes, trackedit, voices
from engine.project.document import new_project
from engine.render import ducking
from tests.support.mediagen import write_audio

RATE = 24.0


@pytest.fixture
def window(engine_window, tmp_path: Path):
    timeline = new_project("film", rate=RATE, size=(64, 36))
    music = roles.add_role_track(timeline, roles.MUSIC).result
    tone = write_audio(tmp_path / "score.wav", seconds=8, hz=440)
    document.track(timeline, music).append(clips_for(tone, RATE, 8 * 24)[0])
    return engine_window(timeline, size=(1400, 860))


def bin_names(window) -> list[str]:
    model = window.bin.model
    return [model.index(row, NAME).data() for row in range(model.rowCount())]


def _voice_clips(window) -> list:
    found = roles.role_tracks(window.context.session.timeline, roles.VOICE)
    return [c for c in found[0] if c.schema_name() == "Clip"] if found else []


def _answer_voice_dialog(window, qtbot, text: str) -> None:
    dialog = window.voice.dialog

    def fill() -> None:
        dialog.text.setFocus()
        qtbot.keyClicks(dialog.text, text.splitlines()[0])
        for line in text.splitlines()[1:]:
            qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
            qtbot.keyClicks(dialog.text, line)
        dialog.backend.setCurrentIndex(dialog.backend.findData("espeak"))
        dialog.voice.setCurrentText("en-gb")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)


def test_a_pasted_script_lands_as_one_clip_per_line_from_the_playhead_in_one_undo_step(window, qtbot):
    session = window.context.session
    window.context.playhead.move_to(12)
    _answer_voice_dialog(window, qtbot, "Once upon a time.\nThere was a lighthouse by the sea.")
    window.context.actions.action("sequence.voiceover").trigger()
    qtbot.waitUntil(lambda: len(_voice_clips(window)) == 2, timeout=60000)
    track = roles.role_tracks(session.timeline, roles.VOICE)[0]
    slots = [s for s in trackedit.layout(track, RATE) if s.item.schema_name() == "Clip"]
    assert slots[0].start == 12 and slots[1].start == slots[0].end
    assert [spoken_text(s.item) for s in slots] == ["Once upon a time.", "There was a lighthouse by the sea."]
    assert slots[1].end - slots[1].start > slots[0].end - slots[0].start, "a longer line is a longer clip"
    assert voices.voice_of(session.timeline, "Narrator") == voices.CharacterVoice("espeak", "en-gb", 1.0)
    assert [j.title for j in window.jobs_panel.model.jobs()] == [
        "Voice-over Narrator: Once upon a time.",
        "Voice-over Narrator: There was a lighthouse by the sea.",
    ]
    window.context.actions.action("edit.undo").trigger()
    assert roles.role_tracks(session.timeline, roles.VOICE) == [], "the lines and their track go in one step"
    spoken = [n for n in bin_names(window) if n.startswith("Narrator: ")]  # the lines stay in the bin
    assert spoken == [
        "Narrator: Once upon a time. · take 1",
        "Narrator: There was a lighthouse by the sea. · take 1",
    ]
    window.context.actions.action("edit.redo").trigger()
    assert len(_voice_clips(window)) == 2

    # the music is drawn ducking under the lines
    image = window.timeline_view.grab().toImage()
    duck = QColor(DUCK_LINE).rgb()
    lit = sum(image.pixel(x, y) == duck for x in range(0, image.width(), 2) for y in range(image.height()))
    assert lit > 20


def test_editing_the_text_in_the_inspector_and_speaking_again_makes_a_new_take(window, qtbot):
    _answer_voice_dialog(window, qtbot, "The door was red.")
    window.context.actions.action("sequence.voiceover").trigger()
    qtbot.waitUntil(lambda: len(_voice_clips(window)) == 1, timeout=60000)
    ident = document.clip_id(_voice_clips(window)[0])
    window.context.selection.set([ident])
    first_length = trackedit.duration_frames(_voice_clips(window)[0], RATE)
    box = window.inspector.voice_text
    assert box.isVisible() and box.text.toPlainText() == "The door was red."
    box.text.selectAll()
    qtbot.keyClicks(box.text, "The door was blue, and it was locked.")
    qtbot.mouseClick(box.speak, Qt.MouseButton.LeftButton)
    session = window.context.session

    def playing() -> str:
        return document.find_clip(session.timeline, ident)[1].active_media_reference_key

    qtbot.waitUntil(lambda: playing() == "take-2", timeout=60000)
    clip = document.find_clip(session.timeline, ident)[1]
    assert spoken_text(clip) == "The door was blue, and it was locked."
    assert (
        window.jobs_panel.model.jobs()[-1].title
        == "Speak again Narrator: The door was blue, and it was locked."
    )
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]
    made = takes.takes(clip)[1].provenance
    assert (made.backend, made.extra["voice"], made.extra["character"]) == ("espeak", "en-gb", "Narrator")
    assert box.text.toPlainText() == "The door was blue, and it was locked."
    assert clip.name == "Narrator: The door was blue, and it was locked.", "the name says what is heard"
    longer = trackedit.duration_frames(clip, RATE)

    # undo works as after Regenerate: the previous line plays again, whole; the new take stays listed
    window.context.actions.action("edit.undo").trigger()
    clip = document.find_clip(session.timeline, ident)[1]
    assert spoken_text(clip) == "The door was red." and clip.name == "Narrator: The door was red."
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]
    assert trackedit.duration_frames(clip, RATE) == first_length < longer
    assert _take_rows(window)[1].startswith("Take 2")
    window.context.actions.action("edit.redo").trigger()
    assert playing() == "take-2"
    assert trackedit.duration_frames(document.find_clip(session.timeline, ident)[1], RATE) == longer

    # Make active in the takes list plays a take whole, at its own length, as one undo step
    window.context.actions.action("edit.undo").trigger()
    rows = window.inspector.takes.list
    rows.setCurrentRow(1)
    qtbot.mouseClick(window.inspector.takes.make_active, Qt.MouseButton.LeftButton)
    clip = document.find_clip(session.timeline, ident)[1]
    assert playing() == "take-2" and spoken_text(clip) == "The door was blue, and it was locked."
    assert trackedit.duration_frames(clip, RATE) == longer, "the longer line is heard whole"
    rows.setCurrentRow(0)
    qtbot.mouseClick(window.inspector.takes.make_active, Qt.MouseButton.LeftButton)
    clip = document.find_clip(session.timeline, ident)[1]
    assert trackedit.duration_frames(clip, RATE) == first_length
    assert clip.name == "Narrator: The door was red."
    window.context.actions.action("edit.undo").trigger()
    assert playing() == "take-2"

    # a name the user gave stays when the take changes
    window.inspector.name.setFocus()
    window.inspector.name.selectAll()
    qtbot.keyClicks(window.inspector.name, "Door line")
    qtbot.keyClick(window.inspector.name, Qt.Key.Key_Return)
    rows.setCurrentRow(0)
    qtbot.mouseClick(window.inspector.takes.make_active, Qt.MouseButton.LeftButton)
    clip = document.find_clip(session.timeline, ident)[1]
    assert playing() == "take-1" and clip.name == "Door line"


def _take_rows(window) -> list[str]:
    rows = window.inspector.takes.list
    return [rows.item(r).text() for r in range(rows.count())]


def test_ducking_settings_from_the_sequence_menu_are_one_undo_step(window, qtbot):
    dialog = window.voice.ducking_dialog

    def answer() -> None:
        dialog.amount.selectAll()
        qtbot.keyClicks(dialog.amount, "14")
        dialog.release.selectAll()
        qtbot.keyClicks(dialog.release, "800")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    window.context.actions.action("sequence.ducking").trigger()
    timeline = window.context.session.timeline
    assert ducking.duck_settings(timeline) == ducking.DuckSettings(14.0, 200, 800)
    window.context.actions.action("edit.undo").trigger()
    assert ducking.duck_settings(timeline) == ducking.DuckSettings()
