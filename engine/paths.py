"""Where Shotline keeps its own files: settings, recovery journals, caches, the demo project.

`SHOTLINE_DATA_DIR` overrides the platform's per-user data folder, so tests
and portable installs never touch the real one.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    override = os.environ.get("SHOTLINE_DATA_DIR")
    folder = Path(override) if override else Path(platformdirs.user_data_dir("Shotline", "Shotline"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
