"""Whether the editor has a screen to open on, asked before Qt is.

Without a usable display Qt does not fail politely: it prints "Could not
load the Qt platform plugin" and aborts the process (exit 134), which on a
render box, over SSH or in a container reads as a crash. The usual causes
are checked here first, so the launcher can say what is wrong in one line:
no DISPLAY or WAYLAND_DISPLAY at all, or one that names a server that is
not there. Other platforms (Windows, macOS) and platforms Qt renders
without a server (offscreen, minimal, vnc, eglfs...) are not checked.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

#: Qt platform plugins that need a display server; any other is taken to work as it is.
SERVER_PLATFORMS = ("xcb", "wayland", "wayland-egl")


def display_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why the editor cannot open a window here (one sentence), or None when it can or cannot be told."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip()
    if platform and platform not in SERVER_PLATFORMS:
        return None
    x11, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if not x11 and not wayland:
        return "there is no display to open the editor on (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    wants_x11 = platform == "xcb" or (not platform and not wayland)
    if wayland and not wants_x11 and _wayland_reachable(wayland, env):
        return None
    if x11 and _x11_reachable(x11):
        return None
    if wayland and not wants_x11:
        return f"the Wayland display {wayland} is not running"
    return f"the display {x11 or '(unset)'} is not running or cannot be reached"


def _wayland_reachable(name: str, env: Mapping[str, str]) -> bool:
    path = Path(name) if name.startswith("/") else Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / name
    return path.exists()


def _x11_reachable(display: str) -> bool:
    """Whether an X server answers at `display` ("host:N.S", ":N", or a unix socket path)."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return True  # a form this check does not know (launchd sockets and the like): let Qt try
    if host in ("", "unix") or host.startswith("/"):
        sockets = [f"/tmp/.X11-unix/X{number}", f"\0/tmp/.X11-unix/X{number}"]  # file, or abstract name
        for address in sockets:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.settimeout(2)
                try:
                    probe.connect(address)
                    return True
                except OSError:
                    continue
        return False
    try:
        with socket.create_connection((host, 6000 + int(number)), timeout=2):
            return True
    except OSError:
        return False
