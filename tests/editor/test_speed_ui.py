"""Speed in the editor: the inspector's Speed section, Clip > Speed/Duration… (Ctrl+R), Clip > Freeze
Frame, and the speed written on the clip in the timeline."""

from __future__ import annotations

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from editor.main_window import MainWindow
from editor.timeline import speed_commands
from engine.project import document, edits, timewarp
from engine.project.document import clip_id, new_project
from tests.support.editing import RATE, av_shot, layout, shot


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    timeline = new_project("cut", rate=RATE, size=(64, 36))
    video, sound = av_shot("City", 40, start=10)
    edits.append(timeline, {"V1": video, "A1": sound})
    edits.append(timeline, {"V1": shot("Dawn", 30, start=5)})
    win.show_timeline(timeline, None)
    return win


def city(window: MainWindow) -> str:
    return clip_id(document.track(window.timeline, "V1")[0])


def label_of(window: MainWindow, ident: str) -> str:
    return window.timeline_view.layout.find(ident)[1].speed


def test_typing_a_speed_in_the_inspector_changes_the_clip_and_undo_restores_it(window, qtbot) -> None:
    window.context.selection.set([city(window)])
    box = window.inspector.speed
    assert box.isVisible() and box.percent.value() == 100 and not box.reverse.isChecked()
    assert not box.method.isEnabled()  # the slow-motion method matters only below 100%
    box.ripple.setChecked(True)
    box.percent.setFocus()
    box.percent.selectAll()
    qtbot.keyClicks(box.percent, "50")
    qtbot.keyClick(box.percent, Qt.Key.Key_Return)
    assert layout(window.timeline, "V1") == [("City", 0, 80), ("Dawn", 80, 110)]
    assert layout(window.timeline, "A1") == [("City", 0, 80)]  # the linked sound follows
    assert label_of(window, city(window)) == "50%"
    assert box.method.isEnabled()
    box.method.setCurrentIndex(box.method.findData(timewarp.FLOW))
    box.method.activated.emit(box.method.currentIndex())
    assert timewarp.interpolation(document.find_clip(window.timeline, city(window))[1]) == timewarp.FLOW
    window.context.actions.action("edit.undo").trigger()
    window.context.actions.action("edit.undo").trigger()
    assert layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 70)]
    assert label_of(window, city(window)) == ""


def test_reverse_in_the_inspector_keeps_the_length(window) -> None:
    window.context.selection.set([city(window)])
    window.inspector.speed.reverse.setChecked(True)
    assert layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 70)]
    assert label_of(window, city(window)) == "-100%"


def test_ctrl_r_opens_speed_duration_and_applies_it(window, monkeypatch) -> None:
    shown = {}

    def accept(dialog: speed_commands.SpeedDialog) -> int:
        shown["duration"] = dialog.duration.value()
        dialog.duration.setValue(20)  # typing a duration sets the speed: 40 frames in 20 is 200%
        shown["percent"] = dialog.percent.value()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", accept)
    action = window.context.actions.action("clip.speed")
    assert action.shortcut().toString() == "Ctrl+R" and action.text() == "Speed/D&uration…"
    window.context.selection.set([city(window)])
    action.trigger()
    assert shown == {"duration": 40, "percent": 200.0}
    # without ripple the clip leaves a gap and Dawn stays where it was
    assert layout(window.timeline, "V1") == [("City", 0, 20), ("gap", 20, 40), ("Dawn", 40, 70)]
    assert label_of(window, city(window)) == "200%"


def test_freeze_frame_holds_the_playhead_frame(window) -> None:
    window.context.playhead.move_to(50)  # 10 frames into Dawn
    window.context.actions.action("clip.freeze_frame").trigger()
    assert layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 50), ("Dawn", 50, 70)]
    held = document.track(window.timeline, "V1")[2]
    assert isinstance(held.effects[0], otio.schema.FreezeFrame)
    assert window.context.selection.ids == [clip_id(held)]
    assert label_of(window, clip_id(held)) == "Freeze"
    assert window.inspector.speed.frozen.isVisible()


