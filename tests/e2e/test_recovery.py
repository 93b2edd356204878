"""Autosave and crash recovery: every edit reaches the journal within seconds, a killed editor's
journal is offered on the next start, restored as unsaved changes, or discarded; and two running
editors never take each other's journals."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from editor.main_window import MainWindow
from editor.preferences import values
from editor.project import prompts
from editor.project.autosave import recovery_folder
from editor.project.recovery import offer_recovery
from engine.project import journal, persistence
from tests.support.projectkit import Messages, blade, press, small_cut, v1

DRIVER = Path(__file__).resolve().parents[1] / "support" / "recovery_driver.py"
ROOT = DRIVER.parents[2]
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def messages(monkeypatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def saved(tmp_path) -> Path:
    path = tmp_path / "projects" / "saved.otio"
    path.parent.mkdir()
    persistence.save(small_cut("saved"), path)
    return path


def make_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def journal_text(window: MainWindow) -> str | None:
    own = window.project_files.autosaver.journal
    return own.document.read_text(encoding="utf-8") if own.exists() else None


class RestorePrompt:
    """Stands in for the restore question: records what was asked and answers as told."""

    def __init__(self, monkeypatch, answer: str) -> None:
        self.answer = answer
        self.asked: list[journal.JournalInfo] = []
        monkeypatch.setattr(prompts, "ask_restore", self._ask)

    def _ask(self, _parent, info: journal.JournalInfo) -> str:
        self.asked.append(info)
        return self.answer


def left_by_a_dead_editor(window: MainWindow) -> journal.JournalInfo:
    """Make `window`'s journal look like one a crashed editor left: its writer's pid is gone."""
    autosaver = window.project_files.autosaver
    autosaver.write_now()
    autosaver.wait()
    meta = json.loads(autosaver.journal.meta.read_text())
    gone = subprocess.Popen([sys.executable, "-c", "pass"])  # a pid that has just ended
    gone.wait()
    meta["pid"], meta["process_start"] = gone.pid, None
    autosaver.journal.meta.write_text(json.dumps(meta))
    info = journal.read_info(autosaver.journal.meta)
    assert info is not None and not journal.is_running(info.pid, info.process_start)
    return info


def test_an_edit_reaches_the_journal_within_the_interval_and_saving_removes_it(
    qtbot, data, messages, saved
) -> None:
    window = make_window(qtbot)
    values.set_autosave_seconds(window.context.settings, 0.2)
    assert window.open_project(saved)
    autosaver = window.project_files.autosaver
    assert autosaver.journal.folder == data / "recovery"
    assert journal_text(window) is None  # nothing unsaved, nothing journaled

    started = time.monotonic()
    blade(window, 10)
    qtbot.waitUntil(lambda: journal_text(window) == window.timeline.to_json_string(), timeout=5000)
    assert time.monotonic() - started < 5
    info = journal.read_info(autosaver.journal.meta)
    assert info is not None and info.original == saved and info.name == "saved.otio"
    assert info.pid == os.getpid()

    blade(window, 50)  # a later edit replaces the journal
    qtbot.waitUntil(lambda: journal_text(window) == window.timeline.to_json_string(), timeout=5000)
    assert [name for name, _, _ in v1(window)] == ["A", "A", "B", "B"]

    press(window, Qt.Key.Key_S, CTRL)
    autosaver.wait()
    assert not window.isWindowModified() and journal_text(window) is None
    assert list((data / "recovery").iterdir()) == []

    blade(window, 20)
    qtbot.waitUntil(lambda: journal_text(window) is not None, timeout=5000)
    window.context.actions.action("edit.undo").trigger()  # back to what is saved: no journal needed
    autosaver.wait()
    assert journal_text(window) is None


def test_a_journal_the_disk_refuses_is_reported_in_the_status_bar(qtbot, data, messages, saved) -> None:
    window = make_window(qtbot)
    values.set_autosave_seconds(window.context.settings, 0.1)
    assert window.open_project(saved)
    (data / "recovery").write_text("a file where the folder should be")
    blade(window, 10)
    qtbot.waitUntil(lambda: "Autosave could not write" in window.statusBar().currentMessage(), timeout=5000)
    assert window.isWindowModified()


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if selector.select(deadline - time.monotonic()):
                line = process.stdout.readline()
                if not line:
                    break
                if line.strip() == "edited":
                    return line.strip()
            if process.poll() is not None:
                break
    raise AssertionError(
        f"the editor did not report its edits: {process.stderr.read() if process.stderr else ''}"
    )


@pytest.mark.slow
def test_a_killed_editor_is_restored_on_the_next_start(
    qtbot, data, messages, saved, tmp_path, monkeypatch
) -> None:
    expected_file = tmp_path / "expected.json"
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "SHOTLINE_DATA_DIR": str(data),
        "PYTHONPATH": str(ROOT),
    }
    editor = subprocess.Popen(
        [sys.executable, str(DRIVER), str(saved), str(expected_file)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _read_line(editor, timeout=90)
        expected = expected_file.read_text(encoding="utf-8")
        folder = data / "recovery"

        def journaled() -> bool:
            return any(p.read_text(encoding="utf-8") == expected for p in folder.glob("*.otio"))

        qtbot.waitUntil(journaled, timeout=6000)  # within 5 s of the last edit, and some slack

        # a second editor started meanwhile leaves the running one's journal alone
        prompt = RestorePrompt(monkeypatch, "restore")
        bystander = make_window(qtbot)
        assert offer_recovery(bystander, bystander.context.settings, bystander.project_files) is False
        assert prompt.asked == [] and journaled()
        bystander.close()
    finally:
        editor.send_signal(signal.SIGKILL)
        editor.wait(timeout=30)
    assert editor.returncode == -signal.SIGKILL

    from editor.app import start_editor

    window = start_editor([])
    qtbot.addWidget(window)
    assert len(prompt.asked) == 1
    question = prompts.restore_question(prompt.asked[0])
    assert question.startswith("Restore unsaved changes to saved.otio from ")
    assert window.timeline.to_json_string() == expected
    assert [name for name, _, _ in v1(window)] == ["A", "B"]  # cut at 10, the first piece ripple-deleted
    assert window.project_path == saved
    assert window.isWindowModified() and window.windowTitle() == "saved.otio[*] — Shotline"
    assert persistence.load(saved).timeline.to_json_string() != expected  # the file itself is untouched

    # the restored changes stay journaled (now by this window) until they are saved
    autosaver = window.project_files.autosaver
    autosaver.wait()
    assert [p.name for p in folder.iterdir()] and all(
        p.name.startswith(autosaver.journal.journal_id) for p in folder.iterdir()
    )
    press(window, Qt.Key.Key_S, CTRL)
    autosaver.wait()
    assert persistence.load(saved).timeline.to_json_string() == expected
    assert list(folder.iterdir()) == [] and not window.isWindowModified()


def test_discard_deletes_the_journal_and_not_now_keeps_it(qtbot, data, messages, saved, monkeypatch) -> None:
    crashed = make_window(qtbot)
    assert crashed.open_project(saved)
    blade(crashed, 10)
    info = left_by_a_dead_editor(crashed)

    later = RestorePrompt(monkeypatch, "later")
    window = make_window(qtbot)
    assert offer_recovery(window, window.context.settings, window.project_files) is False
    assert [i.journal_id for i in later.asked] == [info.journal_id]
    assert info.document.exists() and info.meta.exists()  # kept for the next start

    discard = RestorePrompt(monkeypatch, "discard")
    assert offer_recovery(window, window.context.settings, window.project_files) is False
    assert len(discard.asked) == 1
    assert not info.document.exists() and not info.meta.exists()
    assert not window.isWindowModified() and window.project_path is None
    assert offer_recovery(window, window.context.settings, window.project_files) is False
    assert len(discard.asked) == 1  # nothing left to offer


def test_a_damaged_journal_is_set_aside_with_a_message(qtbot, data, messages, saved, monkeypatch) -> None:
    crashed = make_window(qtbot)
    assert crashed.open_project(saved)
    blade(crashed, 10)
    info = left_by_a_dead_editor(crashed)
    info.document.write_text('{"OTIO_SCHEMA": "Timeline.1", "tra')
    RestorePrompt(monkeypatch, "restore")
    window = make_window(qtbot)
    assert offer_recovery(window, window.context.settings, window.project_files) is False
    assert messages.shown[-1][1] == "Cannot restore"
    assert info.document.with_suffix(".damaged").exists() and not info.meta.exists()
    assert journal.orphans(recovery_folder(window.context.settings)) == []


def test_two_editors_in_one_process_keep_their_own_journals(
    qtbot, data, messages, saved, monkeypatch
) -> None:
    first, second = make_window(qtbot), make_window(qtbot)
    for window in (first, second):
        values.set_autosave_seconds(window.context.settings, 0.1)
        assert window.open_project(saved)
    blade(first, 10)
    blade(second, 20)
    qtbot.waitUntil(
        lambda: journal_text(first) is not None and journal_text(second) is not None, timeout=5000
    )
    assert first.project_files.autosaver.journal.document != second.project_files.autosaver.journal.document
    assert journal_text(first) != journal_text(second)

    prompt = RestorePrompt(monkeypatch, "restore")
    third = make_window(qtbot)
    assert offer_recovery(third, third.context.settings, third.project_files) is False
    assert prompt.asked == []  # both writers are alive

    first.close()  # a clean close removes only its own journal
    assert journal_text(first) is None and journal_text(second) is not None


def test_a_recycled_pid_does_not_pass_for_the_journal_writer() -> None:
    me = os.getpid()
    assert journal.is_running(me, journal.process_start(me))
    if sys.platform.startswith("linux"):
        assert not journal.is_running(me, "another-boot:12345")  # same pid, another process
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    assert not journal.is_running(gone.pid)
