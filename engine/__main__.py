"""`python -m engine ...` runs the headless command line."""

import sys

from engine.cli import main

sys.exit(main())
