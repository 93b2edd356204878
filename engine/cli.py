"""`shotline` subcommands that run headless: the same operations the editor uses.

Each subcommand lives in its own module and registers itself here; errors a
user can cause are `ShotlineError`s, printed as one line on stderr with exit
status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from engine.errors import ShotlineError

#: name -> (help, function adding arguments, function running the command)
Command = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
COMMANDS: dict[str, Command] = {}


def register(
    name: str,
    help_text: str,
    add_args: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], int],
) -> None:
    """Make `shotline NAME` run `run(args)`; called by each command's module on import."""
    COMMANDS[name] = (help_text, add_args, run)


def _register_builtin() -> None:
    """Import the modules that define subcommands (kept lazy so `--help` is quick)."""
    from engine import cli_commands  # noqa: F401  (registers on import)


def subcommand_names() -> list[str]:
    _register_builtin()
    return sorted(COMMANDS)


def build_parser() -> argparse.ArgumentParser:
    _register_builtin()
    parser = argparse.ArgumentParser(prog="shotline", description="Shotline, headless.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, add_args, _) in sorted(COMMANDS.items()):
        add_args(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _, _, run = COMMANDS[args.command]
    try:
        return run(args)
    except ShotlineError as error:
        print(f"shotline {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"shotline {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
