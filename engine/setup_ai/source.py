"""Which Shotline the AI engine's environment installs: the same code as the running one.

From a source checkout that is the checkout; from the desktop bundle it is
the copy of the sources the bundle carries (`shotline-src`, see
installers/bundle/shotline.spec). Either is installed editable, so the engine
in that environment always runs the code of the editor that started it,
including the presets in resources/, and an updated bundle updates it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.errors import ShotlineError


def frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def shotline_source() -> Path:
    if frozen():
        folder = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "shotline-src"
    else:
        folder = Path(__file__).resolve().parents[2]
    project = folder / "pyproject.toml"
    if not project.is_file() or 'name = "shotline"' not in project.read_text(encoding="utf-8"):
        raise ShotlineError(
            f"Shotline's sources are not at {folder}, so the AI engine cannot be installed from them: "
            "reinstall Shotline"
        )
    return folder
