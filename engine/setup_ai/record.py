"""Where the AI engine's environment lives, and the note that says it was set up and verified.

Everything is in one folder of the user's data folder (engine.paths), so
Reset is removing that folder: `ai-engine/env` the environment,
`ai-engine/setup.json` the record, `ai-engine/setup.log` the last run's log.
The editor reads the record (`engine_python`) to start its engine with the
environment's Python; a missing or unreadable record means "not set up".
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.atomic import write_atomically
from engine.paths import data_dir

FOLDER = "ai-engine"


def home() -> Path:
    return data_dir() / FOLDER


def env_dir(base: Path | None = None) -> Path:
    return (base or home()) / "env"


def log_file(base: Path | None = None) -> Path:
    return (base or home()) / "setup.log"


def record_file(base: Path | None = None) -> Path:
    return (base or home()) / "setup.json"


def python_of(env: Path) -> Path:
    """An environment's interpreter: bin/python, or Scripts\\python.exe on Windows."""
    return env / "Scripts" / "python.exe" if sys.platform == "win32" else env / "bin" / "python"


@dataclass(frozen=True)
class Record:
    python: str  # the environment's interpreter, which runs `-m engine`
    torch: str  # the installed torch version, e.g. "2.13.0+cu128"
    device: str  # "cuda", "rocm", "mps" or "cpu": what the build was chosen for
    variant: str  # "cu128", "cpu", … ("" for the registry's default wheel)
    shotline: str  # the Shotline version the environment was set up for
    verified: str  # when a tiny pipeline last ran through the engine from it (ISO 8601)


def write_record(record: Record, base: Path | None = None) -> None:
    target = record_file(base)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, json.dumps(asdict(record), indent=2).encode())


def read_record(base: Path | None = None) -> Record | None:
    """The record, or None when there is none or it cannot be read (then: not set up)."""
    try:
        data = json.loads(record_file(base).read_text(encoding="utf-8"))
        return Record(**{name: str(data[name]) for name in Record.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def engine_python(base: Path | None = None) -> Path | None:
    """The Python the editor starts its engine with, when the AI engine is set up and still there."""
    record = read_record(base)
    if record is None:
        return None
    python = Path(record.python)
    return python if python.is_file() else None
