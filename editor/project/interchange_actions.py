"""File > Import Timeline…, Export Timeline…, Relink Media… and Save Bundle…: a cut to and from
Premiere, Resolve, Avid, Final Cut and Kdenlive, and a project handed on whole.

The formats are the engine's (`engine.interchange`); this module asks where,
runs the work off the GUI thread behind a progress dialog (`busy`), and says
what happened in words. Import Timeline adds the other editor's tracks to
the open project (`engine.interchange.merge`), as Premiere and Resolve
import a sequence into the project that is open; File > Open reads the same
files as a project of their own. Relink searches a copy of the timeline and
applies what it found as one undo step, then shows a report a user can read:
how many clips were relinked, which stay offline and why (a file too short
for its clip is refused, not silently accepted).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget

from editor.context import EditorContext
from editor.project import busy, interchange_prompts, timeline_open
from editor.project.interchange_dialogs import Report, ReportDialog
from engine.errors import ExportError, ShotlineError
from engine.interchange import bundle, finishing, merge
from engine.interchange.finishing import Exported
from engine.interchange.relink import RelinkReport, missing_references, relink_folder, take_relinks
from engine.project import foreign
from engine.project.times import timecode


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _size(count: int) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _reason(error: Exception) -> str:
    """One line for any failure: the engine's own message, or what an unexpected error says."""
    if isinstance(error, ShotlineError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror} ({error.filename})" if error.filename else error.strerror
    return f"{type(error).__name__}: {error}"


