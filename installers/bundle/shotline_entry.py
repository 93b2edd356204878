"""The frozen bundle's entry point: the same `shotline` console script as a source install."""

import multiprocessing
import sys

from editor.launch import main

if __name__ == "__main__":
    # proxies are made in a spawned worker process (engine/media/proxy_maker.py): in a frozen
    # bundle that process starts this executable again, which must run the worker, not an editor
    multiprocessing.freeze_support()
    sys.exit(main())
