"""Settings > Models end to end: a tiny random-weight Wan folder chosen in the Models tab is what the real
engine process loads when a shot is regenerated with Wan, and the new take's provenance says so."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from editor.preferences.dialog import PreferencesDialog
from editor.settings import EditorSettings
from engine.generate.video.timeline import shot_defaults
from engine.media.reference import clips_for
from engine.project import document, edits, takes, trackedit
from engine.project.document import new_project
from tests.support.mediagen import write_video
from tests.support.projectkit import press

pytest.importorskip("diffusers", reason="the diffusers backends need the ai extra (torch, diffusers)")

RATE = 24.0
SIZE = (64, 36)


@pytest.fixture(scope="module")
def tiny_wan(tmp_path_factory) -> Path:
    import torch

    from tests.support.tinymodels import drive_as, tiny_wan

    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("models") / "tiny-wan"
    tiny_wan(folder)
    drive_as(folder, "wan2.1-t2v-1.3b", native_sizes=[[64, 64]])
    return folder


@pytest.fixture
def window(engine_window, tmp_path: Path):
    footage = write_video(tmp_path / "footage.mp4", frames=24, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    (picture,) = clips_for(footage, RATE, 12, 0)[:1]
    edits.append(timeline, {"V1": picture})
    return engine_window(timeline, settings=EditorSettings(tmp_path / "data" / "settings.ini"))


@pytest.mark.slow
def test_a_wan_folder_chosen_in_settings_is_loaded_by_the_engine_and_recorded_in_the_take(
    window, qtbot, tiny_wan, monkeypatch
) -> None:
    # Edit > Preferences > Models: Browse folder… for Wan, run on the CPU in float32
    press(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(PreferencesDialog)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    tab = dialog.models
    dialog.tabs.setCurrentWidget(tab)
    assert tab.status_of("video.generate", "wan")  # the engine's own account of Wan on this machine
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(tiny_wan))
    qtbot.mouseClick(tab.row("video.generate", "wan").browse, Qt.MouseButton.LeftButton)
    assert tab.row("video.generate", "wan").note.text().startswith("Local model folder")
    tab.device.setCurrentIndex(tab.device.findData("cpu"))
    tab.dtype.setCurrentIndex(tab.dtype.findData("float32"))
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(PreferencesDialog) is None)

    # Regenerate Shot with Wan: the Model field is empty and names the Settings' folder
    session = window.context.session
    ident = document.clip_id(document.track(session.timeline, "V1")[0])
    regenerate = window.generation.dialog
    regenerate.set_backends(window.jobs.backends("video.generate"))
    regenerate.fill(shot_defaults(session.timeline, ident))
    regenerate.backend.setCurrentIndex(regenerate.backend.findData("wan"))
    assert regenerate.model.text() == "" and regenerate.model.placeholderText() == f"Settings: {tiny_wan}"
    regenerate.steps.setValue(2)
    regenerate.prompt.setPlainText("a red car at night")
    [token] = window.generation.regenerate([ident], regenerate.values(), regenerate.chosen_backend)

    def playing() -> str:
        return document.find_clip(session.timeline, ident)[1].active_media_reference_key

    ended = ("done", "failed", "cancelled")
    qtbot.waitUntil(lambda: window.jobs_panel.model.job(token).state.name.lower() in ended, timeout=180000)
    job = window.jobs_panel.model.job(token)
    assert playing() == "take-2", job.message
    _track, clip = document.find_clip(session.timeline, ident)
    assert trackedit.duration_frames(clip, RATE) == 12
    made = takes.takes(clip)[1].provenance
    assert made.backend == "wan" and made.model_id == str(tiny_wan)  # the folder Settings chose
    assert made.extra["device"] == "cpu" and made.extra["dtype"] == "float32"
