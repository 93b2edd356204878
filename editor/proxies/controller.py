"""Project > Proxies…, and proxies made for the project's heavy media while they are on.

After an edit the timeline's files are looked at again (a short while
later, so a burst of edits costs one look); files already known, already
proxied or light cost no more than a stat.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from editor.context import EditorContext
from editor.proxies.dialog import ProxiesDialog
from engine.errors import EditError, MediaError
from engine.project import document
from engine.render.sources import media_path

#: Edits within this long of each other share one look for media that needs proxies.
SWEEP_DELAY_MS = 1500


class ProxiesController(QObject):
    def __init__(
        self, context: EditorContext, window: QWidget, bin_selection: Callable[[], list[Path]] | None = None
    ) -> None:
        super().__init__(window)
        self._context, self._window = context, window
        self._bin_selection = bin_selection or (lambda: [])
        self.dialog: ProxiesDialog | None = None
        context.actions.add("project.proxies", "&Proxies…", self.show_dialog, "Project", "", "proxies")
        settings = context.proxies
        self._sweep = QTimer(self)
        self._sweep.setSingleShot(True)
        self._sweep.setInterval(SWEEP_DELAY_MS)
        self._sweep.timeout.connect(self.sweep)
        if settings is not None:
            context.session.changed.connect(self._sweep.start)
            settings.changed.connect(self._sweep.start)
            settings.progress.connect(lambda count, line: context.status.show(line, 0 if count else 4000))
            self._sweep.start()

    def sweep(self) -> None:
        settings = self._context.proxies
        if settings is not None:
            settings.create_for_timeline(self._context.session.timeline)

    def selected_paths(self) -> list[Path]:
        """Files selected in the bin, then the files of clips selected in the timeline."""
        found = dict.fromkeys(self._bin_selection())
        timeline = self._context.session.timeline
        for ident in self._context.selection.ids:
            with contextlib.suppress(EditError, MediaError):
                found[media_path(document.find_clip(timeline, ident)[1])] = None
        return list(found)

    def show_dialog(self) -> None:
        if self._context.proxies is None:
            return
        if self.dialog is None:
            self.dialog = ProxiesDialog(self._context.proxies, self.selected_paths, self._window)
        self.dialog.refresh_disk_use()
        self.dialog.show()
        self.dialog.raise_()
