"""A real editor for the crash-recovery test: open a project, edit it, say so, keep running.

Run as `python tests/support/recovery_driver.py PROJECT EXPECTED_JSON` with SHOTLINE_DATA_DIR
set. It builds the real MainWindow, makes three edits through the session as
gestures do, writes what the document now is to EXPECTED_JSON, prints
"edited" and runs the event loop until it is killed (the test sends SIGKILL).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from editor.app import make_application
from editor.main_window import MainWindow
from engine.project import document, edits, tracks
from engine.project.times import rt


def main(project: Path, expected: Path) -> int:
    app = make_application()
    # the test project's media do not exist: note the offline-media box instead of waiting for a click
    QMessageBox.information = lambda _parent, title, _text, *_rest: print(title, flush=True)  # type: ignore[method-assign]
    window = MainWindow()
    window.show()
    if not window.open_project(project):
        return 2
    session = window.context.session
    rate = session.rate
    session.apply(edits.slice, rt(10, rate), ["V1"])
    first = document.track(session.timeline, "V1")[0]
    session.apply(edits.ripple_delete, [document.clip_id(first)])
    session.apply(tracks.rename_track, "A2", "Music")
    expected.write_text(session.timeline.to_json_string(), encoding="utf-8")
    print("edited", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
