"""File > Import Screenplay…: a Fountain screenplay to scenes, placeholder shots, spoken lines, the Cast.

The file is read and parsed off the GUI thread; a malformed one is shown
in one dialog, every error with its line number, and nothing changes. Each
line of dialogue is then spoken as one engine job through the JobRunner (a
row per line in the Jobs panel, in the character's voice from the Cast, the
same jobs and cache `shotline script` uses), so the GUI never waits on a
voice. When every line has been spoken the cut is laid out at the end of
the timeline as ONE undo step ("Import Screenplay keeper.fountain"). A line
that fails holds the import back: the dialog says which, and Retry in the
Jobs panel finishes the import when it succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from editor.background import run_in_background
from editor.context import EditorContext
from editor.jobs.runner import JobRunner
from engine.errors import ShotlineError
from engine.generate.script_cut import cut_screenplay, dialogue_specs
from engine.jobs.spec import default_cache_dir
from engine.project.screenplay import Screenplay, ScriptError, read

SCREENPLAYS = "Fountain screenplays (*.fountain *.spmd *.txt);;All files (*)"


@dataclass
class _Import:
    """One screenplay waiting for its lines to be spoken."""

    path: Path
    screenplay: Screenplay
    lines: list[int]  # the line number of each cue, in the order its job was asked for
    tokens: dict[str, int] = field(default_factory=dict)  # the runner's job -> the cue's line
    spoken: dict[int, dict[str, Any]] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    landed: bool = False

    @property
    def waiting(self) -> int:
        return len(self.lines) - len(self.spoken) - len(self.failed)


class ScreenplayImport(QObject):
    def __init__(self, context: EditorContext, runner: JobRunner, window: QWidget) -> None:
        super().__init__(window)
        self._context, self._runner, self._window = context, runner, window
        self.imports: list[_Import] = []
        self.message: QMessageBox | None = None  # the last problem shown, for tests and screenshots
        context.actions.add("file.import_screenplay", "Import &Screenplay…", self.ask, "File", "", "import")
        runner.jobFailed.connect(self._line_failed)
        runner.jobCancelled.connect(lambda token: self._line_failed(token, "cancelled"))

    def ask(self) -> None:
        start = str(self._context.session.path.parent) if self._context.session.path else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self._window, "Import Screenplay", start, SCREENPLAYS)
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path) -> None:
        """Read and parse off the GUI thread, then speak the lines; the cut lands when all are spoken."""
        path = path.absolute()
        self._context.status.show(f"Reading {path.name}…")
        run_in_background(
            lambda: read(path),
            lambda screenplay: self._parsed(path, screenplay),
            lambda error: self._unreadable(path, error),
            self,
        )

    # reading ------------------------------------------------------------------------------------

    def _unreadable(self, path: Path, error: Exception) -> None:
        if isinstance(error, ScriptError) and error.problems:
            listed = "\n".join(str(p) for p in error.problems)
            self._show(f"{path.name} cannot be imported", listed, QMessageBox.Icon.Warning)
        elif isinstance(error, ShotlineError):
            self._show(f"{path.name} cannot be imported", str(error), QMessageBox.Icon.Warning)
        else:
            self._show(
                f"{path.name} cannot be imported",
                f"{type(error).__name__}: {error}",
                QMessageBox.Icon.Critical,
            )
        self._context.status.show(f"{path.name} was not imported: nothing changed")

    def _parsed(self, path: Path, screenplay: Screenplay) -> None:
        session = self._context.session
        specs = dialogue_specs(session.timeline, screenplay, default_cache_dir(session.path))
        work = _Import(path, screenplay, list(specs))
        self.imports.append(work)
        for number, line in enumerate(work.lines):
            spec = specs[line]
            token = self._runner.submit(
                spec, spec["params"]["title"], self._spoken(work, line), reveal=number == 0
            )
            work.tokens[token] = line
        if work.lines:
            self._context.status.show(
                f"Importing {path.name}: speaking {len(work.lines)} lines of dialogue…", 0
            )
        self._land_when_ready(work)

    # the lines ----------------------------------------------------------------------------------

    def _spoken(self, work: _Import, line: int):
        def on_done(result: dict[str, Any]) -> str:
            work.spoken[line] = result
            work.failed.pop(line, None)
            self._land_when_ready(work)
            return f"Line {line} of {work.path.name} spoken"

        return on_done

    def _line_failed(self, token: str, message: str) -> None:
        for work in self.imports:
            if token in work.tokens and not work.landed:
                work.failed[work.tokens[token]] = message
                self._land_when_ready(work)

    def _land_when_ready(self, work: _Import) -> None:
        if work.landed or work.waiting:
            return
        if work.failed:
            listed = "\n".join(f"line {line}: {why}" for line, why in sorted(work.failed.items()))
            self._show(
                f"{len(work.failed)} line(s) of {work.path.name} could not be spoken",
                f"{listed}\n\nNothing was imported yet. Retry those jobs in the Jobs panel and the import "
                "finishes when they are spoken.",
                QMessageBox.Icon.Warning,
            )
            return
        work.landed = True
        self.imports.remove(work)
        change = self._context.session.apply(cut_screenplay, work.screenplay, work.spoken, work.path.name)
        if change is None:
            return  # refused (a locked track): the session said why in the status bar
        scenes, shots = len(work.screenplay.scenes), len(change.result)
        text = f"{work.path.name}: {scenes} scenes, {shots} shots, {len(work.lines)} lines of dialogue"
        warnings = work.screenplay.warnings
        if warnings:
            text += " · " + "; ".join(str(w) for w in warnings)
        self._context.status.show(text, 0)

    def _show(self, text: str, details: str, icon: QMessageBox.Icon) -> None:
        """One dialog (not modal to the app: the import's jobs keep running behind it)."""
        if self.message is not None:
            self.message.close()
        box = QMessageBox(icon, "Import Screenplay", text, QMessageBox.StandardButton.Ok, self._window)
        box.setObjectName("screenplay-problems")
        box.setInformativeText(details)
        # each problem on one line where it fits
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 440px; }")
        self.message = box
        box.open()
