"""Preferences > Engines: the AI engine set up, repaired and removed from the editor, its steps shown
as they happen, off the GUI thread, and the editor's engine started from the result."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt

from editor.preferences import engines_tab
from editor.preferences.engines_tab import EnginesTab
from editor.settings import EditorSettings
from engine.setup_ai.record import Record, write_record
from engine.setup_ai.torch_build import TorchBuild


class FakeEngine:
    def __init__(self) -> None:
        self.commands: list[list[str]] = []

    def use_command(self, command: list[str]) -> None:
        self.commands.append(command)


def cpu_build(_gpu) -> TorchBuild:
    reasons = ("No GPU was found: the CPU build.",)
    return TorchBuild("cpu", "cpu", "https://download.pytorch.org/whl/cpu", reasons)


def test_set_up_shows_each_step_then_restarts_the_engine_from_the_new_environment(
    qtbot, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(engines_tab, "choose", cpu_build)
    python = tmp_path / "ai" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text("")
    gate, on_worker = threading.Event(), []

    def setup(self):
        on_worker.append(threading.current_thread() is not threading.main_thread())
        self.progress(1, 3, "create the environment")
        self.progress(2, 3, "install torch==2.13.0 (cpu)")
        gate.wait(10)
        record = Record(str(python), "2.13.0+cpu", "cpu", "cpu", "0.1.0", "2026-12-06T03:00:00+00:00")
        write_record(record)
        return record

    monkeypatch.setattr(engines_tab.Installer, "setup", setup)
    engine = FakeEngine()
    tab = EnginesTab(EditorSettings(tmp_path / "settings.ini"), engine)
    qtbot.addWidget(tab)
    assert "Not set up" in tab.state.text()
    qtbot.waitUntil(lambda: tab.setup_button.isEnabled(), timeout=10000)
    assert "cpu" in tab.machine.text() and "No GPU was found" in tab.machine.text()
    assert not tab.repair_button.isEnabled()  # nothing to repair yet

    qtbot.mouseClick(tab.setup_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.progress.format().startswith("Step 2 of 3"), timeout=10000)
    assert tab.progress.isVisibleTo(tab) and not tab.setup_button.isEnabled()  # the GUI answers meanwhile
    gate.set()
    qtbot.waitUntil(lambda: not tab.busy, timeout=10000)
    assert on_worker == [True]
    assert "Set up: torch 2.13.0+cpu (cpu)" in tab.state.text()
    assert engine.commands == [[str(python), "-m", "engine"]]
    assert tab.repair_button.isEnabled() and tab.setup_button.text() == "Set up again"


def test_a_failed_step_is_said_and_nothing_restarts(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(engines_tab, "choose", cpu_build)

    def setup(self):
        from engine.errors import ShotlineError

        raise ShotlineError("step 2 of 6 (install torch==2.13.0 (cpu)) failed: no space left on device")

    monkeypatch.setattr(engines_tab.Installer, "setup", setup)
    engine = FakeEngine()
    tab = EnginesTab(EditorSettings(tmp_path / "settings.ini"), engine)
    qtbot.addWidget(tab)
    qtbot.waitUntil(lambda: tab.setup_button.isEnabled(), timeout=10000)
    tab.start("setup")
    qtbot.waitUntil(lambda: not tab.busy, timeout=10000)
    assert "did not finish" in tab.state.text() and "no space left on device" in tab.state.text()
    assert engine.commands == [] and tab.setup_button.isEnabled()


def test_a_python_of_ones_own_is_the_engine_program_once_applied(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(engines_tab, "choose", cpu_build)
    own = Path(tmp_path / "mine" / "python")
    own.parent.mkdir()
    own.write_text("")
    engine = FakeEngine()
    settings = EditorSettings(tmp_path / "settings.ini")
    tab = EnginesTab(settings, engine)
    qtbot.addWidget(tab)
    tab.python.setText(str(own))
    tab.apply()
    assert engine.commands == [[str(own), "-m", "engine"]]
    assert EditorSettings(tmp_path / "settings.ini").value("engine/python") == str(own)
