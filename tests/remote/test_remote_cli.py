"""`shotline generate` and `generate-all` with `--engine-command`: the jobs run on the other engine,
the takes land in the project as local ones do, and a second run sends nothing."""

from __future__ import annotations

import av
import pytest

from engine.cli.main import main
from engine.project import persistence, provenance
from engine.project.document import VIDEO
from tests.support.mediagen import write_image
from tests.support.screenplays import keeper_project

pytestmark = pytest.mark.slow  # each starts an engine daemon, and the CLI's engine


def test_generate_writes_the_remote_result_to_output(gpu_box, tmp_path, capsys) -> None:
    picture = write_image(tmp_path / "still.png", (96, 54))
    output = tmp_path / "shot.mp4"
    args = ["generate", "--frames", "8", "--fps", "24", "--size", "96x54", "--image", str(picture)]
    assert main([*args, "-o", str(output), "--engine-command", gpu_box.command_line]) == 0
    with av.open(str(output)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 8
    said = capsys.readouterr().err
    assert f"sent {picture.stat().st_size} bytes" in said


def test_generate_all_runs_the_film_on_the_remote_engine(gpu_box, tmp_path, capsys) -> None:
    project = keeper_project(tmp_path, size="160x90")
    capsys.readouterr()
    assert main(["generate-all", str(project), "--engine-command", gpu_box.command_line]) == 0
    timeline = persistence.load(project).timeline
    made = [
        provenance.read(clip.media_reference)
        for track in timeline.tracks
        if track.kind == VIDEO
        for clip in track.find_clips()
    ]
    assert made and all(m is not None and m.extra.get("engine", "").startswith("remote") for m in made)
    assert (gpu_box.data / "cache").is_dir()  # made there
    assert any((tmp_path / "shotline-cache").iterdir())  # fetched here, beside the project

    assert main(["generate-all", str(project), "--engine-command", gpu_box.command_line]) == 0
    second = capsys.readouterr()
    assert "(0 jobs" in second.out  # every take is there: nothing to run, nothing crosses
    assert "sent 0 bytes, received 0 bytes" in second.err
