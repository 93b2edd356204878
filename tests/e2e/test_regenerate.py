"""Regenerate a shot from the editor: a real window, the real engine process, a take on the clip."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import QTimer

from editor.bin.model import NAME
from editor.timeline import menus
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.generate.video.timeline import shot_defaults
from engine.media.reference import clips_for
from engine.project import document, edits, takes, trackedit
from engine.project.document import new_project
from engine.project.mediapaths import path_from_url
from engine.results import manifest_of
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


@pytest.fixture
def window(engine_window, tmp_path: Path):
    """V1: "Harbour" then "Salt flat", 20 frames each of the same footage."""
    footage = write_video(tmp_path / "footage.mp4", frames=48, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    for start, name in ((0, "Harbour"), (20, "Salt flat")):
        (picture,) = clips_for(footage, RATE, 20, start)[:1]
        picture.name = name
        edits.append(timeline, {"V1": picture})
    return engine_window(timeline, show=False)


def salt_flat(window) -> str:
    return document.clip_id(document.track(window.context.session.timeline, "V1")[1])


def playing(window, ident: str) -> str:
    return document.find_clip(window.context.session.timeline, ident)[1].active_media_reference_key


def through_the_dialog(window, look) -> None:
    """Clip > Regenerate Shot on the selected clip; `look(dialog)` reads it, then presses a button."""
    QTimer.singleShot(0, lambda: look(window.generation.dialog))
    window.context.actions.action("clip.regenerate").trigger()


def bin_names(window) -> list[str]:
    model = window.bin.model
    return [model.index(row, NAME).data() for row in range(model.rowCount())]


def test_a_regenerated_shot_is_a_new_active_take_and_undo_goes_back_to_the_old_one(window, qtbot, tmp_path):
    session = window.context.session
    second = document.clip_id(document.track(session.timeline, "V1")[1])
    window.context.selection.set([second])
    assert window.generation.picture_clips() == [second]
    row, box = window.timeline_view.layout.find(second)
    menu = menus.clip_menu(window.timeline_view, row, box, box.start + 1)
    assert "&Regenerate Shot…" in [a.text() for a in menu.actions()]
    shown: list[float] = []
    window.jobs.clipProgress.connect(lambda ident, fraction: shown.append(fraction))
    asked = {"prompt": "A red door in the rain", "seed": 3}
    [token] = window.generation.regenerate([second], asked, "animatic")

    def playing_take() -> str:
        return document.find_clip(session.timeline, second)[1].active_media_reference_key

    qtbot.waitUntil(lambda: playing_take() == "take-2", timeout=60000)
    assert shown and shown[-1] == 1.0 and window.timeline_view.jobs == {}  # the clip showed the job, then not
    track, clip = document.find_clip(session.timeline, second)
    assert trackedit.duration_frames(clip, RATE) == 20
    assert [s.start for s in trackedit.layout(track, RATE)] == [0, 20]  # same place, same length
    take_file = Path(clip.media_reference.target_url.removeprefix("file://"))
    generated = frames_of(take_file)
    assert len(generated) == 20 and generated[0].shape == (36, 64, 3)
    made = takes.takes(clip)[1].provenance
    assert made.backend == "animatic" and made.prompt == "A red door in the rain" and made.seed == 3
    assert window.jobs_panel.model.job(token).state.name.lower() == "done"
    assert session.dirty

    # export has the new take's pictures where the clip is
    out = tmp_path / "cut.mp4"
    export_mp4(session.timeline, out, ExportSettings(crf=0, x264_preset="ultrafast"))
    exported = frames_of(out)
    assert len(exported) == 40
    assert np.abs(exported[25].astype(int) - generated[5].astype(int)).mean() < 4

    # undo plays the previous take again, and the new one is still there to choose
    window.context.actions.action("edit.undo").trigger()
    assert playing_take() == "take-1"
    listed = takes.takes(document.find_clip(session.timeline, second)[1])
    assert [t.key for t in listed] == ["take-1", "take-2"]
    window.context.actions.action("edit.redo").trigger()
    assert playing_take() == "take-2"
    # the next regenerate starts from what made this take
    assert shot_defaults(session.timeline, second).values["prompt"] == "A red door in the rain"


def test_the_dialog_is_prefilled_and_a_new_seed_is_drawn_unless_locked(window, qtbot) -> None:
    session = window.context.session
    first = document.clip_id(document.track(session.timeline, "V1")[0])
    dialog = window.generation.dialog
    dialog.set_backends(window.engine.info["tasks"]["video.generate"])
    dialog.fill(shot_defaults(session.timeline, first))
    assert dialog.prompt.toPlainText() == document.find_clip(session.timeline, first)[1].name
    assert dialog.chosen_backend == "animatic"  # the ready one first
    dialog.seed.setValue(1234)
    dialog.seed_lock.setChecked(True)
    assert dialog.values()["seed"] == 1234
    dialog.seed_lock.setChecked(False)
    assert {dialog.values()["seed"] for _ in range(5)} != {1234}


def test_sound_clips_are_not_offered_and_nothing_selected_says_so(window, qtbot) -> None:
    window.context.selection.clear()
    window.generation.regenerate_selected()
    assert window.statusBar().currentMessage() == "Select a picture clip to regenerate"


def test_with_keep_this_seed_off_the_dialog_says_new_seed_and_the_take_shows_the_seed_used(window, qtbot):
    session = window.context.session
    ident = salt_flat(window)
    window.context.selection.set([ident])
    box = window.inspector.takes
    seen: dict[str, object] = {}

    def look(dialog) -> None:
        seen.update(seed=dialog.seed.text(), editable=dialog.seed.isEnabled())
        seen.update(kept=dialog.seed_lock.isChecked())
        dialog.accept()  # Regenerate, with Keep this seed off

    through_the_dialog(window, look)
    assert seen == {"seed": "New seed", "editable": False, "kept": False}
    qtbot.waitUntil(lambda: playing(window, ident) == "take-2", timeout=60000)
    new_take = takes.takes(document.find_clip(session.timeline, ident)[1])[1]
    made = new_take.provenance
    asked = manifest_of(path_from_url(new_take.reference.target_url))["spec"]["params"]
    assert made.seed is not None and made.seed == asked["seed"]  # the seed the job ran with

    # the inspector shows that seed on the new take, and the new take is the one highlighted
    qtbot.waitUntil(lambda: box.list.count() == 2)
    assert box.current_key() == "take-2"
    assert box.list.item(1).text().startswith(f"Take 2   ▶ active\nseed {made.seed} · ")
    assert f"Seed: {made.seed}" in box.details.text()
    # Edit > Undo names the step for what the user did
    assert window.context.actions.action("edit.undo").text() == "&Undo Regenerate Salt flat"
    assert session.undo_stack.undoText() == "Regenerate Salt flat"

    # asked again: still a new seed unless kept, and keeping it keeps the seed of the take that plays
    def look_again(dialog) -> None:
        seen.update(seed=dialog.seed.text())
        dialog.seed_lock.setChecked(True)
        seen.update(kept_seed=dialog.seed.text(), editable=dialog.seed.isEnabled())
        dialog.seed_lock.setChecked(False)
        seen.update(unkept=dialog.seed.text())
        dialog.reject()

    through_the_dialog(window, look_again)
    assert seen["seed"] == "New seed" and seen["unkept"] == "New seed"
    assert seen["kept_seed"] == str(made.seed) and seen["editable"] is True


def test_a_regenerated_take_is_in_the_bin_as_clip_and_take_and_deleting_the_clip_leaves_it(window, qtbot):
    session = window.context.session
    ident = salt_flat(window)
    window.generation.regenerate([ident], {"prompt": "A salt flat at noon", "seed": 3}, "animatic")
    qtbot.waitUntil(lambda: playing(window, ident) == "take-2", timeout=60000)
    assert sorted(bin_names(window)) == ["Salt flat · take 2", "footage.mp4"]  # not animatic.mp4
    take_file = path_from_url(document.find_clip(session.timeline, ident)[1].media_reference.target_url)
    assert take_file.name == "animatic.mp4"  # the file keeps its cache name

    actions = window.context.actions
    for delete in ("timeline.lift", "timeline.ripple_delete"):  # Delete, then Shift+Delete
        window.context.selection.set([ident])
        actions.action(delete).trigger()
        assert ident not in [document.clip_id(c) for c in session.timeline.find_clips()]
        assert sorted(bin_names(window)) == ["Salt flat · take 2", "footage.mp4"]
        actions.action("edit.undo").trigger()
        assert sorted(bin_names(window)) == ["Salt flat · take 2", "footage.mp4"]
    # undoing the regenerate plays the old take again; the result stays in the bin too
    actions.action("edit.undo").trigger()
    assert playing(window, ident) == "take-1"
    assert "Salt flat · take 2" in bin_names(window)
