"""Which program the editor starts as its engine process.

In order: the interpreter named in the settings (`engine/python`, for users
who keep their own AI environment); the AI engine's environment that
`shotline setup-ai` set up and verified (engine.setup_ai.record); otherwise
this program itself, as `python -m engine` from a source install or
`shotline engine` from the desktop bundle, where there is no Python to give
`-m` to and no torch: the no-download backends still work there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from editor.settings import EditorSettings
from engine.setup_ai.record import engine_python

PYTHON_KEY = "engine/python"


def engine_command(settings: EditorSettings | None = None) -> list[str]:
    chosen = str((settings or EditorSettings()).value(PYTHON_KEY, "") or "")
    if chosen and Path(chosen).is_file():
        return [chosen, "-m", "engine"]
    python = engine_python()
    if python is not None:
        return [str(python), "-m", "engine"]
    if getattr(sys, "frozen", False):
        return [sys.executable, "engine", "--foreground"]
    return [sys.executable, "-m", "engine"]
