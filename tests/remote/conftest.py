"""A stand-in for `ssh gpu-box shotline engine`: the same command run here, in another data folder.

The "GPU box" is an engine daemon with a data folder of its own (its content
store, its cache), reached through `shotline engine` as a relay exactly as
SSH would run it; killing the relay process is the dropped connection.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class GpuBox:
    data: Path
    command: list[str]

    @property
    def command_line(self) -> str:
        return shlex.join(self.command)

    def stored(self) -> list[Path]:
        """The files its content store holds (inputs that were sent)."""
        folder = self.data / "content"
        return sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


@pytest.fixture
def gpu_box(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "laptop"))
    monkeypatch.chdir(ROOT)  # the engine the command runs is this checkout's
    data = tmp_path / "gpu-box"
    box = GpuBox(data, ["env", f"SHOTLINE_DATA_DIR={data}", sys.executable, "-m", "engine", "engine"])
    yield box
    subprocess.run([*box.command, "--stop"], cwd=ROOT, timeout=60, capture_output=True)
