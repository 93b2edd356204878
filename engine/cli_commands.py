"""Imports every module that registers a `shotline` subcommand."""

from engine import project_cli  # noqa: F401
from engine.export import export_cli  # noqa: F401
from engine.generate import generate_cli  # noqa: F401
from engine.media import probe_cli  # noqa: F401
from engine.server import server_cli  # noqa: F401
