"""Settings > Models: the user picks each AI backend's model and how models load, and every job the
editor sends carries exactly that, to the backends that read it and to no other."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from editor.generate.dialog import DEFAULT_MODEL, RegenerateDialog
from editor.jobs.model import JobsModel
from editor.jobs.runner import JobRunner
from editor.main_window import MainWindow
from editor.preferences import models
from editor.preferences.dialog import PreferencesDialog
from editor.preferences.models_tab import ModelsTab, describe_devices
from editor.settings import EditorSettings
from engine.generate.extend.request import ExtendRequest
from engine.generate.image.request import ImageRequest
from engine.generate.inpaint.request import InpaintRequest
from engine.generate.model_choices import MODEL_BACKENDS, folder_problem, model_backend, names_folder
from engine.generate.registry import default_registry
from engine.generate.score.request import ScoreRequest
from engine.generate.video.request import VideoRequest
from engine.generate.voice.request import VoiceRequest
from tests.support.fake_engine import FakeEngine
from tests.support.projectkit import Messages, press, small_cut

CTRL = Qt.KeyboardModifier.ControlModifier
WAN_DEFAULT = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
INFO = {
    "devices": [
        {"name": "cuda:0", "label": "NVIDIA GeForce RTX 4090", "memory": 24 * 2**30},
        {"name": "cpu", "label": "x86_64", "memory": None},
    ],
    "tasks": {
        "video.generate": [
            {"name": "animatic", "label": "Animatic", "ready": True, "default": True, "reason": "CPU"},
            {"name": "wan", "label": "Wan", "ready": False, "default": False, "reason": "no GPU found"},
        ],
        "voice.speak": [
            {"name": "espeak", "label": "espeak-ng", "ready": True, "default": True, "reason": ""},
            {"name": "transformers", "label": "MMS", "ready": True, "default": False, "reason": ""},
        ],
    },
}


def safetensors_folder(folder: Path) -> Path:
    (folder / "transformer").mkdir(parents=True)
    (folder / "model_index.json").write_text(json.dumps({"_class_name": "LTXPipeline"}))
    (folder / "transformer" / "diffusion_pytorch_model.safetensors").write_bytes(b"\0" * 16)
    return folder


def pickle_folder(folder: Path) -> Path:
    (folder / "transformer").mkdir(parents=True)
    (folder / "model_index.json").write_text(json.dumps({"_class_name": "WanPipeline"}))
    (folder / "transformer" / "diffusion_pytorch_model.bin").write_bytes(b"\0" * 16)
    return folder


# the engine's side: which backends load a model, and what they read ------------------------------


REQUESTS = {
    "video.generate": VideoRequest,
    "video.inpaint": InpaintRequest,
    "video.extend": ExtendRequest,
    "music.score": ScoreRequest,
    "voice.speak": VoiceRequest,
    "image.generate": ImageRequest,
    "image.edit": ImageRequest,
}


def test_every_registered_backend_either_loads_a_listed_model_or_needs_none() -> None:
    registry = default_registry()
    registered = {(task, b.name) for task in registry.tasks() for b in registry.backends(task)}
    assert set(MODEL_BACKENDS) <= registered
    no_model = {name for _task, name in registered - set(MODEL_BACKENDS)}
    # chatterbox loads the one model its package names (ResembleAI/chatterbox): nothing to choose
    assert no_model <= {"animatic", "storyboard", "opencv", "motion", "freeze", "composer", "espeak", "piper",
                        "chatterbox"}  # fmt: skip
    for task in registry.tasks():  # the defaults are never sent a model or a load option
        assert model_backend(task, registry.default(task)) is None
    for backend in MODEL_BACKENDS.values():  # each option is a field its task's request reads
        fields = {f.name for f in dataclasses.fields(REQUESTS[backend.task])}
        assert set(backend.options) | {"model"} <= fields, backend
        assert backend.presets(), backend  # Settings offers at least one preset
    assert model_backend("video.generate", "wan").default_model() == WAN_DEFAULT
    music = model_backend("music.score", "stable-audio")
    assert music.presets()[0].name == "stable-audio-open-1.0"


def test_folders_the_engine_would_refuse_are_named_with_the_reason(tmp_path) -> None:
    assert folder_problem(safetensors_folder(tmp_path / "good")) == ""
    assert "only pickle weights (.bin)" in folder_problem(pickle_folder(tmp_path / "pickles"))
    (tmp_path / "empty").mkdir()
    assert "no .safetensors" in folder_problem(tmp_path / "empty")
    assert "does not exist" in folder_problem(tmp_path / "gone")
    assert names_folder(str(tmp_path / "good")) and names_folder("./models/wan") and names_folder("~/wan")
    assert not names_folder(WAN_DEFAULT) and not names_folder("")


# the runner: what a submitted spec carries -------------------------------------------------------------


@pytest.fixture
def settings(tmp_path) -> EditorSettings:
    return EditorSettings(tmp_path / "settings.ini")


def runner_for(settings: EditorSettings) -> tuple[JobRunner, FakeEngine]:
    engine = FakeEngine()
    engine.info = INFO
    return JobRunner(engine, JobsModel(), settings=settings), engine


def test_a_diffusers_job_carries_the_chosen_model_and_load_options_and_the_animatic_none(
    qtbot, settings, tmp_path
) -> None:
    folder = str(safetensors_folder(tmp_path / "tiny-wan"))
    models.set_chosen_model(settings, "video.generate", "wan", folder)
    models.set_load_options(settings, models.LoadOptions("cpu", "float32", True, True))
    runner, engine = runner_for(settings)
    shot = {"prompt": "a lighthouse", "frames": 12, "size": "64x36"}
    runner.submit({"task": "video.generate", "backend": "wan", "params": dict(shot)}, "Wan", lambda r: "ok")
    runner.submit(
        {"task": "video.generate", "backend": "animatic", "params": dict(shot)}, "A", lambda r: "ok"
    )
    runner.submit({"task": "video.generate", "params": dict(shot)}, "Default", lambda r: "ok")  # animatic
    wan, animatic, default = (spec["params"] for spec in engine.submitted)
    assert wan == {
        **shot,
        "model": folder,
        "device": "cpu",
        "dtype": "float32",
        "cpu_offload": True,
        "vae_tiling": True,
    }
    assert animatic == shot and default == shot  # exactly as before: nothing a no-model backend ignores
    # the job's own model (the Regenerate dialog's field) wins; the options still apply
    own = {**shot, "model": "Wan-AI/Wan2.2-TI2V-5B-Diffusers"}
    runner.submit({"task": "video.generate", "backend": "wan", "params": own}, "Own", lambda r: "ok")
    assert engine.submitted[-1]["params"]["model"] == "Wan-AI/Wan2.2-TI2V-5B-Diffusers"
    assert engine.submitted[-1]["params"]["cpu_offload"] is True
    assert runner.backends("video.generate")[1]["settings_model"] == folder


def test_a_retry_uses_the_settings_of_now_and_voice_options_stay_within_what_voice_reads(
    qtbot, settings
) -> None:
    runner, engine = runner_for(settings)
    spec = {"task": "video.generate", "backend": "wan", "params": {"prompt": "x", "frames": 5}}
    token = runner.submit(spec, "Wan", lambda r: "ok")
    assert (
        engine.submitted[0]["params"]["cpu_offload"] is False and "model" not in engine.submitted[0]["params"]
    )
    engine.failed.emit("1", "not enough GPU memory: try CPU offload or a smaller size")
    models.set_load_options(settings, models.LoadOptions(cpu_offload=True))  # ticked in Settings > Models
    runner.job(token) and runner._jobs.retryRequested.emit(token)
    assert engine.submitted[1]["params"]["cpu_offload"] is True
    assert spec["params"] == {"prompt": "x", "frames": 5}  # the job's own spec is untouched

    models.set_chosen_model(settings, "voice.speak", "transformers", "facebook/mms-tts-deu")
    models.set_load_options(settings, models.LoadOptions("cuda", "float16", True, True))
    line = {"text": "Hello", "character": "Narrator"}
    runner.submit({"task": "voice.speak", "backend": "transformers", "params": dict(line)}, "V", lambda r: "")
    assert engine.submitted[-1]["params"] == {**line, "model": "facebook/mms-tts-deu", "device": "cuda"}
    chosen_voice = {**line, "voice": "mms-tts-fra"}  # a voice preset is a model choice: it wins
    runner.submit(
        {"task": "voice.speak", "backend": "transformers", "params": chosen_voice}, "V", lambda r: ""
    )
    assert engine.submitted[-1]["params"] == {**chosen_voice, "device": "cuda"}
    runner.submit({"task": "voice.speak", "params": dict(line)}, "Espeak", lambda r: "")
    assert engine.submitted[-1]["params"] == line


def test_the_regenerate_dialog_shows_the_settings_model_as_its_placeholder(qtbot, settings) -> None:
    models.set_chosen_model(settings, "video.generate", "wan", "/models/tiny-wan")
    runner, _engine = runner_for(settings)
    dialog = RegenerateDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(runner.backends("video.generate"))
    assert dialog.chosen_backend == "animatic" and dialog.model.placeholderText() == DEFAULT_MODEL
    dialog.backend.setCurrentIndex(dialog.backend.findData("wan"))
    assert dialog.model.placeholderText() == "Settings: /models/tiny-wan"
    assert dialog.values()["model"] is None  # empty: the runner fills in the Settings' model


# the Models tab, as a user works it -----------------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow(settings=EditorSettings(tmp_path / "data" / "settings.ini"))
    qtbot.addWidget(win)
    win.show()
    win.show_timeline(small_cut(), None)
    return win


def open_models(window: MainWindow, qtbot) -> ModelsTab:
    press(window, Qt.Key.Key_Comma, CTRL)
    dialog = window.findChild(PreferencesDialog)
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible())
    dialog.tabs.setCurrentWidget(dialog.models)
    return dialog.models


def pick_folder(monkeypatch, qtbot, tab: ModelsTab, task: str, backend: str, folder: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(folder))
    qtbot.mouseClick(tab.row(task, backend).browse, Qt.MouseButton.LeftButton)


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_models_tab_fill_apply_and_reopen_shows_the_choices(window, qtbot, tmp_path, monkeypatch) -> None:
    tab = open_models(window, qtbot)
    assert tab.devices.text().startswith("Devices: not known yet")
    window.engine.info = INFO
    window.engine.started.emit(INFO)  # the engine answers while the dialog is open
    assert tab.devices.text() == "Devices: cuda:0 (NVIDIA GeForce RTX 4090, 24 GB) / cpu (x86_64)"
    assert tab.status_of("video.generate", "wan") == "✗ not ready: no GPU found"
    assert tab.status_of("video.generate", "animatic") == "✓ ready: CPU"
    wan = tab.row("video.generate", "wan")
    assert wan.combo.lineEdit().placeholderText() == f"Default: {WAN_DEFAULT}"
    assert wan.combo.findText("Wan-AI/Wan2.2-TI2V-5B-Diffusers") > 0  # the presets are offered
    wan.combo.setCurrentIndex(wan.combo.findText("Wan-AI/Wan2.2-TI2V-5B-Diffusers"))
    assert "Wan 2.2" in wan.note.text()
    # each preset shows its licence, its VRAM need and its download size
    assert wan.note.text().endswith("Apache-2.0 · 35 GB VRAM (7 GB with offload) · 34 GB download")
    ltx2 = tab.row("video.generate", "ltx2")
    assert ltx2.note.text().splitlines() == [
        "LTX-2.3 distilled (22B, picture and sound, 8 steps, 1280x704 at 24 fps)",
        "LTX-2 Community License (free under $10M annual revenue) · 94 GB VRAM (12 GB with offload) · "
        "70 GB download",
    ]
    folder = safetensors_folder(tmp_path / "tiny-ltx")
    pick_folder(monkeypatch, qtbot, tab, "video.generate", "ltx", folder)
    assert tab.row("video.generate", "ltx").note.text().startswith("Local model folder")
    music = tab.row("music.score", "stable-audio").combo
    qtbot.mouseClick(music.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(music.lineEdit(), "someone/my-music-model")
    choose(tab.device, "cpu")
    choose(tab.dtype, "float32")
    qtbot.mouseClick(tab.cpu_offload, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(tab.vae_tiling, Qt.MouseButton.LeftButton)
    assert tab.cpu_offload.isChecked() and tab.vae_tiling.isChecked()
    dialog = window.findChild(PreferencesDialog)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(PreferencesDialog) is None)  # closed and gone

    settings = window.context.settings
    assert models.load_options(settings) == models.LoadOptions("cpu", "float32", True, True)
    assert models.chosen_model(settings, "video.generate", "ltx") == str(folder)
    assert models.chosen_model(settings, "music.score", "stable-audio") == "someone/my-music-model"
    assert models.chosen_model(settings, "video.inpaint", "vace") == ""  # untouched: the default
    # the next job takes it, without a restart
    assert window.jobs.outgoing({"task": "video.generate", "backend": "ltx", "params": {}})["params"] == {
        "model": str(folder),
        "device": "cpu",
        "dtype": "float32",
        "cpu_offload": True,
        "vae_tiling": True,
    }

    again = open_models(window, qtbot)
    assert again is not tab
    assert again.row("video.generate", "wan").model == "Wan-AI/Wan2.2-TI2V-5B-Diffusers"
    assert again.row("video.generate", "ltx").model == str(folder)
    assert again.row("music.score", "stable-audio").model == "someone/my-music-model"
    assert (again.device.currentData(), again.dtype.currentData()) == ("cpu", "float32")
    assert again.cpu_offload.isChecked() and again.vae_tiling.isChecked()
    assert again.devices.text().startswith("Devices: cuda:0")  # the engine's last answer, at once


def test_a_pickle_only_folder_is_warned_and_not_applied(window, qtbot, tmp_path, monkeypatch) -> None:
    messages = Messages().install(monkeypatch)
    tab = open_models(window, qtbot)
    pickles = pickle_folder(tmp_path / "pickle-only")
    pick_folder(monkeypatch, qtbot, tab, "video.generate", "wan", pickles)
    note = tab.row("video.generate", "wan").note
    assert (
        note.text().startswith("⚠")
        and "pickle weights (.bin)" in note.text()
        and ".safetensors" in note.text()
    )
    dialog = window.findChild(PreferencesDialog)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert messages.titles() == ["Model folder refused"] and "Video · Wan" in messages.shown[0][2]
    assert dialog.isVisible()  # stays open to be fixed; nothing stored
    assert models.chosen_model(window.context.settings, "video.generate", "wan") == ""
    tab.row("video.generate", "wan").combo.setCurrentText("")
    assert not note.text().startswith("⚠")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_devices_are_described_as_the_engine_found_them() -> None:
    assert describe_devices(None).startswith("Devices: not known yet")
    assert describe_devices({"devices": [{"name": "cpu", "label": "", "memory": None}]}) == "Devices: cpu"
