"""`shotline engine`: run the background engine on stdin/stdout (what the editor starts)."""

from __future__ import annotations

import argparse

from engine.cli import register


def _add_args(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Speaks JSON-RPC 2.0, one message per line: initialize, submit, cancel, status, shutdown."


def _run(args: argparse.Namespace) -> int:
    from engine.server.server import serve

    return serve()


register("engine", "run the background engine process on stdin/stdout (JSON-RPC 2.0)", _add_args, _run)
