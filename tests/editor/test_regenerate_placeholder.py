"""Clip > Regenerate on a placeholder fills the shot: its result is take-1, not a take beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from editor.context import EditorContext
from editor.generate.controller import GenerationController
from editor.jobs.model import JobsModel
from editor.jobs.runner import JobRunner
from editor.settings import EditorSettings
from engine.generate.batch import Batch
from engine.project import document, persistence, takes
from engine.project.document import VIDEO
from engine.project.placeholders import is_placeholder
from tests.support.fake_engine import FakeEngine
from tests.support.screenplays import keeper_project


def made(spec: dict[str, Any]) -> dict[str, Any]:
    """What the engine's `done` says for a spec: the spec run for real on the in-process queue."""
    outcomes = []
    Batch(1).run([spec], lambda _i, outcome: outcomes.append(outcome))
    assert outcomes[0].result is not None, outcomes[0].error
    return {**outcomes[0].result, "cached": outcomes[0].cached}


def test_regenerating_a_placeholder_fills_it_with_its_first_take_in_one_undo_step(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    owner, window = QObject(), QWidget()
    qtbot.addWidget(window)
    context = EditorContext.create(owner, EditorSettings(tmp_path / "settings.ini"))
    project = keeper_project(tmp_path)
    context.session.replace(persistence.load(project).timeline, project)
    engine = FakeEngine()
    controller = GenerationController(context, JobRunner(engine, JobsModel()), window)
    timeline = context.session.timeline
    shot = next(c for t, c in document.iter_clips(timeline) if t.kind == VIDEO)
    ident = document.clip_id(shot)
    assert is_placeholder(shot)

    controller.regenerate([ident], {"prompt": "", "seed": 3}, None)
    engine.done.emit("1", made(engine.submitted[0]))

    _, shot = document.find_clip(context.session.timeline, ident)
    assert not is_placeholder(shot)
    assert [t.key for t in takes.takes(shot)] == ["take-1"] and shot.active_media_reference_key == "take-1"
    assert Path(shot.media_reference.target_url.removeprefix("file://")).is_file()
    context.session.undo_stack.undo()
    _, shot = document.find_clip(context.session.timeline, ident)
    assert is_placeholder(shot)
