"""The Storyboard dock and Generate All, with the engine's part played by the test.

The jobs the editor asks for are run for real by the engine's in-process
queue (so results are real keyframes and shots in the project's cache);
the test hands each result back as the engine would, or says a job failed,
so failures, Cancel All and Retry Failed can be seen happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog

from editor.context import EditorContext
from editor.jobs.model import JobsModel, State
from editor.jobs.runner import JobRunner
from editor.settings import EditorSettings
from editor.storyboard.cards import ShotState
from editor.storyboard.generate_all import GenerateAllController
from editor.storyboard.job_states import ClipJobStates
from editor.storyboard.panel import StoryboardPanel
from engine.generate.batch import Batch
from engine.project import cast, document, persistence, provenance, trackedit
from engine.project.placeholders import is_placeholder
from engine.project.times import timecode
from engine.project.voices import CharacterVoice
from tests.support.fake_engine import FakeEngine
from tests.support.screenplays import keeper_project


def made(spec: dict[str, Any]) -> dict[str, Any]:
    """What the engine's `done` says for a spec: run it for real on the in-process queue."""
    outcomes = []
    Batch(1).run([spec], lambda _i, outcome: outcomes.append(outcome))
    assert outcomes[0].result is not None, outcomes[0].error
    return {**outcomes[0].result, "cached": outcomes[0].cached}


class Board:
    """The storyboard of THE_KEEPER with an engine the test answers for."""

    def __init__(self, qtbot, folder: Path) -> None:
        self.owner = QObject()
        self.context = EditorContext.create(self.owner, EditorSettings(folder / "settings.ini"))
        project = keeper_project(folder)
        self.context.session.replace(persistence.load(project).timeline, project)
        self.engine, self.jobs = FakeEngine(), JobsModel()
        self.runner = JobRunner(self.engine, self.jobs)
        self.generate_all = GenerateAllController(self.context, self.runner, None)
        self.panel = StoryboardPanel(self.context, ClipJobStates(self.runner), self.generate_all, None)
        qtbot.addWidget(self.panel)
        self.panel.resize(900, 320)

    @property
    def session(self):
        return self.context.session

    def states(self) -> list[ShotState]:
        return [card.state for card in self.panel.cards]

    def answer(self, engine_job: str) -> None:
        """The engine finishes job `engine_job` (its spec run for real)."""
        spec = self.engine.submitted[int(engine_job) - 1]
        self.engine.done.emit(engine_job, made(spec))

    def titles(self) -> list[str]:
        return [job.title for job in self.jobs.jobs()]


@pytest.fixture
def board(qtbot, tmp_path: Path, monkeypatch) -> Board:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return Board(qtbot, tmp_path)


def test_the_storyboard_shows_each_shot_of_the_script_as_a_placeholder_card(board: Board) -> None:
    cards = board.panel.cards
    assert [c.name[:3] for c in cards] == ["1.1", "2.1", "3.1"]
    assert cards[0].prompt.startswith("Fog rolls over the rocks.")
    assert cards[0].cast == ("Lighthouse", "Mara", "Tom")
    assert all(c.state == ShotState.PLACEHOLDER and c.takes == 0 for c in cards)
    for card in cards:  # each card's length is its clip's, as a timecode
        _, clip = document.find_clip(board.session.timeline, card.clip_id)
        assert card.length == timecode(trackedit.duration_frames(clip, 24), 24)
    assert cards[1].frames >= 2 * 24  # at least two seconds, as the script's layout gives every shot
    assert board.panel.list.count() == 3


def test_selecting_a_card_selects_its_clip_and_the_timeline_selection_selects_cards(board: Board) -> None:
    first, _second, third = (c.clip_id for c in board.panel.cards)
    board.panel.select_card(third)
    assert board.context.selection.ids == [third]
    board.context.selection.set([first])
    selected = [i.data(Qt.ItemDataRole.UserRole) for i in board.panel.list.selectedItems()]
    assert selected == [first]


