"""`shotline engine`: run the background engine on stdin/stdout (what the editor starts)."""

from __future__ import annotations

import argparse


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Speaks JSON-RPC 2.0, one message per line: initialize, submit, cancel, status, shutdown."


def run(args: argparse.Namespace) -> int:
    from engine.server.server import serve

    return serve()
