"""The `shotline` console script: headless subcommands, or the editor window.

`shotline export ...`, `shotline probe ...` and the other subcommands run the
engine's command line without importing Qt; anything else (nothing, or a
project path) opens the editor. Qt is imported only on that second path so
headless use on a render box needs no display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from engine.cli.main import subcommand_names

    if args and (args[0] in subcommand_names() or args[0] in ("-h", "--help", "--version")):
        from engine.cli.main import main as cli_main

        return cli_main(args)
    from editor.app import run_editor

    return run_editor(args)


if __name__ == "__main__":
    sys.exit(main())
