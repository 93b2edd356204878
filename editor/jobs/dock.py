"""The Jobs dock comes forward when the user starts a job, so the new row is seen at once; it says
when the engine would not start.

The dock sits in a tab behind the inspector; a job started from a menu
(Regenerate Shot, Score Music, Export…) would otherwise run where nobody
looks. Jobs the runner marks as not to be shown (a retry pressed in the dock
itself, Speak again pressed in the inspector) leave the docks as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget

from editor.engine_client import EngineClient
from editor.engine_remote import remote_problem
from editor.jobs.panel import JobsPanel
from editor.jobs.runner import JobRunner


class JobsDockFollower(QObject):
    def __init__(self, dock: QDockWidget, runner: JobRunner) -> None:
        super().__init__(dock)
        self._dock = dock
        runner.revealRequested.connect(lambda _token: self.bring_forward())

    def bring_forward(self) -> None:
        """Show the dock (the user may have closed it) and raise its tab over the inspector."""
        self._dock.show()
        self._dock.raise_()


class EngineProblem(QObject):
    """The engine that would not start, or the remote engine it could not reach, said above the jobs;
    its button starts it again."""

    def __init__(self, panel: JobsPanel, engine: EngineClient) -> None:
        super().__init__(panel)
        engine.gaveUp.connect(panel.show_engine_problem)
        engine.started.connect(self._started)
        engine.remote.connect(self._remote)
        panel.startEngineRequested.connect(panel.clear_engine_problem)
        panel.startEngineRequested.connect(engine.restart)  # a remote engine not reached: try it again
        self._panel = panel

    def _remote(self, params: dict) -> None:
        """The remote engine tried again in the background: reached (the note goes), or refused."""
        if params.get("reached"):
            self._panel.clear_engine_problem()
        else:
            self._panel.show_engine_problem(remote_problem({"remote": {"error": params.get("error")}}) or "")

    def _started(self, info: dict) -> None:
        """Running; but a remote engine that was asked for and not reached is said (jobs run here)."""
        problem = remote_problem(info)
        if problem:
            self._panel.show_engine_problem(problem)
        else:
            self._panel.clear_engine_problem()
