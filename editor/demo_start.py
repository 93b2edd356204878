"""The demo project on first start: its cut shown at once, its media made behind a progress bar.

The demo's shots are synthesized on first start (tens of seconds on a
laptop). The cut itself reads no file, so the timeline is shown with the
window, and a progress bar in the status bar counts the frames being made;
when they are ready the saved project replaces the preview (unless the user
has opened or started something else meanwhile). Later starts open the
saved demo directly.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QProgressBar

from editor.background import run_in_background


class _Progress(QObject):
    moved = Signal(int, int)  # done, total: emitted on the worker thread, received on the GUI thread


def open_demo(window: QMainWindow) -> None:
    """Show the demo project; on first start its media are synthesized in the background."""
    from engine.demo import demo_folder, demo_media_paths, demo_project, demo_timeline, ready_demo

    made_before = ready_demo()
    if made_before is not None:
        window.open_project(made_before)
        return
    session = window.context.session
    window.show_timeline(demo_timeline(demo_media_paths(demo_folder() / "media")), None)
    preview = session.timeline
    bar = QProgressBar(window)
    bar.setObjectName("demo-progress")
    bar.setMaximumWidth(220)
    bar.setFormat("Making the demo's shots… %p%")
    window.statusBar().addPermanentWidget(bar)
    window.statusBar().showMessage("Preparing the demo project: its shots are being made")
    relay = _Progress(window)
    relay.moved.connect(lambda done, total: (bar.setMaximum(total), bar.setValue(done)))

    def report(done: int, total: int) -> None:
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            relay.moved.emit(done, total)

    def finish() -> None:
        window.statusBar().removeWidget(bar)
        bar.deleteLater()

    def made(path: Path) -> None:
        finish()
        untouched = session.timeline is preview and session.path is None and not session.dirty
        if untouched:  # the user has not opened or started anything
            window.open_project(path)

    def failed(error: Exception) -> None:
        finish()
        window.statusBar().showMessage(f"The demo project could not be made: {error}")

    window.demo_progress = bar
    window.demo_job = run_in_background(lambda: demo_project(report), made, failed, window)