def test_the_viewer_shows_the_exported_frames_of_a_slowed_and_a_reversed_clip(
    qtbot, tmp_path, monkeypatch
) -> None:
    """The viewer's picture at each frame is the frame the export writes (the same renderer)."""
    import av

    from engine.export.mp4 import export_mp4
    from engine.export.presets import ExportSettings
    from engine.media.reference import clips_for
    from engine.playback.audio_output import AudioUnavailable
    from engine.project import speed
    from tests.editor.test_viewer import to_array
    from tests.support import mediagen

    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    size = (64, 36)
    count = mediagen.write_video(tmp_path / "count.mp4", 60, size=size, gop=10)
    timeline = new_project("speed", rate=RATE, size=size)
    slow = clips_for(count, RATE, 10, 5)[0]
    back = clips_for(count, RATE, 10, 30)[0]
    edits.append(timeline, {"V1": slow})
    edits.append(timeline, {"V1": back})
    speed.set_speed(timeline, clip_id(slow), 50, ripple=True)  # 20 frames: 5,5,6,6,...
    speed.set_speed(timeline, clip_id(back), 100, reverse=True)  # 39 down to 30
    win = MainWindow()
    qtbot.addWidget(win)
    win.viewer.player.open_stream = lambda *args: (_ for _ in ()).throw(AudioUnavailable("no output device"))
    win.show_timeline(timeline, None)
    win.show()
    export_mp4(timeline, tmp_path / "speed.mp4", ExportSettings(crf=18, x264_preset="ultrafast"))
    with av.open(str(tmp_path / "speed.mp4")) as container:
        exported = [mediagen.read_index(f.to_ndarray(format="rgb24")) for f in container.decode(video=0)]
    assert exported == [5 + i // 2 for i in range(20)] + list(range(39, 29, -1))
    seen = []
    for frame in (0, 1, 7, 19, 20, 25, 29):
        win.context.playhead.move_to(frame)
        qtbot.waitUntil(
            lambda f=frame: win.viewer.picture.frame == f and win.viewer.picture.image is not None
        )
        seen.append(mediagen.read_index(to_array(win.viewer.picture.image)))
    assert seen == [exported[f] for f in (0, 1, 7, 19, 20, 25, 29)]
    win.viewer.shutdown()


def test_ctrl_r_offers_the_speed_ramp_preset_beside_constant_speed(window, monkeypatch) -> None:
    from engine.project import ramp_curve

    seen = {}

    def choose_ramp(dialog: speed_commands.SpeedDialog) -> int:
        seen["kinds"] = [dialog.kind.itemData(i) for i in range(dialog.kind.count())]
        seen["first"] = dialog.kind.currentData()
        dialog.kind.setCurrentIndex(dialog.kind.findData(speed_commands.RAMP))
        seen["speed fields on"] = dialog.percent.isEnabled() or dialog.duration.isEnabled()
        dialog.ripple.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", choose_ramp)
    window.context.selection.set([city(window)])
    window.context.actions.action("clip.speed").trigger()
    ramps = ["slow-middle", "fast-middle", "into-slow", "out-of-slow"]
    # constant speed, a separator, then the ramps
    assert seen == {"kinds": ["constant", None, *ramps], "first": "constant", "speed fields on": False}
    ramped = document.track(window.timeline, "V1")[0]
    keys = ramp_curve.keyframes(ramped)
    assert [float(k.percent) for k in keys] == [100.0, 30.0, 100.0]
    assert all(k.ease == ramp_curve.EASE for k in keys)
    # the ramp plays the clip's same 40 source frames, slower in the middle, so the clip is longer and
    # (ripple) Dawn moves along with it
    (name, start, end), (after, moved, _) = layout(window.timeline, "V1")
    assert (name, start, after) == ("City", 0, "Dawn") and end > 40 and moved == end
    assert label_of(window, city(window)) != ""
    # opened again on the ramped clip, the dialog starts on "Speed ramp"
    monkeypatch.setattr(
        speed_commands.SpeedDialog, "exec", lambda d: seen.update(again=d.kind.currentData()) or 0
    )
    window.context.actions.action("clip.speed").trigger()
    assert seen["again"] == "slow-middle"
    window.context.actions.action("edit.undo").trigger()
    assert layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 70)]


