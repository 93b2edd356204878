"""Projects as a user handles them: New/Open/Save/Save As from the keyboard, the unsaved-changes
prompt, recent projects, failures that say why, the window layout, and the demo on first run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDockWidget, QMenu

from editor.main_window import MainWindow
from editor.project import prompts, sequence_dialog
from editor.settings import EditorSettings
from engine.project import document, persistence
from tests.support.projectkit import Messages, blade, press, small_cut, v1

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def messages(monkeypatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot, data, messages) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def saved(tmp_path) -> Path:
    """A project on disk with two shots on V1."""
    path = tmp_path / "projects" / "saved.otio"
    path.parent.mkdir()
    persistence.save(small_cut("saved"), path)
    return path


class Answers:
    """What the user picks in the file dialogs, and a record of being asked."""

    def __init__(self, monkeypatch) -> None:
        self.save_paths: list[Path] = []
        self.open_paths: list[Path] = []
        self.asked: list[str] = []
        monkeypatch.setattr(prompts, "ask_save_path", self._save)
        monkeypatch.setattr(prompts, "ask_open_path", self._open)
        # File > New asks the sequence settings: the user takes what it offers (Create)
        monkeypatch.setattr(sequence_dialog, "ask", lambda _parent, current, new: self._sequence(current))

    def _sequence(self, current) -> tuple[tuple[int, int], str, int]:
        self.asked.append("sequence")
        return (current.width, current.height), f"{current.rate:g}", current.sample_rate

    def _save(self, _parent, _suggested) -> Path | None:
        self.asked.append("save as")
        return self.save_paths.pop(0) if self.save_paths else None

    def _open(self, _parent, _folder) -> Path | None:
        self.asked.append("open")
        return self.open_paths.pop(0) if self.open_paths else None


@pytest.fixture
def answers(monkeypatch) -> Answers:
    return Answers(monkeypatch)


def test_new_open_save_and_save_as_round_trip_the_document(window, answers, tmp_path, qtbot) -> None:
    window.show_timeline(small_cut(), None)
    assert window.windowTitle() == "cut[*] — Shotline"
    blade(window, 10)
    assert window.isWindowModified()

    first = tmp_path / "first.otio"
    answers.save_paths.append(tmp_path / "first")  # the dialog adds .otio when the user leaves it off
    press(window, Qt.Key.Key_S, CTRL)  # Save on a never-saved project asks where
    assert answers.asked == ["save as"] and first.is_file()
    assert window.windowTitle() == "first.otio[*] — Shotline" and not window.isWindowModified()
    assert persistence.load(first).timeline.to_json_string() == window.timeline.to_json_string()

    blade(window, 50)
    press(window, Qt.Key.Key_S, CTRL)  # now Save writes in place without asking
    assert answers.asked == ["save as"] and not window.isWindowModified()
    assert [name for name, _, _ in v1(window)] == ["A", "A", "B", "B"]
    edited = window.timeline.to_json_string()
    assert persistence.load(first).timeline.to_json_string() == edited

    second = tmp_path / "elsewhere" / "second.otio"
    second.parent.mkdir()
    answers.save_paths.append(second)
    press(window, Qt.Key.Key_S, CTRL_SHIFT)
    assert second.is_file() and window.project_path == second
    assert window.windowTitle() == "second.otio[*] — Shotline"
    assert window.context.settings.recent_projects()[:2] == [second, first]

    press(window, Qt.Key.Key_N, CTRL)
    assert window.project_path is None and len(document.track(window.timeline, "V1")) == 0
    assert not window.isWindowModified()

    answers.open_paths.append(second)
    press(window, Qt.Key.Key_O, CTRL)
    assert window.project_path == second and not window.isWindowModified()
    assert window.timeline.to_json_string() == edited


def test_a_failed_save_says_why_and_keeps_the_changes_unsaved(window, messages, saved, monkeypatch) -> None:
    assert window.open_project(saved)
    before = saved.read_bytes()
    blade(window, 10)

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(persistence.os, "fsync", full_disk)
        press(window, Qt.Key.Key_S, CTRL)
    _, title, text = messages.shown[-1]
    assert title == "Cannot save project"
    assert "the disk is full" in text and "previous version is unchanged" in text
    assert window.isWindowModified() and window.context.session.dirty
    assert saved.read_bytes() == before
    assert not [p for p in saved.parent.iterdir() if p.name.endswith(".saving")]  # no temp file left

    saved.unlink()
    saved.parent.rmdir()  # the project's folder went away (an unplugged drive)
    press(window, Qt.Key.Key_S, CTRL)
    assert "does not exist" in messages.shown[-1][2] and window.isWindowModified()


@pytest.mark.parametrize("answer", ["save", "discard", "cancel"])
@pytest.mark.parametrize("leaving", ["close", "new", "open"])
def test_leaving_unsaved_changes_asks_save_discard_or_cancel(
    window, answers, saved, tmp_path, monkeypatch, leaving: str, answer: str
) -> None:
    other = tmp_path / "other.otio"
    persistence.save(small_cut("other"), other)
    assert window.open_project(saved)
    blade(window, 10)
    edited = window.timeline.to_json_string()
    asked: list[tuple[str, str]] = []

    def ask(_parent, name: str, before: str) -> str:
        asked.append((name, before))
        return answer

    monkeypatch.setattr(prompts, "ask_save_changes", ask)
    answers.open_paths.append(other)
    if leaving == "close":
        window.close()
    elif leaving == "new":
        press(window, Qt.Key.Key_N, CTRL)
    else:
        press(window, Qt.Key.Key_O, CTRL)

    assert asked and asked[0][0] == "saved.otio"
    on_disk = persistence.load(saved).timeline.to_json_string()
    if answer == "save":
        assert on_disk == edited
    else:
        assert on_disk != edited
    if answer == "cancel":
        assert window.isVisible() and window.isWindowModified() and window.timeline.to_json_string() == edited
        assert "open" not in answers.asked  # cancelled before the file dialog
        return
    if leaving == "close":
        assert not window.isVisible()
        assert not window.project_files.autosaver.journal.exists()
    elif leaving == "new":
        assert window.project_path is None and not window.isWindowModified()
    else:
        assert window.project_path == other and [n for n, _, _ in v1(window)] == ["A", "B"]


def test_a_clean_document_closes_and_opens_without_a_question(window, saved, monkeypatch, answers) -> None:
    monkeypatch.setattr(prompts, "ask_save_changes", lambda *_a: pytest.fail("asked without unsaved changes"))
    assert window.open_project(saved)
    blade(window, 10)
    window.context.actions.action("edit.undo").trigger()  # back to what is on disk
    assert not window.isWindowModified()
    press(window, Qt.Key.Key_N, CTRL)
    press(window, Qt.Key.Key_Q, CTRL)
    assert not window.isVisible()


def _recent_menu(window: MainWindow) -> QMenu:
    file_menu = window.menuBar().actions()[0].menu()
    recent = next(a for a in file_menu.actions() if a.text() == "Open &Recent")
    menu = recent.menu()
    menu.popup(QPoint(0, 0))  # the list is rebuilt as the submenu opens
    menu.hide()
    return menu


def test_open_recent_lists_saved_projects_and_drops_missing_ones(window, messages, saved, tmp_path) -> None:
    other = tmp_path / "other.otio"
    persistence.save(small_cut("other"), other)
    assert window.open_project(saved) and window.open_project(other)
    menu = _recent_menu(window)
    texts = [a.text() for a in menu.actions()]
    assert texts == ["&1 other.otio", "&2 saved.otio", "", "Clear Recent Projects"]

    menu.actions()[1].trigger()
    assert window.project_path == saved

    other.unlink()
    menu = _recent_menu(window)
    menu.actions()[1].trigger()  # other.otio, now second and missing
    assert messages.shown[-1][1] == "Project not found" and "other.otio" in messages.shown[-1][2]
    assert window.project_path == saved
    assert window.context.settings.recent_projects() == [saved]
    assert _recent_menu(window).actions()[0].text() == "&1 saved.otio"

    remembered = EditorSettings(window.context.settings.path)  # the next start sees the same list
    assert remembered.recent_projects() == [saved]
    next(a for a in _recent_menu(window).actions() if a.text() == "Clear Recent Projects").trigger()
    assert [a.text() for a in _recent_menu(window).actions()] == ["No Recent Projects"]


def test_a_broken_file_or_missing_media_are_messages_and_the_open_document_stays(
    window, messages, answers, saved, tmp_path
) -> None:
    assert window.open_project(saved)
    broken = tmp_path / "broken.otio"
    broken.write_text('{"OTIO_SCHEMA": "Timeline.1", "tracks": ')
    answers.open_paths.append(broken)
    press(window, Qt.Key.Key_O, CTRL)
    assert messages.shown[-1][:2] == ("warning", "Cannot open project")
    assert "broken.otio is damaged" in messages.shown[-1][2]
    assert window.project_path == saved and [n for n, _, _ in v1(window)] == ["A", "B"]
    # the shots point at /media/A.mp4 and /media/B.mp4, which do not exist here
    kind, title, text = messages.shown[0]
    assert (kind, title) == ("information", "Offline media") and "/media/A.mp4" in text


def test_the_window_layout_comes_back_on_the_next_start(qtbot, data, tmp_path) -> None:
    settings_path = data / "settings.ini"
    first = MainWindow(settings=EditorSettings(settings_path))
    qtbot.addWidget(first)
    first.show()
    dock = first.findChild(QDockWidget, "dock-timeline")
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)  # the user dragged it to the right
    first.resize(700, 500)  # inside the offscreen screen (800x600), which geometry is clamped to
    qtbot.wait(10)
    wanted = (first.width(), first.height())  # as small as the docks allow
    assert wanted[1] == 500
    first.close()

    second = MainWindow(settings=EditorSettings(settings_path))
    qtbot.addWidget(second)
    second.show()
    again = second.findChild(QDockWidget, "dock-timeline")
    assert second.dockWidgetArea(again) == Qt.DockWidgetArea.RightDockWidgetArea
    assert (second.width(), second.height()) == wanted

    again.hide()  # closed from its title bar
    second.close()
    third = MainWindow(settings=EditorSettings(settings_path))
    qtbot.addWidget(third)
    third.show()
    assert not third.findChild(QDockWidget, "dock-timeline").isVisible()


@pytest.mark.slow
def test_first_run_shows_the_demo_which_saves_as_a_normal_project(qtbot, data, answers, tmp_path) -> None:
    from editor.app import start_editor

    window = start_editor([])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.project_path is not None, timeout=90000)
    assert window.project_path.name == "Shotline demo.otio" and not window.isWindowModified()
    blade(window, 60)
    copy = tmp_path / "mine" / "My film.otio"
    copy.parent.mkdir()
    answers.save_paths.append(copy)
    press(window, Qt.Key.Key_S, CTRL_SHIFT)
    assert window.windowTitle() == "My film.otio[*] — Shotline" and not window.isWindowModified()
    reopened = persistence.load(copy)
    assert not reopened.offline  # media paths were rewritten relative to the new folder and still resolve
    assert reopened.timeline.to_json_string() == window.timeline.to_json_string()
