"""Speed ramps in the inspector: the preset, keyframes added at the playhead, changed and removed."""

from __future__ import annotations

import pytest

from editor.main_window import MainWindow
from engine.project import document, edits, ramp_curve, speed_ramp
from engine.project.document import clip_id, new_project
from tests.support.editing import RATE, av_shot, layout, shot


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    timeline = new_project("cut", rate=RATE, size=(64, 36))
    video, sound = av_shot("City", 40, start=10)
    edits.append(timeline, {"V1": video, "A1": sound})
    edits.append(timeline, {"V1": shot("Dawn", 30, start=5)})
    win.show_timeline(timeline, None)
    return win


def city(window: MainWindow):
    return document.track(window.timeline, "V1")[0]


def keys(window: MainWindow) -> list[tuple[int, float, str]]:
    return [(k.frame, float(k.percent), k.ease) for k in ramp_curve.keyframes(city(window))]


def test_the_speed_ramp_preset_slows_the_middle_and_undo_restores_the_clip(window) -> None:
    window.context.selection.set([clip_id(city(window))])
    box = window.inspector.speed
    ramp = box.ramp
    assert ramp.isVisible() and ramp.table.rowCount() == 0
    box.ripple.setChecked(True)
    menu = ramp.preset.menu()
    assert [a.text() for a in menu.actions()] == [p.label for p in speed_ramp.PRESETS]
    ramp.presets["slow-middle"].trigger()  # Speed ramp > Slow motion in the middle
    length = city(window).source_range.duration.value
    assert keys(window) == [(0, 100.0, "ease"), (round(length / 2), 30.0, "ease"), (length, 100.0, "ease")]
    assert ramp.table.rowCount() == 3
    assert layout(window.timeline, "V1") == [("City", 0, length), ("Dawn", length, length + 30)]
    assert layout(window.timeline, "A1") == [("City", 0, length)]  # the linked sound follows
    assert window.timeline_view.layout.find(clip_id(city(window)))[1].speed == "Ramp"
    assert box.method.isEnabled()  # slow motion method: the ramp goes below 100%
    window.context.actions.action("edit.undo").trigger()
    assert keys(window) == [] and layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 70)]


@pytest.mark.parametrize(
    ("key", "percents"),
    [("fast-middle", [100.0, 300.0, 100.0]), ("into-slow", [100.0, 25.0]), ("out-of-slow", [25.0, 100.0])],
)
def test_the_speed_ramp_menu_applies_each_preset_over_the_clips_media(window, key, percents) -> None:
    window.context.selection.set([clip_id(city(window))])
    ramp = window.inspector.speed.ramp
    window.inspector.speed.ripple.setChecked(True)
    ramp.presets[key].trigger()
    clip = city(window)
    length = clip.source_range.duration.value
    found = ramp_curve.keyframes(clip)
    assert [float(k.percent) for k in found] == percents and {k.ease for k in found} == {"ease"}
    assert ramp_curve.span(found, length) == 40  # City's 40 source frames, up to its last
    assert ramp.table.rowCount() == len(percents)
    assert layout(window.timeline, "V1") == [("City", 0, length), ("Dawn", length, length + 30)]
    assert layout(window.timeline, "A1") == [("City", 0, length)]
    window.context.actions.action("edit.undo").trigger()
    assert keys(window) == [] and layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 70)]


def test_keyframes_are_added_at_the_playhead_changed_and_removed(window) -> None:
    window.context.selection.set([clip_id(city(window))])
    ramp = window.inspector.speed.ramp
    window.inspector.speed.ripple.setChecked(True)
    window.context.playhead.move_to(10)
    ramp.add.click()
    assert keys(window) == [(0, 100.0, "linear"), (10, 100.0, "linear")]
    ramp.table.cellWidget(1, 1).setValue(50.0)  # the second keyframe to 50%
    assert keys(window) == [(0, 100.0, "linear"), (10, 50.0, "linear")]
    # 10 frames slowing 100% -> 50% use 7.5 source frames; the other 32.5 at half speed: 65 frames
    assert layout(window.timeline, "V1") == [("City", 0, 75), ("Dawn", 75, 105)]
    ease = ramp.table.cellWidget(0, 2)
    ease.setCurrentIndex(ease.findData(ramp_curve.EASE))
    ease.activated.emit(ease.currentIndex())
    assert keys(window)[0] == (0, 100.0, "ease")
    ramp.table.selectRow(0)
    ramp.remove.click()
    assert keys(window) == [(10, 50.0, "linear")]
    assert ramp.table.rowCount() == 1
