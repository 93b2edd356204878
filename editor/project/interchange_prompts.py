"""The questions timeline interchange asks, one function each, so a test answers them by replacing one.

The file filters come from the engine's table of formats (`engine.interchange.formats`),
so the dialogs offer exactly what Shotline reads and writes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QWidget

from editor.project.interchange_dialogs import RelinkDialog, TimelineChoice
from engine.interchange.formats import FORMATS

#: Every file that opens as a timeline (an .otiod bundle is a folder: its content.otio opens).
READABLE = [f for f in FORMATS.values() if f.suffix != ".otiod"]
#: The formats an export for another editor offers, the ones editors ask for first.
EXPORT_ORDER = (".xml", ".fcpxml", ".edl", ".aaf", ".kdenlive", ".otio", ".otioz")
#: An EDL records no frame rate: the rates offered, the common ones first.
EDL_RATES = ("23.976", "24", "25", "29.97", "30", "48", "50", "59.94", "60")


def _filter(label: str, suffix: str) -> str:
    return f"{label} (*{suffix})"


def open_filter() -> str:
    every = " ".join(f"*{f.suffix}" for f in READABLE)
    return ";;".join(
        [f"Timelines ({every})", "Shotline project (*.otio)"]
        + [_filter(f.label, f.suffix) for f in READABLE if f.suffix != ".otio"]
    )


def export_filter() -> str:
    return ";;".join(_filter(FORMATS[s].label, s) for s in EXPORT_ORDER)


def ask_import_path(parent: QWidget, folder: str) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import timeline", folder, open_filter())
    return Path(path) if path else None


def ask_export_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to write, in the format its extension names; the chosen filter's when the name has none."""
    path, chosen = QFileDialog.getSaveFileName(parent, "Export timeline", suggested, export_filter())
    if not path:
        return None
    return with_suffix(Path(path), chosen)


def ask_bundle_path(parent: QWidget, suggested: str) -> Path | None:
    path, chosen = QFileDialog.getSaveFileName(
        parent, "Save bundle", suggested, _filter(FORMATS[".otioz"].label, ".otioz")
    )
    return with_suffix(Path(path), chosen) if path else None


def with_suffix(path: Path, chosen_filter: str) -> Path:
    """`path` as typed, or with the chosen filter's extension when it names no format."""
    if path.suffix.lower() in FORMATS:
        return path
    for suffix in EXPORT_ORDER:
        if f"(*{suffix})" in chosen_filter:
            return path.with_name(path.name + suffix)
    return path


def ask_timeline(parent: QWidget, file_name: str, names: list[str]) -> int | None:
    """Which of several timelines to open (0-based), or None for Cancel."""
    dialog = TimelineChoice(file_name, names, parent)
    return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_edl_rate(parent: QWidget, file_name: str, default: float) -> float | None:
    """An EDL's frame rate, which the file does not record."""
    labels = list(EDL_RATES)
    near = min(range(len(labels)), key=lambda i: abs(float(labels[i]) - default))
    choice, ok = QInputDialog.getItem(
        parent,
        "EDL frame rate",
        f"{file_name} does not say its frame rate. Its timecodes count frames at:",
        [f"{label} fps" for label in labels],
        near,
        False,
    )
    if not ok:
        return None
    text = choice.split()[0]
    return {"23.976": 24000 / 1001, "29.97": 30000 / 1001, "59.94": 60000 / 1001}.get(text, float(text))


def ask_relink(parent: QWidget, offline: int, folder: Path, recursive: bool) -> tuple[Path, bool] | None:
    """The folder to search for offline media and whether to search its subfolders."""
    dialog = RelinkDialog(offline, folder, recursive, parent)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None
