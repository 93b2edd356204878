"""The farm's secret: a token every Ray process of the cluster and every client must present.

Ray's token authentication is kept on. The token is a file in the user's
data folder, readable by the user alone (0600), never in a project file,
handed to Ray through the environment (RAY_AUTH_MODE / RAY_AUTH_TOKEN_PATH)
of the processes Shotline starts. A studio running its own cluster puts its
cluster's token in the same file (or points `shotline farm up --token-file`
at it).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from engine.atomic import write_atomically
from engine.errors import ShotlineError
from engine.paths import data_dir


def token_path() -> Path:
    folder = data_dir() / "farm"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "token"


def ensure_token(path: Path | None = None) -> Path:
    """The token file, made (random, 0600) if there is none; a readable-by-others one is refused."""
    path = path or token_path()
    if not path.exists():
        write_atomically(path, secrets.token_hex(32).encode())
        path.chmod(0o600)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ShotlineError(f"The farm token {path} can be read by others (mode {mode:o}): chmod 600 it")
    if not path.read_text(encoding="utf-8").strip():
        raise ShotlineError(f"The farm token {path} is empty")
    return path


def ray_environment(path: Path | None = None) -> dict[str, str]:
    """What a Ray process (head, worker or client) needs in its environment to use the token."""
    return {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(ensure_token(path))}


def apply_to_this_process(path: Path | None = None) -> None:
    """Before `ray.init` in this process: Ray reads the token from the environment.

    Ray caches its authentication settings when it is first imported; if it
    already was (a test, a library), the cache is refreshed so the token is
    used rather than the settings of the moment of import.
    """
    os.environ.update(ray_environment(path))
    if "ray" not in sys.modules:
        return
    try:
        from ray._raylet import AuthenticationTokenLoader, Config

        Config.initialize("")
        AuthenticationTokenLoader.instance().reset_cache()
    except (ImportError, AttributeError):  # another Ray version: it reads the environment at init
        pass
