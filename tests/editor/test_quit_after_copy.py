"""Quitting the editor after a Copy: Shotline's clips on the system clipboard must not crash the exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SESSION = textwrap.dedent(
    """
    import sys
    from fractions import Fraction
    from pathlib import Path

    from PySide6.QtCore import QTimer

    from editor.app import make_application
    from editor.main_window import MainWindow
    from editor.settings import EditorSettings
    from engine.media.reference import clips_for
    from engine.project import document, edits
    from engine.project.document import new_project
    from tests.support.mediagen import write_video

    folder = Path(sys.argv[1])
    app = make_application()
    footage = write_video(folder / "shot.mp4", frames=24, rate=Fraction(24), size=(64, 36))
    timeline = new_project("film", rate=24.0, size=(64, 36))
    (clip,) = clips_for(footage, 24.0, 24, 0)[:1]
    edits.append(timeline, {"V1": clip})
    window = MainWindow(settings=EditorSettings(folder / "settings.ini"))
    window.show_timeline(timeline, None)
    window.show()
    window.context.selection.set([document.clip_id(document.track(window.timeline, "V1")[0])])
    window.context.actions.action("edit.copy").trigger()
    assert app.clipboard().mimeData().formats(), "the copy put nothing on the clipboard"
    QTimer.singleShot(200, app.quit)
    sys.exit(app.exec())
    """
)


def test_the_editor_quits_cleanly_after_copying_clips(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SHOTLINE_DATA_DIR": str(tmp_path / "data")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-c", SESSION, str(tmp_path)], cwd=ROOT, env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
