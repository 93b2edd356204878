"""Generate All's model choice is the project's: saved with it, undone, used by `shotline generate-all`."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cli.main import main
from engine.errors import EditError
from engine.project import document, persistence, provenance
from engine.project.document import VIDEO, new_project
from engine.project.generate_models import generate_models, set_generate_models

SCRIPT = "INT. LAMP ROOM - NIGHT\n\nMARA lights the lamp.\n"


def test_choosing_the_models_is_one_undo_step_and_is_saved_with_the_project(tmp_path: Path) -> None:
    timeline = new_project("film")
    change = set_generate_models(
        timeline,
        {"image.edit": {"backend": "flux2-klein"}, "video.generate": {"backend": "wan", "model": "x"}},
    )
    assert change.description == "Choose Generate All Models"
    persistence.save(timeline, tmp_path / "film.otio")
    again = persistence.load(tmp_path / "film.otio").timeline
    assert generate_models(again) == {
        "image.edit": {"backend": "flux2-klein"},
        "video.generate": {"backend": "wan", "model": "x"},
    }
    change.undo()
    assert generate_models(timeline) == {}
    change.redo()
    assert generate_models(timeline)["video.generate"]["backend"] == "wan"


def test_a_wrong_choice_is_refused_and_changes_nothing() -> None:
    timeline = new_project("film")
    with pytest.raises(EditError, match=r"no model to choose for 'music\.score'"):
        set_generate_models(timeline, {"music.score": {"backend": "composer"}})
    with pytest.raises(EditError, match=r"video\.generate needs a backend"):
        set_generate_models(timeline, {"video.generate": {"model": "x"}})
    assert generate_models(timeline) == {}
    timeline.metadata["shotline"]["generate_models"] = {"video.generate": "wan"}  # hand-edited nonsense
    assert generate_models(timeline) == {}  # its default is used


def test_the_command_line_uses_the_projects_models_unless_use_or_backend_says_otherwise(
    tmp_path: Path, capsys
) -> None:
    script = tmp_path / "lamp.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    project = tmp_path / "lamp.otio"
    assert main(["script", str(script), "-o", str(project), "--size", "64x64", "--fps", "24"]) == 0
    timeline = persistence.load(project).timeline
    missing = tmp_path / "no-such-model"
    set_generate_models(timeline, {"video.generate": {"backend": "wan", "model": str(missing)}})
    persistence.save(timeline, project)
    capsys.readouterr()

    assert main(["generate-all", str(project), "--task", "video.generate"]) == 2  # the project's Wan
    err = capsys.readouterr().err
    assert f"the project's models: video.generate=wan:{missing}" in err
    assert f"The model folder {missing} does not exist" in err

    assert main(["generate-all", str(project), "--task", "video.generate", "--backend", "animatic"]) == 0
    shot = next(c for t, c in document.iter_clips(persistence.load(project).timeline) if t.kind == VIDEO)
    assert provenance.read(shot.media_reference).backend == "animatic"
    assert "1 shot(s)" in capsys.readouterr().out
