"""Shotline's editor: PySide6 views and controllers over the engine's document.

The editor never imports torch or diffusers; generation runs in the engine
process, so the window opens fast and survives any crash of a model.
"""

from editor.refcounts import make_singletons_immortal

make_singletons_immortal()
