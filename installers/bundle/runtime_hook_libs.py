"""PyInstaller runtime hook: let ctypes find the sound libraries shipped inside the bundle.

sounddevice asks `ctypes.util.find_library("portaudio")` and pyfluidsynth
asks for "fluidsynth"; on Linux that searches the system's linker cache
only, so a machine without libportaudio2/libfluidsynth3 would have no sound
although the bundle carries both. Names the bundle holds are answered with
the bundled file; everything else is asked of the system as before. Where
neither has the library, the callers' own no-sound fallbacks apply.
"""

import ctypes.util
import glob
import os
import sys

_BUNDLED = {"portaudio": "libportaudio.so*", "fluidsynth": "libfluidsynth.so*"}
_system_find_library = ctypes.util.find_library


def _find_library(name):
    pattern = _BUNDLED.get(name)
    if pattern is not None:
        found = sorted(glob.glob(os.path.join(sys._MEIPASS, pattern)))
        if found:
            return found[0]
    return _system_find_library(name)


if sys.platform.startswith("linux"):
    ctypes.util.find_library = _find_library