def test_prompt_and_cast_tag_edits_on_the_storyboard_are_timeline_edits_that_undo(board: Board) -> None:
    session = board.session
    second = board.panel.cards[1].clip_id
    board.panel.select_card(second)
    assert board.panel.prompt.text() == "Tom fixes the wires while Mara holds the torch."
    board.panel.prompt.setText("Tom solders the wires by torchlight.")
    board.panel.prompt.editingFinished.emit()
    assert session.undo_stack.undoText().startswith("Prompt of 2.1")
    assert board.panel.card(second).prompt == "Tom solders the wires by torchlight."

    tom = next(a for a in board.panel.cast_menu.actions() if a.data() == "Tom")
    assert tom.isChecked()
    tom.setChecked(False)  # as unticking Tom in the Cast menu
    assert board.panel.card(second).cast == ("Lamp Room", "Mara")
    assert session.undo_stack.undoText().startswith("Cast of 2.1")

    session.undo_stack.undo()
    assert board.panel.card(second).cast == ("Lamp Room", "Mara", "Tom")
    session.undo_stack.undo()
    assert board.panel.card(second).prompt == "Tom fixes the wires while Mara holds the torch."


def test_generate_all_makes_keyframes_first_then_the_shots_each_a_take_and_one_undo_step(
    board: Board,
) -> None:
    session = board.session
    board.panel.generate_button.click()
    assert board.titles() == [f"Keyframe {c.name}" for c in board.panel.cards]
    assert [s["task"] for s in board.engine.submitted] == ["image.generate"] * 3  # no references yet
    assert board.states() == [ShotState.GENERATING] * 3
    assert board.panel.cancel_button.isEnabled()

    for job in ("1", "2", "3"):
        board.answer(job)  # a keyframe lands: its shot is asked for, from that picture
    assert [s["task"] for s in board.engine.submitted[3:]] == ["video.generate"] * 3
    keyframe = board.jobs.job("job-1")
    assert keyframe.state == State.DONE and keyframe.message == "Keyframe ready: the shot is queued"
    assert board.engine.submitted[3]["params"]["image"] == made(board.engine.submitted[0])["files"][0]
    assert board.titles()[3:] == [f"Generate {c.name}" for c in board.panel.cards]

    for job in ("4", "5", "6"):
        board.answer(job)
    assert board.states() == [ShotState.DONE] * 3
    assert [c.takes for c in board.panel.cards] == [1, 1, 1]
    assert board.panel.summary.text() == "3 of 3 shots"
    assert session.undo_stack.count() == 3  # one step per shot
    first = board.panel.cards[0].clip_id
    assert session.undo_stack.undoText() == f"Generate {board.panel.cards[2].name}"

    session.undo_stack.undo()
    assert board.states() == [ShotState.DONE, ShotState.DONE, ShotState.PLACEHOLDER]
    _, clip = document.find_clip(session.timeline, first)
    assert not is_placeholder(clip)


def test_a_failed_keyframe_shows_on_its_card_and_retry_failed_runs_it_again(board: Board) -> None:
    board.panel.generate_button.click()
    board.engine.failed.emit("2", "CUDA out of memory")
    assert board.states() == [ShotState.GENERATING, ShotState.FAILED, ShotState.GENERATING]
    assert board.panel.cards[1].why == "CUDA out of memory"
    assert board.panel.retry_button.isEnabled()
    assert board.panel.summary.text() == "0 of 3 shots · 1 failed"

    board.panel.retry_button.click()
    assert board.engine.submitted[3] == board.engine.submitted[1]  # the same job again
    assert board.states()[1] == ShotState.GENERATING
    board.answer("4")
    board.answer("5")
    assert board.states()[1] == ShotState.DONE
    assert board.panel.summary.text() == "1 of 3 shots"


def test_cancel_all_cancels_every_job_of_the_batch(board: Board) -> None:
    board.panel.generate_button.click()
    board.panel.cancel_button.click()
    assert board.engine.cancels == ["1", "2", "3"]
    for job in ("1", "2", "3"):
        board.engine.cancelled.emit(job)
    assert board.states() == [ShotState.PLACEHOLDER] * 3
    assert not board.panel.cancel_button.isEnabled() and board.panel.retry_button.isEnabled()


