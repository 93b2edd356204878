"""The editor's shared objects as a user drives them: edits become undo steps with names,
refused edits say why and change nothing, shortcuts can be rebound, settings remember."""

from __future__ import annotations

from pathlib import Path

import pytest

from editor.actions import ActionRegistry
from editor.main_window import MainWindow
from editor.playhead import Playhead
from editor.selection import Selection
from editor.session import ProjectSession
from editor.settings import EditorSettings
from engine.errors import EditError
from engine.project import document, edits, tracks
from engine.project.document import new_project
from engine.project.times import rt
from tests.support.editing import layout, shot


@pytest.fixture
def session(qtbot) -> ProjectSession:
    session = ProjectSession()
    timeline = new_project("cut", rate=30.0)
    edits.append(timeline, {"V1": shot("A", 30)})
    edits.append(timeline, {"V1": shot("B", 30)})
    session.replace(timeline, None)
    return session


def test_an_edit_is_one_named_undo_step_and_undo_redo_restore_it(session, qtbot) -> None:
    with qtbot.waitSignal(session.changed):
        change = session.apply(edits.slice, rt(10, 30.0), ["V1"])
    assert change is not None
    assert layout(session.timeline, "V1") == [("A", 0, 10), ("A", 10, 30), ("B", 30, 60)]
    assert session.undo_stack.undoText() == change.description
    assert session.dirty
    with qtbot.waitSignal(session.changed):
        session.undo_stack.undo()
    assert layout(session.timeline, "V1") == [("A", 0, 30), ("B", 30, 60)]
    assert not session.dirty
    session.undo_stack.redo()
    assert layout(session.timeline, "V1") == [("A", 0, 10), ("A", 10, 30), ("B", 30, 60)]


def test_a_refused_edit_reports_the_engine_message_and_changes_nothing(session, qtbot) -> None:
    session.apply(tracks.set_track_flags, "V1", locked=True)
    before = session.timeline.to_json_string()
    depth = session.undo_stack.count()
    with qtbot.waitSignal(session.refused) as refused:
        assert session.apply(edits.slice, rt(10, 30.0), ["V1"]) is None
    assert "locked" in refused.args[0]
    assert session.undo_stack.count() == depth
    assert session.timeline.to_json_string() == before


def test_a_group_of_edits_undoes_as_one_and_rolls_back_when_one_is_refused(session, qtbot) -> None:
    with session.group("Cut twice"):
        session.apply(edits.slice, rt(10, 30.0), ["V1"])
        session.apply(edits.slice, rt(40, 30.0), ["V1"])
    assert session.undo_stack.count() == 1 and session.undo_stack.undoText() == "Cut twice"
    assert len(layout(session.timeline, "V1")) == 4
    session.undo_stack.undo()
    assert layout(session.timeline, "V1") == [("A", 0, 30), ("B", 30, 60)]

    messages: list[str] = []
    session.refused.connect(messages.append)
    with session.group("Cut then fail"):
        session.apply(edits.slice, rt(10, 30.0), ["V1"])
        session.apply(edits.move, "no-such-clip", rt(0, 30.0))
    assert layout(session.timeline, "V1") == [("A", 0, 30), ("B", 30, 60)]
    assert len(messages) == 1
    assert session.undo_stack.count() == 1  # only the first group (now undone) is on the stack


def test_an_exception_inside_a_group_undoes_what_it_did(session) -> None:
    with pytest.raises(EditError), session.group("Broken"):
        session.apply(edits.slice, rt(10, 30.0), ["V1"])
        raise EditError("boom")
    assert layout(session.timeline, "V1") == [("A", 0, 30), ("B", 30, 60)]


def test_playhead_marks_and_selection(qtbot) -> None:
    playhead = Playhead()
    with qtbot.waitSignal(playhead.moved):
        playhead.move_to(12)
    playhead.step(-20)
    assert playhead.frame == 0
    playhead.mark_in(5)
    playhead.mark_out(14)
    assert playhead.marked_range() == (5, 10)
    playhead.mark_out(3)  # an out before the in clears the in
    assert playhead.in_point is None and playhead.marked_range() is None

    selection = Selection()
    selection.set(["a", "b", "a"])
    assert selection.ids == ["a", "b"]
    selection.toggle("a")
    selection.keep_only(["c"])
    assert not selection


