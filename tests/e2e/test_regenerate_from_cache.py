"""Regenerate Shot answered from the cache, as a user meets it: a real window and the real engine.

The defect: Regenerate Shot with "Keep this seed" on a shot whose take came
from the same settings left its Jobs row at "0% · Queued" for good; Cancel
did nothing; no take arrived.
"""

from __future__ import annotations

import time
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialogButtonBox

from editor.inspector.takes_box import KEY_ROLE
from editor.jobs.model import Column, State
from editor.main_window import MainWindow
from engine.media.reference import clips_for
from engine.project import document, edits, takes
from engine.project.document import new_project
from tests.support.docks import front_tab
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)
PROMPTLY = 3.0  # seconds: a result from the cache needs no generating, only the engine's round trip


@pytest.fixture
def window(engine_window, tmp_path: Path) -> MainWindow:
    footage = write_video(tmp_path / "footage.mp4", frames=48, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    for start in (0, 20):
        (picture,) = clips_for(footage, RATE, 20, start)[:1]
        edits.append(timeline, {"V1": picture})
    return engine_window(timeline, show=True)


def regenerate_from_the_menu(window: MainWindow, prompt: str | None = None) -> str:
    """Clip > Regenerate Shot…, tick "Keep this seed" (typing a prompt if given), press Regenerate.

    Returns the token of the Jobs row it made.
    """
    dialog = window.generation.dialog

    def answer() -> None:
        if not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        if prompt is not None:
            dialog.prompt.setPlainText(prompt)
            dialog.seed.setValue(3)
        dialog.backend.setCurrentIndex(dialog.backend.findData("animatic"))
        dialog.seed_lock.setChecked(True)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    before = window.jobs_panel.model.rowCount()
    QTimer.singleShot(0, answer)
    window.context.actions.action("clip.regenerate").trigger()
    model = window.jobs_panel.model
    assert model.rowCount() == before + 1, "one new row in the Jobs panel"
    return model.jobs()[-1].job_id


def test_regenerate_with_keep_this_seed_on_a_take_made_so_is_done_from_the_cache_with_that_take_playing(
    window, qtbot
) -> None:
    session, model = window.context.session, window.jobs_panel.model
    second = document.clip_id(document.track(session.timeline, "V1")[1])
    window.context.selection.set([second])

    def clip():
        return document.find_clip(session.timeline, second)[1]

    assert front_tab(window) == "Inspector"
    first = regenerate_from_the_menu(window, prompt="A red door in the rain")
    assert front_tab(window) == "Jobs", "the Jobs dock comes forward when a job starts from a menu"
    assert model.job(first).title == "Regenerate footage"  # says what it makes: the clip regenerated
    qtbot.waitUntil(lambda: model.job(first).state == State.DONE, timeout=60000)
    assert model.job(first).state_text == "Done" and clip().active_media_reference_key == "take-2"

    # the same shot again, the same settings (prefilled from take-2), "Keep this seed" ticked
    asked = time.monotonic()
    again = regenerate_from_the_menu(window)
    qtbot.waitUntil(lambda: model.job(again).state.finished, timeout=10000)
    took = time.monotonic() - asked
    row = model.job(again)
    assert (row.state, row.state_text) == (State.DONE, "Done (from the cache)"), row.message
    assert took < PROMPTLY, f"a cached result took {took:.1f} s"
    assert model.data(model.index(model.rowCount() - 1, Column.STAGE)) == "Done (from the cache)"
    assert window.jobs_panel.status_text(again) == "Done (from the cache)"  # what the dock's row shows
    assert not window.jobs_panel.buttons(again).cancel.isVisible()
    # its take is the one that plays, and it is not added a second time
    assert clip().active_media_reference_key == "take-2"
    assert [t.key for t in takes.takes(clip())] == ["take-1", "take-2"]
    listed = window.inspector.takes.list
    shown = {listed.item(r).data(KEY_ROLE): listed.item(r).text() for r in range(listed.count())}
    assert "active" in shown["take-2"].splitlines()[0] and "active" not in shown["take-1"]

    # after Undo (take-1 plays again), asking for take-2's prompt and seed brings take-2 back, not a copy
    window.context.actions.action("edit.undo").trigger()
    assert clip().active_media_reference_key == "take-1"
    third = regenerate_from_the_menu(window, prompt="A red door in the rain")
    qtbot.waitUntil(lambda: model.job(third).state.finished, timeout=10000)
    assert model.job(third).state_text == "Done (from the cache)", model.job(third).message
    assert clip().active_media_reference_key == "take-2"
    assert [t.key for t in takes.takes(clip())] == ["take-1", "take-2"]
    shown = {listed.item(r).data(KEY_ROLE): listed.item(r).text() for r in range(listed.count())}
    assert "active" in shown["take-2"].splitlines()[0]
