"""Reading any timeline Shotline opens (its own .otio, a bundle, EDL, FCP 7 XML, FCPXML, AAF, Kdenlive)
for File > Open and File > Import Timeline, asking what the file does not say.

Everything goes through the engine's one door, `open_timeline`, off the GUI
thread (an AAF or a bundle of media takes a while). An EDL records no frame
rate, so its rate is asked; a file with several timelines gets a list to
choose from; a file Shotline cannot read gets one line saying why. Offline
media, files that are not there and clips that name no file at all, are
listed afterwards as they always were, with the way to find them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from editor.project import busy, interchange_prompts
from engine.errors import ShotlineError
from engine.interchange.adopt import SeveralTimelines
from engine.interchange.formats import format_for
from engine.interchange.opening import open_timeline
from engine.project.persistence import LoadedProject

#: Formats that are Shotline projects already: opened, they are saved back where they came from.
NATIVE = (".otio", ".otioz", ".otiod")
SHOWN_OFFLINE = 12


def is_foreign(path: Path) -> bool:
    """A file another editor wrote: Save must not write OTIO JSON over it."""
    return path.suffix.lower() not in NATIVE


def read_timeline(
    window: QWidget, path: Path, default_rate: float, title: str = "Cannot open project"
) -> LoadedProject | None:
    """The timeline in `path` made editable, or None when the user cancelled or it cannot be read
    (then a message has said why)."""
    try:
        fmt = format_for(path)
    except ShotlineError as error:
        QMessageBox.warning(window, title, str(error))
        return None
    rate = None
    if fmt.suffix == ".edl":
        rate = interchange_prompts.ask_edl_rate(window, path.name, default_rate)
        if rate is None:
            return None
    chosen: str | None = None
    while True:
        try:
            return busy.run_modal(
                window,
                "Opening",
                f"Reading {path.name}…",
                lambda _progress, wanted=chosen: open_timeline(path, rate, wanted),
            )
        except SeveralTimelines as several:
            index = interchange_prompts.ask_timeline(window, path.name, several.names)
            if index is None:
                return None
            chosen = str(index + 1)
        except ShotlineError as error:
            QMessageBox.warning(window, title, str(error))
            return None
        except Exception as error:  # an adapter's own failure the engine did not name: still one line
            reason = f"{type(error).__name__}: {error}"
            QMessageBox.warning(window, title, f"{path.name} could not be read ({reason})")
            return None


def report_offline(window: QWidget, offline: list[tuple[str, str]]) -> None:
    """The clips whose media are missing: a file that is not there, or no file at all (EDL, AAF)."""
    if not offline:
        return
    names = "\n".join(f"• {name}: {media}" for name, media in offline[:SHOWN_OFFLINE])
    more = f"\n…and {len(offline) - SHOWN_OFFLINE} more" if len(offline) > SHOWN_OFFLINE else ""
    QMessageBox.information(
        window,
        "Offline media",
        f"These media files are missing and show as offline:\n{names}{more}\n\n"
        "File > Relink Media… finds them in a folder.",
    )
