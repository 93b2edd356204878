"""A character's voice from a recording the user imports, for the voice-cloning backend (Chatterbox)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QObject

from editor.cast.panel import CastPanel
from editor.context import EditorContext
from editor.settings import EditorSettings
from engine.generate.registry import default_registry
from engine.generate.voice.reference import FOLDER, RATE, import_recording
from engine.generate.voice.timeline import voice_spec
from engine.project import cast, persistence
from engine.project.voices import CharacterVoice
from tests.support.mediagen import write_audio
from tests.support.screenplays import keeper_project


@pytest.fixture
def panel(qtbot, tmp_path: Path, monkeypatch) -> CastPanel:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    owner = QObject()
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    project = keeper_project(tmp_path)
    context.session.replace(persistence.load(project).timeline, project)
    widget = CastPanel(context)
    widget._owner = owner
    widget.context = context
    qtbot.addWidget(widget)
    widget.resize(420, 760)
    return widget


def test_a_recording_imported_for_a_character_is_kept_beside_the_project_and_sent_with_its_lines(
    panel: CastPanel, tmp_path: Path, qtbot
) -> None:
    session = panel.context.session
    phone = write_audio(tmp_path / "tom on the phone.m4a", seconds=6.0, hz=180.0, codec="aac", rate=44100)
    panel.form.set_backends([{"name": "espeak", "label": "eSpeak"},
                             {"name": "chatterbox", "label": "Chatterbox", "ready": False}])  # fmt: skip
    panel.choose("Tom")
    assert panel.form.sample.text() == "None: the backend's own voice"
    panel.form.backend.setCurrentIndex(panel.form.backend.findData("chatterbox"))
    assert panel.form.import_recording(str(phone))
    panel.show()
    qtbot.waitExposed(panel)
    panel.grab().save("/tmp/cast-voice-recording.png")
    panel.form.apply_button.click()
    voice = cast.voice(session.timeline, "Tom")
    kept = Path(voice.sample)
    assert voice.backend == "chatterbox" and kept.parent == session.path.parent / FOLDER
    assert kept.suffix == ".wav" and panel.form.sample.text() == "tom on the phone · 6.0 s"

    spec = voice_spec("Light the lamp.", "Tom", voice, tmp_path / "cache")
    assert spec["backend"] == "chatterbox" and spec["params"]["reference"] == str(kept)
    request = default_registry().request("voice.speak", spec["params"])
    assert request.reference == str(kept)

    session.undo_stack.undo()
    assert cast.voice(session.timeline, "Tom") == CharacterVoice()
    session.undo_stack.redo()
    persistence.save(session.timeline, session.path)  # saved with the project
    assert cast.voice(persistence.load(session.path).timeline, "Tom").sample == str(kept)


def test_a_recording_too_short_to_carry_a_voice_is_refused_in_one_line(
    panel: CastPanel, tmp_path: Path
) -> None:
    short = write_audio(tmp_path / "hello.wav", seconds=1.0)
    panel.choose("Tom")
    assert not panel.form.import_recording(str(short))
    assert panel.form.sample.text() == "hello.wav is 1.0 s long: record at least 3 s of speech"
    assert not panel.form.apply_button.isEnabled()


def test_the_prepared_recording_is_24khz_mono_the_first_30_seconds_and_the_same_file_twice(tmp_path) -> None:
    import av

    long = write_audio(tmp_path / "interview.wav", seconds=40.0, hz=220.0)
    first = import_recording(long, tmp_path / "voices")
    assert import_recording(long, tmp_path / "voices") == first
    with av.open(str(first)) as container:
        stream = container.streams.audio[0]
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
        assert stream.rate == RATE and stream.channels == 1
    assert len(samples) == 30 * RATE


def test_add_voice_over_keeps_the_characters_recording(qtbot) -> None:
    from editor.generate.voice_dialog import VoiceDialog

    dialog = VoiceDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends([{"name": "chatterbox", "label": "Chatterbox", "ready": True}])
    dialog.set_cast(
        {"Tom": CharacterVoice("chatterbox", None, 1.0, "/voices/tom.wav"), "Mara": CharacterVoice()}
    )
    dialog.character.setCurrentText("Tom")
    assert dialog.chosen_voice() == CharacterVoice("chatterbox", None, 1.0, "/voices/tom.wav")
    dialog.character.setCurrentText("Mara")
    assert dialog.chosen_voice().sample is None
