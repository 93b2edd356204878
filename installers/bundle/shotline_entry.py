"""The frozen bundle's entry point: the same `shotline` console script as a source install."""

import sys

from editor.launch import main

if __name__ == "__main__":
    sys.exit(main())
