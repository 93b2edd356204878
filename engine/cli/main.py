"""`shotline` subcommands that run headless: the same operations the editor uses.

The table below is the whole list: a command is a name, its help, and the
module that adds its arguments and runs it (`add_args`, `run`). Modules are
imported only when the parser is built, so asking whether a word is a
command (the launcher does, at every start) imports none of them. Errors a
user can cause are `ShotlineError`s, printed as one line on stderr with
exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from engine import __version__
from engine.errors import ShotlineError, one_line

#: The exit status of a command whose reader closed the pipe, as a shell reports SIGPIPE (128 + 13).
BROKEN_PIPE = 141


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    module: str  # defines add_args(parser) and run(args) -> exit status


COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        Command(
            "engine", "run the background engine process on stdin/stdout (JSON-RPC 2.0)", "engine.cli.engine"
        ),
        Command(
            "convert",
            "Convert a timeline between formats: .otio .otioz .otiod .edl .xml .fcpxml .aaf .kdenlive.",
            "engine.cli.convert",
        ),
        Command("export", "Export a project to MP4 (H.264 + AAC), frame-exact.", "engine.cli.export"),
        Command("farm", "the generation farm on Ray: up, status, down", "engine.cli.farm"),
        Command("generate", "generate media with the engine's backends, headless", "engine.cli.generate"),
        Command(
            "generate-all",
            "Generate every placeholder or stale shot and line of a project, with its Cast.",
            "engine.cli.generate_all",
        ),
        Command(
            "info", "Describe a project: size, rate, length, tracks and offline media.", "engine.cli.project"
        ),
        Command(
            "models",
            "AI models: list the presets, plan them for a card, download one.",
            "engine.cli.models",
        ),
        Command(
            "new", "Make an empty project with a frame size, frame rate and sample rate.", "engine.cli.new"
        ),
        Command(
            "relink",
            "Relink offline media by searching a folder (name, then stem, then duration).",
            "engine.cli.relink",
        ),
        Command(
            "probe", "Describe a media file: kind, duration, size, rate, rotation, sound.", "engine.cli.probe"
        ),
        Command(
            "script",
            "Make a cut from a Fountain screenplay: scenes, shots, dialogue, Cast.",
            "engine.cli.script",
        ),
        Command("setup-ai", "Set up the AI engine's own environment for this GPU.", "engine.cli.setup_ai"),
    )
}


def subcommand_names() -> list[str]:
    return sorted(COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shotline", description="Shotline, headless.")
    parser.add_argument("--version", action="version", version=f"shotline {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, command in sorted(COMMANDS.items()):
        module = importlib.import_module(command.module)
        module.add_args(sub.add_parser(name, help=command.help, description=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its output may go to a pipe that closes early (`shotline info x | head -1`)."""
    try:
        return _run(argv)
    except BrokenPipeError:
        _drop_stdout()
        return BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    run = importlib.import_module(COMMANDS[args.command].module).run
    try:
        status = run(args)
        sys.stdout.flush()  # inside the try: a closed pipe is noticed here, not at exit
        return status
    except ShotlineError as error:
        print(f"shotline {args.command}: {one_line(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"shotline {args.command}: interrupted", file=sys.stderr)
        return 130


def _drop_stdout() -> None:
    """The reader has gone: send what is still buffered nowhere, so exit does not fail on it again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
