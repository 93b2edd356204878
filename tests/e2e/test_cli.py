"""The headless command line: describing a project, and refusing a broken one in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine.project import edits, persistence
from tests.support.editing import av_shot, project, shot

ROOT = Path(__file__).resolve().parents[2]


def shotline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "editor.launch", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_info_describes_a_project_and_its_offline_media(tmp_path: Path) -> None:
    timeline = project()
    video, audio = av_shot("talk", 45)
    edits.append(timeline, {"V1": video, "A1": audio})
    edits.append(timeline, {"V1": shot("broll", 15)})
    persistence.save(timeline, tmp_path / "cut.otio")
    result = shotline("info", str(tmp_path / "cut.otio"), "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert (info["frames"], info["duration"], info["width"]) == (60, "00:00:02:00", 1920)
    assert [(t["name"], t["clips"]) for t in info["tracks"]] == [("V1", 2), ("V2", 0), ("A1", 1), ("A2", 0)]
    assert {o["clip"] for o in info["offline"]} == {"talk", "broll"}


def test_headless_subcommands_never_load_qt(tmp_path: Path) -> None:
    persistence.save(project(), tmp_path / "empty.otio")
    code = (
        "import sys; from editor.launch import main; "
        f"rc = main(['info', {str(tmp_path / 'empty.otio')!r}]); "
        "print('qt loaded' if 'PySide6' in sys.modules else 'headless', rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "headless 0", result.stderr


def test_a_broken_project_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.otio").write_text("{ not json")
    result = shotline("info", str(tmp_path / "bad.otio"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("shotline info: bad.otio is damaged")
