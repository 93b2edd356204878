"""Where `generate` and `generate-all` run their jobs: here, on a Ray farm, or on a remote engine."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.errors import GenerateError


def add_engine_command(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine-command",
        metavar="COMMAND",
        help='run the jobs on the engine this command starts, e.g. "ssh gpu-box shotline engine"; '
        "inputs are sent by content hash, results fetched into the local cache",
    )


def chosen_executor(args: argparse.Namespace) -> Any:
    """The farm's or the remote engine's executor, or None for this process."""
    if args.farm and args.engine_command:
        raise GenerateError("Give --farm or --engine-command, not both")
    if args.farm:
        from engine.farm.executor import FarmExecutor

        return FarmExecutor(args.farm)
    if args.engine_command:
        from engine.remote.executor import RemoteExecutor

        return RemoteExecutor(args.engine_command)
    return None


def said_traffic(executor: Any) -> None:
    """A remote engine's line of what crossed the wire, and its connection ended (its jobs are done)."""
    if executor is not None and hasattr(executor, "traffic"):
        print(executor.traffic(), file=sys.stderr)
        executor.close()