def test_shortcuts_can_be_rebound_and_conflicts_are_found(qtbot) -> None:
    registry = ActionRegistry()
    fired: list[str] = []
    registry.add("clip.razor", "Razor", lambda: fired.append("razor"), "Clip", "C")
    registry.add("edit.copy", "Copy", lambda: fired.append("copy"), "Edit", "Ctrl+C")
    registry.action("clip.razor").trigger()
    assert fired == ["razor"]
    registry.apply_keymap({"clip.razor": "B"})
    assert registry.shortcut("clip.razor") == "B"
    assert registry.changed_keys() == {"clip.razor": "B"}
    registry.apply_keymap({"clip.razor": "Ctrl+C"})
    assert registry.conflicts() == {"Ctrl+C": ["clip.razor", "edit.copy"]}
    with pytest.raises(ValueError):
        registry.add("clip.razor", "Again", lambda: None, "Clip")


def test_settings_remember_recent_projects_and_keymap(tmp_path: Path) -> None:
    settings = EditorSettings(tmp_path / "settings.ini")
    for name in ("a", "b", "a"):
        settings.add_recent(tmp_path / f"{name}.otio")
    settings.set_keymap({"clip.razor": "B"})
    again = EditorSettings(tmp_path / "settings.ini")
    assert again.recent_projects() == [tmp_path / "a.otio", tmp_path / "b.otio"]
    assert again.keymap() == {"clip.razor": "B"}


def test_the_window_names_undo_steps_in_the_edit_menu_and_marks_unsaved_changes(qtbot, tmp_path) -> None:
    window = MainWindow(settings=EditorSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    timeline = new_project("cut", rate=30.0)
    edits.append(timeline, {"V1": shot("A", 30)})
    window.show_timeline(timeline, tmp_path / "cut.otio")
    assert window.windowTitle() == "cut.otio[*] — Shotline" and not window.isWindowModified()
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    assert list(menus) == ["File", "Edit", "Project", "Clip", "Sequence", "Graphics", "View", "Help"]
    window.context.session.apply(edits.slice, rt(10, 30.0), ["V1"])
    undo = window.context.actions.action("edit.undo")
    assert undo.text().startswith("&Undo ") and undo.isEnabled()
    assert window.isWindowModified()
    undo.trigger()
    assert not window.isWindowModified()
    assert len(document.track(window.timeline, "V1")) == 1


def test_a_drag_from_the_bin_carries_paths_and_ranges_and_nothing_else_is_mistaken_for_one(qtbot) -> None:
    from PySide6.QtCore import QMimeData

    from editor import mime

    data = mime.encode([mime.MediaDrag(Path("/m/a.mp4")), mime.MediaDrag(Path("/m/b.wav"), 30, 60)])
    assert mime.decode(data) == [mime.MediaDrag(Path("/m/a.mp4")), mime.MediaDrag(Path("/m/b.wav"), 30, 60)]
    foreign = QMimeData()
    foreign.setText("hello")
    assert mime.decode(foreign) == []
    broken = QMimeData()
    broken.setData(mime.MEDIA_MIME, b"{not json")
    assert mime.decode(broken) == []


def test_cyclic_garbage_is_collected_by_the_gui_thread_on_a_timer(qtbot) -> None:
    import gc

    from PySide6.QtCore import QObject

    from editor.collector import MainThreadCollector

    owner = QObject()
    MainThreadCollector(owner, interval_ms=10)
    assert not gc.isenabled()  # no worker thread can start a collection
    for _ in range(gc.get_threshold()[0] + 10):
        loop: list = []
        loop.append(loop)
    assert gc.get_count()[0] > gc.get_threshold()[0]
    qtbot.waitUntil(lambda: gc.get_count()[0] < gc.get_threshold()[0], timeout=2000)


def test_menus_open_with_what_users_look_for_first_and_no_two_commands_share_a_key(qtbot, tmp_path) -> None:
    window = MainWindow(settings=EditorSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    actions = window.context.actions
    assert [e.action_id for e in actions.entries("Edit")][:2] == ["edit.undo", "edit.redo"]
    file_menu = [e.action_id for e in actions.entries("File")]
    assert (file_menu[0], file_menu[-1]) == ("file.new", "file.quit")
    assert actions.conflicts() == {}  # Qt fires neither of two actions sharing a shortcut
    window.viewer.shutdown()
