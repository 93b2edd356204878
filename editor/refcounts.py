"""Keeps a PySide6 reference-count slip from aborting the editor on Python 3.11.

PySide6 6.12 hands None, True and False back from Qt calls without taking a
reference for them (harmless on Python 3.12+, where those objects are
immortal). On 3.11 every void Qt call (`update()`, `setText()`, a timer's
`start()`) and every `Signal.emit()` gives up a reference it never took, and
after some thousands of calls (a minute of playback) the interpreter aborts
with "deallocating None". Raising the three singletons' counts beyond reach
makes them immortal as 3.12 does; they are never freed anyway, so nothing
else changes, and on an unaffected PySide6 the extra count is simply unused.
"""

from __future__ import annotations

import ctypes
import sys

IMMORTAL = 1 << 40


def make_singletons_immortal() -> None:
    if sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += IMMORTAL
