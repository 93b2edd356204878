"""Opening any timeline file Shotline reads as a project it can edit: the one door for every format.

An ``.otio`` file is opened as a project (`persistence.load`). Another
editor's file is read by its adapter, the timeline chosen, adopted
(`engine.interchange.adopt`), and then opened through the very same
`persistence.load` from a temporary copy, so it passes the same checks and
its offline media (missing files, and clips that name no file) are listed
the same way. A bundle is unpacked next to itself first (`bundle`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.interchange import adopt, bundle
from engine.interchange.formats import format_for, read
from engine.project import persistence
from engine.project.persistence import LoadedProject


def open_timeline(
    path: str | os.PathLike[str], rate: float | None = None, timeline: str | None = None
) -> LoadedProject:
    """The project in `path`, whatever its format; `timeline` picks one of several (name or number)."""
    source = Path(path).absolute()
    fmt = format_for(source)
    if fmt.suffix == ".otio":
        loaded = persistence.load(source)
    elif fmt.suffix == ".otioz":
        loaded = bundle.open_bundle(source)
    elif fmt.suffix == ".otiod":
        loaded = persistence.load(source / "content.otio")
    else:
        chosen = adopt.choose_timeline(read(source, fmt, rate), source.name, timeline)
        adopt.adopt(chosen, source, fmt, rate)
        with tempfile.TemporaryDirectory(prefix=".shotline-import-") as scratch:
            copy = Path(scratch) / f"{source.stem}.otio"
            persistence.save(chosen, copy)
            loaded = persistence.load(copy)
        loaded.path = source
        return loaded
    if "width" not in loaded.timeline.metadata.get("shotline", {}):  # an OTIO file another tool wrote
        adopt.adopt(loaded.timeline, loaded.path, fmt, rate)
    return loaded
