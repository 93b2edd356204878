"""The seed box of the generation dialogs tells the truth about the seed the job will use.

With "Keep this seed" off, a new seed is drawn when the job is sent, so the
box must not show a number as if it would be used: it reads "New seed" and
cannot be typed in. Ticking "Keep this seed" shows the seed that will be
used (the playing take's, or the last one drawn) and lets the user change it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from editor.generate.dialog import RegenerateDialog
from editor.generate.new_shot_dialog import GenerateShotDialog
from editor.generate.score_dialog import ScoreDialog
from engine.generate.video.timeline import ShotDefaults

BACKENDS = [{"name": "animatic", "label": "Animatic", "ready": True, "default": True}]


def shown(dialog) -> tuple[str, bool]:
    """What the seed box reads and whether the user can type in it."""
    return dialog.seed.text(), dialog.seed.isEnabled()


def test_regenerate_shows_new_seed_unless_the_takes_seed_is_kept(qtbot) -> None:
    dialog = RegenerateDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(BACKENDS)
    dialog.fill(ShotDefaults("c1", "Salt flat", 24, "animatic", {"prompt": "A salt flat", "seed": 4242}))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert shown(dialog) == ("New seed", False)
    assert "4242" in dialog.seed.toolTip()  # the seed that ticking the box would keep

    qtbot.mouseClick(dialog.seed_lock, Qt.MouseButton.LeftButton, pos=dialog.seed_lock.rect().center())
    assert dialog.seed_lock.isChecked() and shown(dialog) == ("4242", True)
    assert dialog.values()["seed"] == 4242
    dialog.seed.selectAll()
    qtbot.keyClicks(dialog.seed, "77")
    assert dialog.values()["seed"] == 77

    dialog.seed_lock.setChecked(False)
    assert shown(dialog) == ("New seed", False)
    assert len({dialog.values()["seed"] for _ in range(4)}) > 1  # each job draws its own


def test_a_new_shot_draws_a_new_seed_and_says_so(qtbot) -> None:
    dialog = GenerateShotDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(BACKENDS)
    dialog.seed_lock.setChecked(True)  # left ticked from the last shot
    dialog.fill_new("On V1", 24, 24.0, with_previous=False)
    assert shown(dialog) == ("New seed", False) and not dialog.seed_lock.isChecked()
    dialog.seed_lock.setChecked(True)
    text, editable = shown(dialog)
    assert editable and text.isdigit() and dialog.values()["seed"] == int(text)


def test_score_music_says_new_seed_and_keeps_the_one_it_drew_for_next_time(qtbot) -> None:
    dialog = ScoreDialog()
    qtbot.addWidget(dialog)
    dialog.set_backends(BACKENDS)
    assert shown(dialog) == ("New seed", False)
    used = dialog.values()["seed"]
    assert shown(dialog) == ("New seed", False)  # still: the next score draws again
    dialog.seed_lock.setChecked(True)
    assert shown(dialog) == (str(used), True) and dialog.values()["seed"] == used
