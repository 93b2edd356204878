"""Where the editor's generation jobs run: here (Local), or on a remote engine (Settings > Engines).

The editor always starts its own engine process: exports read the project's
media on this machine, and it is the engine that hashes inputs and moves
them over the wire off the GUI thread. With Remote chosen, that engine is
told in `initialize` to send its generation jobs to the engine the command
starts (by default `ssh HOST shotline engine`, so SSH does the
authentication and encryption and Shotline opens no port); the answer says
whether that engine was reached, and if not, why, in one line.
"""

from __future__ import annotations

from typing import Any

from editor.settings import EditorSettings

WHERE_KEY = "engine/where"  # "local" or "remote"
COMMAND_KEY = "engine/remote_command"
DEFAULT_COMMAND = "ssh HOST shotline engine"


def remote_command(settings: EditorSettings | None = None) -> str | None:
    """The remote engine's command when Remote is chosen, else None."""
    settings = settings or EditorSettings()
    if str(settings.value(WHERE_KEY, "local") or "local") != "remote":
        return None
    return str(settings.value(COMMAND_KEY, DEFAULT_COMMAND) or "").strip() or None


def initialize_params(settings: EditorSettings | None = None) -> dict[str, Any]:
    command = remote_command(settings)
    return {"remote": command} if command else {}


def remote_problem(info: dict[str, Any]) -> str | None:
    """Why the remote engine asked for is not used (unreachable, another version), or None."""
    remote = info.get("remote")
    if isinstance(remote, dict) and remote.get("error") and remote.get("retrying"):
        wait = float(remote.get("wait") or 0)
        return (
            f"{remote['error']}. Trying it again; a generation job waits up to {wait:g} s for it "
            '("waiting for …" in its progress), then runs on this machine.'
        )
    if isinstance(remote, dict) and remote.get("error"):
        return f"{remote['error']}. Generation runs on this machine until that is fixed (Settings > Engines)."
    return None
