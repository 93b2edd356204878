"""The headless command line: describing a project, and refusing a broken one (or a typo, no display,
a closed pipe, media that is not a file) in one line."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio

from engine.cli.main import subcommand_names
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


def test_an_unknown_word_lists_the_commands_instead_of_opening_the_editor(tmp_path: Path) -> None:
    result = shotline("nosuchcommand")
    assert result.returncode == 2 and result.stdout == ""
    commands = ", ".join(subcommand_names())  # the command table, whatever it holds today
    assert "export, " in commands and "probe" in commands
    assert result.stderr == (
        f"shotline: unknown command or file 'nosuchcommand'; the commands are {commands} "
        "(shotline -h for help), and a project to open must be an existing file\n"
    )


def test_the_editor_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    persistence.save(project(), tmp_path / "cut.otio")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    for extra, said in [
        ({}, "neither DISPLAY nor WAYLAND_DISPLAY is set"),
        ({"DISPLAY": ":97"}, "display :97"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "editor.launch", str(tmp_path / "cut.otio")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, **extra},
        )
        assert result.returncode == 2, result.stderr  # not 134, Qt's abort
        assert result.stderr.count("\n") == 1 and said in result.stderr
        assert result.stderr.startswith("shotline: cannot open the editor: ")


def test_output_cut_short_by_its_reader_is_no_traceback(tmp_path: Path) -> None:
    """`shotline info x | head -1`, with more lines than a pipe holds, so the reader is surely gone."""
    data = json.loads(otio.adapters.write_to_string(project()))
    track = data["tracks"]["children"][0]
    data["tracks"]["children"] = [{**track, "name": f"V{n}", "metadata": {}} for n in range(1, 3000)]
    (tmp_path / "tall.otio").write_text(json.dumps(data))
    command = (
        f"{shlex.quote(sys.executable)} -m editor.launch info {shlex.quote(str(tmp_path / 'tall.otio'))}"
    )
    result = subprocess.run(
        f"{command} | head -1",
        shell=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        executable="/bin/bash",
    )
    assert result.stdout.startswith("test: 1920x1080") and result.stdout.count("\n") == 1
    assert result.stderr == ""


def test_media_that_is_not_a_file_says_what_it_is_in_one_line(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.mp4")
    cases = [
        (tmp_path / "new\nline.mp4", f"{tmp_path}/new\\nline.mp4 does not exist"),
        (tmp_path, f"{tmp_path} is a folder, not a media file"),
        (tmp_path / "pipe.mp4", f"{tmp_path}/pipe.mp4 is a named pipe (FIFO), not a media file"),
        (Path("/dev/zero"), "/dev/zero is a device, not a media file"),
    ]
    for path, said in cases:
        result = shotline("probe", str(path))
        assert result.returncode == 2 and result.stderr == f"shotline probe: {said}\n"


def test_a_clip_of_ten_to_the_29_frames_is_refused_naming_the_value(tmp_path: Path) -> None:
    timeline = project()
    edits.append(timeline, {"V1": shot("long", 24)})
    data = json.loads(otio.adapters.write_to_string(timeline))
    data["tracks"]["children"][0]["children"][0]["source_range"]["duration"]["value"] = 10**29
    (tmp_path / "absurd.otio").write_text(json.dumps(data))
    result = shotline("info", str(tmp_path / "absurd.otio"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"shotline info: absurd.otio holds the number {10**29}, too large for any time or size\n"
    )
