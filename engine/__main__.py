"""`python -m engine` runs the engine process; `python -m engine SUBCOMMAND ...` the command line."""

import sys

if len(sys.argv) > 1:
    from engine.cli.main import main

    sys.exit(main())

from engine.server.server import serve

sys.exit(serve())
