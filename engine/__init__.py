"""Shotline's engine: everything that is not a widget.

The engine never imports Qt. It runs inside the editor process (the document
and its edits), as a headless command line (`shotline export`, `probe`,
`generate`) and as the background generation process the editor talks to.
"""

__version__ = "0.1.0"
