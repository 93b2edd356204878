"""The Jobs dock comes forward when the user starts a job, so the new row is seen at once.

The dock sits in a tab behind the inspector; a job started from a menu
(Regenerate Shot, Score Music, Export…) would otherwise run where nobody
looks. Jobs the runner marks as not to be shown (a retry pressed in the dock
itself, Speak again pressed in the inspector) leave the docks as they are.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDockWidget

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