def test_stale_shots_show_their_badge_and_generate_all_takes_only_those(board: Board, tmp_path: Path) -> None:
    from PIL import Image

    board.generate_all.generate(stills_only=True)  # the keyframes as the shots' takes
    for job in ("1", "2", "3"):
        board.answer(job)
    assert board.states() == [ShotState.DONE] * 3
    face = tmp_path / "tom.png"
    Image.new("RGB", (60, 80), (30, 200, 30)).save(face)
    session = board.session
    tom = cast.member(session.timeline, "Tom")
    session.apply(cast.set_member, cast.CastMember("Tom", tom.kind, "an old engineer", (str(face),)))
    assert board.states() == [ShotState.STALE, ShotState.STALE, ShotState.DONE]
    assert board.panel.cards[0].why == "Tom has a new reference tom.png; Tom's description has changed"

    board.panel.generate_button.click()
    again = board.engine.submitted[3:]
    assert [s["task"] for s in again] == ["image.edit", "image.edit"]  # only the stale two, from Tom's face
    assert again[0]["params"]["references"] == [{"path": str(face), "name": "Tom"}]
    assert "Tom: an old engineer." in again[0]["params"]["prompt"]


def test_regenerate_stale_shots_takes_the_stale_ones_and_the_timeline_marks_them(board: Board) -> None:
    from editor.timeline.layout import TimelineLayout

    board.generate_all.generate(clip_ids=[c.clip_id for c in board.panel.cards[:2]], stills_only=True)
    for job in ("1", "2"):
        board.answer(job)
    assert board.states() == [ShotState.DONE, ShotState.DONE, ShotState.PLACEHOLDER]
    session = board.session
    mara = cast.member(session.timeline, "Mara")
    session.apply(cast.set_member, cast.CastMember("Mara", mara.kind, "a keeper in a yellow oilskin"))
    assert board.states() == [ShotState.STALE, ShotState.STALE, ShotState.PLACEHOLDER]
    assert board.panel.cards[0].why == "Mara's description has changed"
    boxes = {
        b.ident: b for row in TimelineLayout.build(session.timeline, lambda _p: True).rows for b in row.boxes
    }
    assert [(boxes[c.clip_id].stale, boxes[c.clip_id].placeholder) for c in board.panel.cards] == [
        (True, False),
        (True, False),
        (False, True),
    ]
    assert board.context.actions.action("sequence.regenerate_stale").text() == "Regenerate &Stale Shots"
    board.context.actions.action("sequence.regenerate_stale").trigger()
    again = board.engine.submitted[2:]
    assert [s["params"]["clip_id"] for s in again] == [c.clip_id for c in board.panel.cards[:2]]
    assert all("Mara: a keeper in a yellow oilskin." in s["params"]["prompt"] for s in again)


def test_anchored_shots_wait_for_the_next_keyframe_and_end_on_it(board: Board) -> None:
    anchors = board.context.actions.action("sequence.generate_anchors")
    assert anchors.isCheckable() and not anchors.isChecked()
    assert anchors in board.panel.generate_button.menu().actions()
    anchors.setChecked(True)
    board.panel.generate_button.click()
    keyframes = [made(spec)["files"][0] for spec in board.engine.submitted[:3]]
    board.answer("1")
    assert len(board.engine.submitted) == 3  # shot 1 waits for shot 2's keyframe
    assert board.jobs.job("job-1").message == "Keyframe ready: the shot waits for the next shot's keyframe"
    board.answer("2")
    (first,) = board.engine.submitted[3:]
    assert first["params"]["clip_id"] == board.panel.cards[0].clip_id
    assert first["params"]["last_image"] == keyframes[1]
    board.engine.failed.emit("3", "CUDA out of memory")  # shot 3's keyframe fails: shot 2 goes without it
    (second,) = board.engine.submitted[4:]
    assert (
        second["params"]["clip_id"] == board.panel.cards[1].clip_id and "last_image" not in second["params"]
    )


