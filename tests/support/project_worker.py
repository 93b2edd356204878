"""Opens project files the three ways users do, in a process of its own, and says how each ended.

A project reaches Shotline's code three ways: `shotline info` (and
`export`) on the command line, the editor's File > Open, and the engine's
`export` request with the timeline as OTIO JSON. This worker runs each on
a file and answers one JSON line per file:
`{"info": "ok" | "error: ..." | "crash: ...", "open": ..., "export": ...}`.

It runs in a child process because the worst outcome is not an exception:
OpenTimelineIO's native reader can abort or segfault, which no `except`
catches. `ProjectWorker` (the test side) sees the child die, fails the
example that killed it, and starts a new one. "crash" is any exception
that is not Shotline's typed error, or an error message that is not one
line.

Run as `python -m tests.support.project_worker`; reads file paths, one per line.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from tests.support.engine_process import ROOT

OK, ERROR, CRASH = "ok", "error", "crash"


def _outcome(step: Callable[[], None]) -> str:
    from engine.errors import ShotlineError

    try:
        step()
    except ShotlineError as error:
        text = str(error)
        if "\n" in text or not text:
            return f"{CRASH}: a typed error that is not one line: {text!r}"
        return f"{ERROR}: {text}"
    except Exception as error:
        return f"{CRASH}: {type(error).__name__}: {error}"
    return OK


def _info(path: Path) -> None:
    """`shotline info PATH`: exit 0, or 2 with one line on stderr; anything else is a crash."""
    from engine.cli.main import main
    from engine.errors import ShotlineError

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["info", str(path)])
    if status == 2 and err.getvalue().count("\n") == 1:
        raise ShotlineError(err.getvalue().strip())
    if status != 0 or err.getvalue():
        raise RuntimeError(f"info exited {status}: {err.getvalue()!r}")


def _open(path: Path) -> None:
    """What the editor's File > Open runs before painting: load, the status line, the timeline's layout."""
    from editor.timeline.layout import TimelineLayout
    from engine.project import document, persistence, trackedit
    from engine.project.times import timecode

    loaded = persistence.load(path)
    settings = document.settings(loaded.timeline)
    timecode(trackedit.timeline_end(loaded.timeline, settings.rate), settings.rate)
    TimelineLayout.build(loaded.timeline, os.path.exists)


def _export(path: Path, folder: Path) -> None:
    """The engine's `export` request: the timeline as sent, then the export up to its first frame.

    Cancelled before frame 0 is encoded, so every example costs milliseconds
    while still passing the length, the sources and the destination checks.
    """
    from engine.errors import ExportCancelled
    from engine.export.job import sent_timeline
    from engine.export.mp4 import export_mp4

    timeline = sent_timeline(path.read_text(encoding="utf-8", errors="replace"))
    here = os.getcwd()
    os.chdir(path.parent)  # relative media paths as the file means them (the editor sends absolute ones)
    try:
        with contextlib.suppress(ExportCancelled):
            export_mp4(timeline, folder / "out.mp4", cancel=lambda: True)
    finally:
        os.chdir(here)


def check(path: Path, folder: Path) -> dict[str, str]:
    return {
        "info": _outcome(lambda: _info(path)),
        "open": _outcome(lambda: _open(path)),
        "export": _outcome(lambda: _export(path, folder)),
    }


def serve() -> None:
    folder = Path(tempfile.mkdtemp(prefix="shotline-worker-"))
    wire = sys.stdout
    sys.stdout = sys.stderr  # anything printed by the code under test stays off the answers
    for line in sys.stdin:
        answer = check(Path(line.rstrip("\n")), folder)
        wire.write(json.dumps(answer) + "\n")
        wire.flush()


class ProjectWorker:
    """The test side: `check(path)` answers, or says how the child died (and starts a new one)."""

    def __init__(self, timeout: float = 60) -> None:
        self.timeout = timeout
        self.process: subprocess.Popen[str] | None = None
        self.counts = {OK: 0, ERROR: 0, CRASH: 0}
        self.examples = 0

    def _start(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.support.project_worker"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
        return self.process

    def check(self, path: Path) -> dict[str, str]:
        """How each of the three ways ended; a dead or hung child is a crash of all three."""
        process = self._start()
        answer: list[str] = []
        process.stdin.write(f"{path}\n")
        process.stdin.flush()
        reader = threading.Thread(target=lambda: answer.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.timeout)
        self.examples += 1
        if not answer or not answer[0]:
            process.kill()
            process.wait()
            why = (
                f"the worker hung for {self.timeout} s"
                if not answer
                else f"the worker died ({process.returncode})"
            )
            result = dict.fromkeys(("info", "open", "export"), f"{CRASH}: {why}")
        else:
            result = json.loads(answer[0])
        for value in result.values():
            self.counts[value.split(":")[0]] += 1
        return result

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(10)


if __name__ == "__main__":
    serve()
