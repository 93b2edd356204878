"""`shotline setup-ai` for real: the CPU build of torch into a new environment, verified through the engine.

On this kind of machine the only torch that may be installed is the local
CPU build (torch==2.13.0 from a folder of wheels), given with --torch-index
as a user would name a mirror; everything else comes from the package
registry, as for users. The set-up runs once for the module (minutes), then
the tests look at what it left, break it and repair it, and remove it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from editor.engine_command import engine_command
from engine.cli.main import main as cli_main
from engine.setup_ai import record as records
from engine.setup_ai.installer import find_uv

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def local_torch_wheels() -> Path | None:
    """The folder holding this machine's torch 2.13.0 CPU wheel (pip's find-links here), if any."""
    for folder in [*os.environ.get("PIP_FIND_LINKS", "").split(), "/opt/wheels"]:
        if folder and any(Path(folder).glob("torch-2.13.0*cpu*.whl")):
            return Path(folder)
    return None


WHEELS = local_torch_wheels()
needs_wheel = pytest.mark.skipif(WHEELS is None, reason="no local torch 2.13.0 CPU wheel on this machine")


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOTLINE_DATA_DIR", str(folder))
        yield folder


@pytest.fixture(scope="module")
def set_up(data: Path) -> tuple[int, str, float]:
    """`shotline setup-ai --gpu none --torch-index WHEELS`, its output and how long it took."""
    import contextlib
    import io

    out = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(out):
        status = cli_main(["setup-ai", "--gpu", "none", "--torch-index", str(WHEELS)])
    took = time.monotonic() - started
    print(f"\nsetup-ai took {took:.0f} s")
    return status, out.getvalue(), took


def ask_engine(python: Path) -> dict:
    """The `initialize` answer of `python -m engine`, over JSON-RPC as the editor asks it."""
    request = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}) + "\n"
    done = subprocess.run(
        [str(python), "-m", "engine"],
        input=request,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=python.parent,
    )
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return next(m["result"] for m in messages if m.get("id") == 1)


@needs_wheel
def test_setup_ai_installs_the_cpu_build_verifies_it_and_points_the_editor_at_it(set_up, data: Path) -> None:
    status, out, _took = set_up
    assert status == 0, out
    steps = [line for line in out.splitlines() if line.startswith("[")]
    assert steps == [
        "[1/6] create the environment",
        "[2/6] install torch==2.13.0 (cpu)",
        "[3/6] install Shotline's AI packages",
        "[4/6] check what imports",
        "[5/6] start the engine from it",
        "[6/6] run a tiny model through the engine",
    ]
    assert f"with:    uv ({find_uv()})" in out
    assert out.splitlines()[-1].startswith("The AI engine is set up: torch 2.13.0+cpu (cpu)")

    made = records.read_record()
    python = records.python_of(data / "ai-engine" / "env")
    assert made is not None and Path(made.python) == python and made.torch == "2.13.0+cpu"
    assert engine_command() == [str(python), "-m", "engine"]  # the editor's next engine is this one

    log = (data / "ai-engine" / "setup.log").read_text()
    assert f"--find-links {WHEELS}" in log  # torch came from the local CPU wheel, not the registry
    assert "--backend wan --model" in log and "the engine rendered" in log  # the tiny model ran through it

    answer = ask_engine(python)  # the engine in that environment, asked directly
    assert answer["versions"]["torch"] == "2.13.0+cpu" and "diffusers" in answer["versions"]


@needs_wheel
def test_repair_reinstalls_a_package_that_went_missing(set_up, data: Path, capsys) -> None:
    python = records.python_of(data / "ai-engine" / "env")
    subprocess.run([str(find_uv()), "pip", "uninstall", "--python", str(python), "diffusers"], check=True,
                   capture_output=True)  # fmt: skip
    broken = subprocess.run([str(python), "-c", "import diffusers"], capture_output=True)
    assert broken.returncode != 0

    assert cli_main(["setup-ai", "--repair", "--gpu", "none", "--torch-index", str(WHEELS)]) == 0
    out = capsys.readouterr().out
    assert "[1/4] reinstall diffusers" in out and "[4/4] run a tiny model through the engine" in out
    assert subprocess.run([str(python), "-c", "import diffusers"], capture_output=True).returncode == 0


@needs_wheel
def test_reset_removes_it_and_the_editor_goes_back_to_its_own_engine(set_up, data: Path, capsys) -> None:
    assert cli_main(["setup-ai", "--reset"]) == 0
    assert capsys.readouterr().out.startswith("Removed the AI engine's environment")
    assert not (data / "ai-engine").exists() and records.read_record() is None
    assert engine_command()[1:] == ["-m", "engine"] and "ai-engine" not in engine_command()[0]


def test_a_failed_step_is_named_and_its_log_kept(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    unreachable = (tmp_path / "no-index").as_uri()  # a package index that is not there
    assert cli_main(["setup-ai", "--gpu", "none", "--torch-index", unreachable]) == 2
    err = capsys.readouterr().err
    log = tmp_path / "data" / "ai-engine" / "setup.log"
    assert err.startswith("shotline setup-ai: step 2 of 6 (install torch==2.13.0 (cpu)) failed: ")
    assert err.rstrip().endswith(f"The log is {log}") and err.count("\n") == 1
    assert f"--index-url {unreachable}" in log.read_text()
    assert records.read_record() is None  # not set up: the editor keeps its own engine