def test_generate_all_uses_the_models_chosen_for_it_kept_in_the_project_and_undone(
    board: Board, monkeypatch
) -> None:
    from editor.storyboard.generate_models import chosen_backends
    from engine.project.generate_models import generate_models

    def listed(default: str, other: str) -> list[dict]:
        return [
            {"name": default, "label": default.title(), "default": True, "ready": True},
            {"name": other, "label": other.title(), "ready": True},
        ]

    assert board.context.actions.action("sequence.generate_models").text() == "Generate All &Models…"
    dialog = board.generate_all.models_dialog
    backends = {
        "image.generate": listed("storyboard", "z-image"),
        "image.edit": listed("storyboard", "flux2-klein"),
        "video.generate": listed("animatic", "wan"),
    }
    monkeypatch.setattr(board.runner, "backends", lambda task: backends[task])
    shown = []

    def choose() -> QDialog.DialogCode:
        shown.append(dialog.boxes["video.generate"].currentText())
        dialog.boxes["image.generate"].setCurrentIndex(dialog.boxes["image.generate"].findData("z-image"))
        dialog.boxes["video.generate"].setCurrentIndex(dialog.boxes["video.generate"].findData("wan"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialog, "exec", choose)
    board.context.actions.action("sequence.generate_models").trigger()
    assert shown == ["Default: Animatic"]
    timeline = board.context.session.timeline
    assert generate_models(timeline) == {
        "image.generate": {"backend": "z-image"},
        "video.generate": {"backend": "wan"},
    }
    assert board.context.session.undo_stack.undoText() == "Choose Generate All Models"
    board.context.session.undo_stack.undo()  # back to every task's default
    assert chosen_backends(board.context.session.timeline) == {}
    board.context.session.undo_stack.redo()
    monkeypatch.setattr(dialog, "exec", lambda: QDialog.DialogCode.Accepted)
    board.context.actions.action("sequence.generate_models").trigger()  # shown again as chosen
    assert dialog.boxes["video.generate"].currentData() == "wan"

    board.generate_all.generate(clip_ids=[board.panel.cards[0].clip_id])
    (keyframe,) = board.engine.submitted
    assert keyframe["backend"] == "z-image"
    board.engine.done.emit("1", made({**keyframe, "backend": "storyboard"}))  # as a GPU's still would land
    assert board.engine.submitted[1]["backend"] == "wan"


def test_with_cards_selected_the_button_generates_only_those(board: Board) -> None:
    third = board.panel.cards[2].clip_id
    board.panel.select_card(third)
    assert board.panel.generate_button.text() == "Generate 1 Selected"
    board.panel.generate_button.click()
    assert board.titles() == [f"Keyframe {board.panel.cards[2].name}"]
    assert board.states() == [ShotState.PLACEHOLDER, ShotState.PLACEHOLDER, ShotState.GENERATING]
    board.context.selection.clear()
    assert board.panel.generate_button.text() == "Generate All"


def test_a_new_voice_for_a_character_makes_generate_all_speak_their_lines_again(board: Board) -> None:
    session = board.session
    mara = cast.member(session.timeline, "Mara")
    session.apply(cast.set_member, mara, CharacterVoice("espeak", "en-gb", 1.1))
    board.generate_all.generate(stills_only=False)
    spoken = [s for s in board.engine.submitted if s["task"] == "voice.speak"]
    assert [s["params"]["text"] for s in spoken] == ["The lamp went out again.", "Hurry.", "It holds."]
    assert board.titles()[3:] == [
        "Speak again Mara: The lamp went out again.",
        "Speak again Mara: Hurry.",
        "Speak again Mara: It holds.",
    ]
    first_line = spoken[0]["params"]["clip_id"]
    job = str(board.engine.submitted.index(spoken[0]) + 1)
    steps = session.undo_stack.count()
    board.answer(job)
    _, clip = document.find_clip(session.timeline, first_line)
    assert clip.active_media_reference_key == "take-2" and session.undo_stack.count() == steps + 1
    made_now = provenance.read(clip.media_reference)
    assert (made_now.backend, made_now.extra["voice"], made_now.extra["speed"]) == ("espeak", "en-gb", 1.1)
    assert board.panel.summary.text() == "0 of 3 shots · 1 of 3 lines"