@pytest.mark.parametrize(
    ("label", "percents", "longer"),
    [
        ("Speed up in the middle (100% → 300% → 100%)", [100.0, 300.0, 100.0], False),
        ("Ramp into slow motion (100% → 25%)", [100.0, 25.0], True),
        ("Ramp out of slow motion (25% → 100%)", [25.0, 100.0], True),
    ],
)
def test_ctrl_r_applies_each_ramp_preset_over_the_clips_media(
    window, monkeypatch, label, percents, longer
) -> None:
    from engine.project import ramp_curve

    def choose(dialog: speed_commands.SpeedDialog) -> int:
        dialog.kind.setCurrentIndex(dialog.kind.findText(label))
        dialog.ripple.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", choose)
    window.context.selection.set([city(window)])
    window.context.actions.action("clip.speed").trigger()
    ramped = document.track(window.timeline, "V1")[0]
    keys = ramp_curve.keyframes(ramped)
    length = ramped.source_range.duration.value
    assert [float(k.percent) for k in keys] == percents
    assert all(k.ease == ramp_curve.EASE for k in keys) and keys[0].frame == 0
    assert 0 <= length - keys[-1].frame <= 2  # spread over the clip, the last speed holding to its end
    # the ramp plays City's same 40 source frames up to the last: a rush shortens the clip, slow
    # motion lengthens it, and (ripple) Dawn follows
    assert ramp_curve.span(keys, length) == 40 and ramp_curve.position(keys, length) >= 40
    assert (length > 40) == longer
    assert layout(window.timeline, "V1") == [("City", 0, length), ("Dawn", length, length + 30)]
    seen = {}
    monkeypatch.setattr(
        speed_commands.SpeedDialog, "exec", lambda d: seen.update(again=d.kind.currentText()) or 0
    )
    window.context.actions.action("clip.speed").trigger()
    assert seen["again"] == label  # opened again, the dialog shows the ramp the clip has
    window.context.actions.action("edit.undo").trigger()
    assert layout(window.timeline, "V1") == [("City", 0, 40), ("Dawn", 40, 70)]


def test_ctrl_r_on_a_hand_edited_ramp_keeps_it_unless_a_preset_is_chosen(window, monkeypatch) -> None:
    from engine.project import ramp_curve

    def choose(kind: str, method: str | None = None):
        def run(dialog: speed_commands.SpeedDialog) -> int:
            seen["kinds"] = [dialog.kind.itemData(i) for i in range(dialog.kind.count())]
            seen["first"], seen["text"] = dialog.kind.currentData(), dialog.kind.currentText()
            dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
            if method is not None:
                dialog.method.setCurrentIndex(dialog.method.findData(method))
            return QDialog.DialogCode.Accepted

        return run

    def ramp() -> tuple[list, str]:
        clip = document.find_clip(window.timeline, city(window))[1]
        return ramp_curve.keyframes(clip), timewarp.interpolation(clip)

    seen: dict = {}
    window.context.selection.set([city(window)])
    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", choose(speed_commands.RAMP))
    window.context.actions.action("clip.speed").trigger()  # 100% -> 30% -> 100%
    # the editor changes the middle keyframe in the inspector's ramp table: no preset is like it now
    window.inspector.speed.ramp.table.cellWidget(1, 1).setValue(45.0)
    edited, method = ramp()
    assert [float(k.percent) for k in edited] == [100.0, 45.0, 100.0]
    stack = window.context.session.undo_stack
    steps = stack.index()

    # Ctrl+R offers that ramp, chosen, and OK keeps it; the slow-motion method chosen still applies
    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", choose(speed_commands.KEEP, timewarp.FLOW))
    window.context.actions.action("clip.speed").trigger()
    ramps = ["slow-middle", "fast-middle", "into-slow", "out-of-slow"]
    assert seen["kinds"] == ["constant", None, "keep", *ramps] and seen["first"] == "keep"
    assert seen["text"] == "Keep this ramp, as edited (100% → 45% → 100%)"
    assert ramp() == (edited, timewarp.FLOW)
    assert stack.index() == steps + 1
    window.context.actions.action("edit.undo").trigger()
    assert ramp() == (edited, method)

    # OK with nothing changed changes nothing, and leaves no empty undo step
    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", choose(speed_commands.KEEP))
    window.context.actions.action("clip.speed").trigger()
    assert ramp() == (edited, method) and stack.index() == steps

    # choosing a preset instead replaces the ramp, in one undo step
    monkeypatch.setattr(speed_commands.SpeedDialog, "exec", choose("fast-middle"))
    window.context.actions.action("clip.speed").trigger()
    assert [float(k.percent) for k in ramp()[0]] == [100.0, 300.0, 100.0]
    assert stack.index() == steps + 1
    window.context.actions.action("edit.undo").trigger()
    assert ramp() == (edited, method)