class TimelineInterchange(QObject):
    def __init__(self, context: EditorContext, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._window = context, window
        self.report: ReportDialog | None = None  # the last report shown, kept so it stays open
        actions = context.actions
        actions.add("file.import_timeline", "Import &Timeline…", self.ask_import, "File", "", "import")
        actions.add("file.relink", "&Relink Media…", self.ask_relink, "File", "", "import")
        actions.add("file.export_timeline", "Export T&imeline…", self.ask_export, "File", "", "export")
        actions.add("file.save_bundle", "Save &Bundle…", self.ask_bundle, "File", "", "export")

    # Import Timeline ------------------------------------------------------------------

    def ask_import(self) -> None:
        path = interchange_prompts.ask_import_path(self._window, str(self._folder()))
        if path is not None:
            self.import_timeline(path)

    def import_timeline(self, path: Path) -> list[str] | None:
        """Add the timeline in `path` on tracks of its own at the playhead; the tracks it filled."""
        session, title = self._context.session, "Cannot import timeline"
        loaded = timeline_open.read_timeline(self._window, Path(path).absolute(), session.rate, title)
        if loaded is None:
            return None
        at = self._context.playhead.frame
        try:
            merge.check_importable(session.timeline, loaded.timeline, at)
        except ShotlineError as error:
            QMessageBox.warning(self._window, title, str(error))
            return None
        change = session.apply(merge.add_timeline, loaded.timeline, at)
        if change is None:
            return None
        filled = list(change.result)
        where = timecode(at, session.rate)
        left = foreign.kept_track_names(loaded.timeline)
        also = f"; its data tracks ({', '.join(left)}) were left out" if left else ""
        onto = ", ".join(filled)
        self._context.status.show(f"Imported {loaded.timeline.name} onto {onto} at {where}{also}")
        timeline_open.report_offline(self._window, loaded.offline)
        return filled

    # Export Timeline -------------------------------------------------------------------

    def ask_export(self) -> None:
        suggested = self._folder() / f"{self._name()}.xml"
        path = interchange_prompts.ask_export_path(self._window, str(suggested))
        if path is not None:
            self.export_timeline(path)

    def export_timeline(self, path: Path) -> Exported | None:
        """Write the cut for another editor; says what the format could not carry, or why it failed
        (and then no file, not even part of one, is left)."""
        copy = self._context.session.timeline.clone()  # the worker reads a copy, never the live document
        try:
            result = busy.run_modal(
                self._window,
                "Export Timeline",
                f"Writing {path.name}…",
                lambda _progress: finishing.export_timeline(copy, path),
            )
        except Exception as error:
            QMessageBox.warning(self._window, "Export failed", _reason(error))
            return None
        names = ", ".join(p.name for p in result.paths)
        self._context.status.show(f"Exported {names}" + (f" ({result.warning})" if result.warning else ""))
        text = f"Wrote {names} in {result.paths[0].parent}."
        if result.warning:
            QMessageBox.warning(self._window, "Timeline exported", f"{text}\n\n{result.warning}")
        else:
            QMessageBox.information(self._window, "Timeline exported", text)
        return result

    # Relink Media ----------------------------------------------------------------------

    def ask_relink(self) -> None:
        session, settings = self._context.session, self._context.settings
        offline = {id(m.clip) for m in missing_references(session.timeline)}
        if not offline:
            text = "No clip is offline: every media file is where the project says."
            QMessageBox.information(self._window, "Relink Media", text)
            return
        folder = Path(settings.value("relink/folder", "") or self._folder())
        recursive = str(settings.value("relink/recursive", "true")).lower() == "true"
        answer = interchange_prompts.ask_relink(self._window, len(offline), folder, recursive)
        if answer is not None:
            settings.set_value("relink/folder", str(answer[0]))
            settings.set_value("relink/recursive", "true" if answer[1] else "false")
            self.relink(*answer)

    def relink(self, folder: Path, recursive: bool) -> RelinkReport | None:
        """Search `folder` for the offline media; what was found becomes one undo step."""
        session = self._context.session
        copy = session.timeline.clone()
        try:
            change, found = busy.run_modal(
                self._window,
                "Relink Media",
                f"Searching {folder} for offline media…",
                lambda _progress: relink_folder(copy, folder, recursive),
            )
        except Exception as error:
            QMessageBox.warning(self._window, "Cannot relink media", _reason(error))
            return None
        if change is not None and session.apply(take_relinks, copy) is None:
            return None  # the document changed meanwhile: the status bar says so
        self.show_report(relink_report(found, folder))
        relinked = len(found.relinked)
        self._context.status.show(
            f"Relinked {_plural(relinked, 'clip')}; {len(found.offline)} still offline", 0
        )
        return found

    def show_report(self, report: Report) -> ReportDialog:
        if self.report is not None:
            self.report.close()
            self.report.deleteLater()
        self.report = ReportDialog(report, self._window)
        self.report.show()
        return self.report

    # Save Bundle ------------------------------------------------------------------------

    def ask_bundle(self) -> None:
        suggested = self._folder() / f"{self._name()}.otioz"
        path = interchange_prompts.ask_bundle_path(self._window, str(suggested))
        if path is not None:
            self.save_bundle(path)

    def save_bundle(self, path: Path) -> Path | None:
        """The project and every media file it uses, every take included, in one .otioz."""
        copy = self._context.session.timeline.clone()
        foreign.restore_tracks(copy)  # data tracks set aside on opening go back where they were
        path = Path(path).absolute()
        try:
            if path.exists() and not path.is_file():
                raise ExportError(f"{path} is not a file; Shotline will not replace it")
            if not path.parent.is_dir():
                raise ExportError(f"Cannot write {path.name}: the folder {path.parent} does not exist")
            busy.run_modal(
                self._window,
                "Save Bundle",
                f"Copying the project and its media into {path.name}…",
                lambda progress: bundle.write_bundle(copy, path, progress.report),
                cancellable=True,
            )
        except busy.Cancelled:
            self._context.status.show(f"Bundle cancelled: {path.name} was not written")
            return None
        except Exception as error:
            QMessageBox.warning(self._window, "Cannot save bundle", _reason(error))
            return None
        with zipfile.ZipFile(path) as archive:
            media = sum(1 for n in archive.namelist() if n.startswith(f"{bundle.MEDIA}/"))
        size = _size(path.stat().st_size)
        self._context.status.show(f"Saved {path.name}: the project and {_plural(media, 'media file')}")
        QMessageBox.information(
            self._window,
            "Bundle saved",
            f"{path.name} ({size}) holds the project and {_plural(media, 'media file')}, "
            "every take included.\n\nOpening it in Shotline (File > Open) unpacks it into a folder "
            "next to it, with its media already linked.",
        )
        return path

    # ------------------------------------------------------------------------------------

    def _name(self) -> str:
        session = self._context.session
        return session.path.stem if session.path else (session.timeline.name or "Untitled")

    def _folder(self) -> Path:
        session = self._context.session
        if session.path is not None:
            return session.path.parent
        recent = self._context.settings.recent_projects()
        return recent[0].parent if recent else Path.home()


def relink_report(found: RelinkReport, folder: Path) -> Report:
    relinked, offline = len(found.relinked), len(found.offline)
    headline = f"Relinked {_plural(relinked, 'clip')} from {folder}."
    if offline:
        headline += f" {_plural(offline, 'clip')} {'is' if offline == 1 else 'are'} still offline."
    elif relinked:
        headline += " Every clip is online."
    return Report(
        "Relink Media",
        headline,
        [
            ("Still offline", found.offline),
            ("Relinked, but different", found.notes),
            ("Relinked", [f"{clip} → {path}" for clip, path in found.relinked]),
        ],
    )
