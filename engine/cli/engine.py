"""`shotline engine`: the background engine, on stdin/stdout (JSON-RPC 2.0).

By default it relays to the user's engine daemon (starting it), so jobs
outlive a dropped SSH connection: that is what `ssh HOST shotline engine`
runs. `--foreground` serves on stdin/stdout itself, as the editor's local
engine does; `--daemon` is the daemon; `--stop` stops it.
"""

from __future__ import annotations

import argparse


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.epilog = "Speaks JSON-RPC 2.0, one message per line: initialize, submit, cancel, status, shutdown."
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--foreground", action="store_true", help="serve on stdin/stdout; jobs end when its input closes"
    )
    mode.add_argument("--daemon", action="store_true", help="run the per-user engine daemon itself")
    mode.add_argument("--stop", action="store_true", help="stop the engine daemon and its jobs")


def run(args: argparse.Namespace) -> int:
    if args.foreground:
        from engine.server.server import serve

        return serve()
    if args.daemon:
        from engine.server.daemon import run_daemon

        return run_daemon()
    from engine.server.relay import relay, stop_daemon

    return stop_daemon() if args.stop else relay()
