"""Which engine the editor starts: its own interpreter, the AI environment setup-ai made, or a chosen one."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from editor.engine_client import EngineClient
from editor.engine_command import PYTHON_KEY, engine_command
from editor.settings import EditorSettings
from engine.setup_ai.record import Record, python_of, write_record


@pytest.fixture
def data(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def set_up_ai_engine(data: Path) -> Path:
    """What `shotline setup-ai` leaves behind: an environment's Python and the record of it."""
    python = python_of(data / "ai-engine" / "env")
    python.parent.mkdir(parents=True)
    python.write_text("")
    write_record(Record(str(python), "2.13.0+cpu", "cpu", "cpu", "0.1.0", "2026-01-01T00:00:00+00:00"))
    return python


def test_before_setup_ai_the_engine_is_this_python(data: Path) -> None:
    assert engine_command() == [sys.executable, "-m", "engine"]
    assert EngineClient()._command == [sys.executable, "-m", "engine"]


def test_after_setup_ai_the_engine_runs_in_the_ai_environment(data: Path) -> None:
    python = set_up_ai_engine(data)
    assert engine_command() == [str(python), "-m", "engine"]
    assert EngineClient()._command == [str(python), "-m", "engine"]


def test_an_ai_environment_removed_behind_the_editors_back_is_not_used(data: Path) -> None:
    set_up_ai_engine(data).unlink()
    assert engine_command() == [sys.executable, "-m", "engine"]


def test_a_python_chosen_in_the_settings_comes_first(data: Path, tmp_path: Path) -> None:
    set_up_ai_engine(data)
    own = tmp_path / "own-env" / "python"
    own.parent.mkdir()
    own.write_text("")
    settings = EditorSettings(data / "settings.ini")
    settings.set_value(PYTHON_KEY, str(own))
    assert engine_command(settings) == [str(own), "-m", "engine"]
    assert engine_command() == [str(own), "-m", "engine"]  # the client reads the same settings file


def test_the_desktop_bundle_runs_its_engine_as_a_subcommand(data: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert engine_command() == [sys.executable, "engine", "--foreground"]
