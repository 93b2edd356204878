"""The `shotline` console script: headless subcommands, or the editor window.

`shotline export ...`, `shotline probe ...` and the other subcommands run the
engine's command line without importing Qt; anything else (nothing, or a
project path) opens the editor. Qt is imported only on that second path so
headless use on a render box needs no display. A word that is neither a
command nor an existing file is a typo, not a project: it gets the list of
commands. Without a usable display the editor says so in one line instead
of letting Qt abort the process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from engine.errors import one_line


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from engine.cli.main import subcommand_names

    if args and (args[0] in subcommand_names() or args[0] in ("-h", "--help", "--version")):
        from engine.cli.main import main as cli_main

        return cli_main(args)
    if args and not args[0].startswith("-") and not os.path.lexists(args[0]):
        commands = ", ".join(subcommand_names())
        print(
            f"shotline: unknown command or file {one_line(args[0])!r}; the commands are {commands} "
            "(shotline -h for help), and a project to open must be an existing file",
            file=sys.stderr,
        )
        return 2
    from editor.display import display_problem

    problem = display_problem()
    if problem is not None:
        print(
            f"shotline: cannot open the editor: {problem}; the commands (shotline -h) run without one",
            file=sys.stderr,
        )
        return 2
    from editor.app import run_editor

    return run_editor(args)


if __name__ == "__main__":
    sys.exit(main())
