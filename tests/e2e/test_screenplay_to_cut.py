"""From a screenplay to a cut in the editor with the real engine: import, Cast, Storyboard, Generate All."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget, QFileDialog

from editor.main_window import MainWindow
from editor.storyboard.cards import ShotState
from engine.jobs.spec import default_cache_dir
from engine.project import cast, document, persistence, provenance
from engine.project.document import AUDIO, new_project
from engine.project.placeholders import is_placeholder
from tests.support.docks import front_tab
from tests.support.screenplays import THE_KEEPER, keeper_project

WAIT = 120_000  # ms: every shot of the screenplay on a loaded two-core machine


def states(window: MainWindow) -> list[ShotState]:
    return [card.state for card in window.storyboard.cards]


def takes(window: MainWindow) -> list[int]:
    return [card.takes for card in window.storyboard.cards]


def show_dock(window: MainWindow, name: str) -> None:
    """As View > the panel does: the dock comes forward."""
    window.context.actions.action(f"view.panel.{name}").trigger()
    dock = window.findChild(QDockWidget, f"dock-{name}")
    if not dock.isVisible():
        window.context.actions.action(f"view.panel.{name}").trigger()
    dock.raise_()


@pytest.mark.slow
def test_file_import_screenplay_speaks_the_lines_off_the_gui_thread_and_lands_as_one_undo_step(
    engine_window, qtbot, tmp_path: Path, monkeypatch
) -> None:
    window = engine_window(new_project("film", rate=24, size=(320, 180), video_tracks=1, audio_tracks=0))
    script = tmp_path / "keeper.fountain"
    script.write_text(THE_KEEPER, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(script), ""))
    session = window.context.session
    storyboard = window.findChild(QDockWidget, "dock-storyboard")
    assert not storyboard.isVisible()  # a project without a script has no use for it yet
    window.context.actions.action("file.import_screenplay").trigger()
    assert session.undo_stack.count() == 0  # the menu returned at once; the lines are spoken elsewhere
    qtbot.waitUntil(lambda: session.undo_stack.count() == 1, timeout=WAIT)
    assert session.undo_stack.undoText() == "Import Screenplay keeper.fountain"
    rows = window.jobs_panel.model.jobs()
    assert [job.title for job in rows][:2] == [
        "Voice-over Mara: The lamp went out again.",
        "Voice-over Tom: I told you the wiring was old.",
    ]
    assert len(rows) == 5 and all(job.state.value == "done" for job in rows)
    assert states(window) == [ShotState.PLACEHOLDER] * 3
    qtbot.waitUntil(storyboard.isVisible)  # the cut has a storyboard now: it comes forward
    assert front_tab(window, "Storyboard") == "Storyboard"  # a tab of the timeline's place
    lines = [c for t, c in document.iter_clips(session.timeline) if t.kind == AUDIO]
    assert [c.metadata["shotline"]["subtitle"] for c in lines][:1] == ["The lamp went out again."]
    assert cast.member(session.timeline, "Tom") is not None
    assert session.dirty

    window.context.actions.action("edit.undo").trigger()
    assert list(document.iter_clips(session.timeline)) == [] and window.storyboard.cards == []


@pytest.mark.slow
def test_a_script_project_generated_from_the_storyboard_a_new_cast_picture_makes_shots_stale_and_undo(
    engine_window, qtbot, tmp_path: Path
) -> None:
    timeline = persistence.load(keeper_project(tmp_path)).timeline
    window = engine_window(timeline, size=(1500, 900))
    session = window.context.session
    assert window.findChild(QDockWidget, "dock-storyboard").isVisible()  # a script's project shows it
    assert states(window) == [ShotState.PLACEHOLDER] * 3

    # a double-click on a card opens its shot's Regenerate dialog
    seen: list[bool] = []
    dialog = window.generation.dialog
    QTimer.singleShot(0, lambda: (seen.append(dialog.isVisible()), dialog.reject()))
    second = window.storyboard.cards[1].clip_id
    window.storyboard.list.itemDoubleClicked.emit(window.storyboard.list.item(1))
    assert seen == [True] and window.context.selection.ids == [second]
    window.context.selection.clear()

    window.storyboard.generate_button.click()  # every placeholder: keyframes, then the shots
    qtbot.waitUntil(lambda: states(window) == [ShotState.DONE] * 3, timeout=WAIT)
    assert takes(window) == [1, 1, 1]
    titles = [job.title for job in window.jobs_panel.model.jobs()]
    names = [card.name for card in window.storyboard.cards]
    assert titles[:3] == [f"Keyframe {n}" for n in names]
    assert sorted(titles[3:]) == sorted(f"Generate {n}" for n in names)
    assert session.undo_stack.count() == 3

    # the Cast: Tom gets a face; the shots made without it are stale
    show_dock(window, "cast")
    face = tmp_path / "tom.png"
    Image.new("RGB", (60, 80), (30, 200, 30)).save(face)
    window.cast_panel.choose("Tom")
    window.cast_panel.add_pictures([face])
    assert session.undo_stack.undoText() == "Edit Tom"
    assert states(window) == [ShotState.STALE, ShotState.STALE, ShotState.DONE]
    assert window.storyboard.cards[0].why == "Tom has a new reference tom.png"

    show_dock(window, "storyboard")
    window.context.actions.action("sequence.generate_all").trigger()  # Sequence > Generate All
    qtbot.waitUntil(lambda: states(window) == [ShotState.DONE] * 3, timeout=WAIT)
    assert takes(window) == [2, 2, 1]
    _, shot = document.find_clip(session.timeline, second)
    made = provenance.read(shot.media_reference)
    assert shot.active_media_reference_key == "take-2"
    assert [Path(f["path"]).name for f in made.extra["reference_files"]] == ["tom.png"]
    assert cast.stale_clips(session.timeline) == []

    # undo one: that shot plays its first take again, stale again; Generate All brings it back from the cache
    landed_last = session.undo_stack.undoText()
    assert landed_last.startswith("Switch to take-2")
    window.context.actions.action("edit.undo").trigger()
    assert states(window).count(ShotState.STALE) == 1
    before = len(window.jobs_panel.model.jobs())
    window.storyboard.generate_button.click()
    qtbot.waitUntil(lambda: states(window) == [ShotState.DONE] * 3, timeout=WAIT)
    again = window.jobs_panel.model.jobs()[before:]
    assert len(again) == 2 and all(job.cached for job in again)
    assert takes(window) == [2, 2, 1]  # the take it had, playing again: no copy of it


@pytest.mark.slow
def test_a_batch_is_not_lost_when_the_editor_closes_reopening_and_generate_all_take_it_from_the_cache(
    engine_window, qtbot, tmp_path: Path
) -> None:
    timeline = persistence.load(keeper_project(tmp_path)).timeline
    first = engine_window(timeline.clone(), show=False)
    first.storyboard.generate_button.click()
    qtbot.waitUntil(lambda: states(first) == [ShotState.DONE] * 3, timeout=WAIT)
    first.close()  # unsaved: the user discards
    first.engine.stop()

    again = engine_window(timeline, show=False)  # the project as it was saved: placeholders
    assert states(again) == [ShotState.PLACEHOLDER] * 3
    assert default_cache_dir(again.context.session.path).is_dir()
    again.generate_all.generate()
    qtbot.waitUntil(lambda: states(again) == [ShotState.DONE] * 3, timeout=WAIT)
    rows = again.jobs_panel.model.jobs()
    assert len(rows) == 6 and all(job.cached for job in rows)
    assert all(job.state_text == "Done (from the cache)" for job in rows)
    assert not any(is_placeholder(c) for _, c in document.iter_clips(again.context.session.timeline))
