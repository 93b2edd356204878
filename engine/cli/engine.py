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
    mode.add_argument(
        "--clean",
        type=float,
        metavar="DAYS",
        help="remove this engine's results and the inputs clients sent it, unused for DAYS days "
        "(the daemon does it by itself after 30)",
    )


def run(args: argparse.Namespace) -> int:
    if args.foreground:
        from engine.server.server import serve

        return serve()
    if args.clean is not None:
        from engine.errors import ShotlineError
        from engine.server.cleaning import clean_engine_data

        if not args.clean >= 0:
            raise ShotlineError("--clean takes a number of days, 0 or more")
        print(clean_engine_data(args.clean).line())
        return 0
    if args.daemon:
        from engine.server.daemon import run_daemon

        return run_daemon()
    from engine.server.relay import relay, stop_daemon

    return stop_daemon() if args.stop else relay()
