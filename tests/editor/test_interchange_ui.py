"""Cuts from Premiere, Resolve and Avid in the window: File > Open reads them (asking an EDL's rate and
which of several timelines), Import Timeline adds one to the open project, Relink Media finds the
media in a folder as one undo step, Export Timeline and Save Bundle write for someone else.

The foreign files are written by OpenTimelineIO's own adapters (tests/support/foreign.py) and point
at media that are elsewhere, as a cut brought from another machine does.
"""

from __future__ import annotations

import shutil
import threading
import zipfile
from pathlib import Path

import opentimelineio as otio
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from editor.main_window import MainWindow
from editor.project import busy, interchange_actions, interchange_prompts, prompts
from engine.errors import Cancelled as EngineCancelled
from engine.interchange import bundle, finishing
from engine.interchange.formats import FORMATS
from engine.project import document, persistence, trackedit
from engine.project.clips import media_clip, media_reference
from engine.project.document import VIDEO, new_project
from engine.project.mediapaths import path_from_url
from engine.project.times import tr
from tests.support import foreign
from tests.support.mediagen import write_video
from tests.support.projectkit import Messages, press

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    return foreign.write_media(tmp_path_factory.mktemp("footage"))


@pytest.fixture
def messages(monkeypatch) -> Messages:
    return Messages().install(monkeypatch)


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, messages) -> MainWindow:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


class Answers:
    """What the user answers: the file dialogs, the EDL's rate, which timeline."""

    def __init__(self, monkeypatch) -> None:
        self.open_paths: list[Path] = []
        self.rates: list[float | None] = []
        self.timelines: list[int | None] = []
        self.asked: list[str] = []
        monkeypatch.setattr(prompts, "ask_open_path", lambda _p, _f: self._next("open", self.open_paths))
        monkeypatch.setattr(prompts, "ask_save_path", lambda _p, _s: self._next("save as", []))
        monkeypatch.setattr(prompts, "ask_save_changes", lambda *_a: self._next("save changes", ["discard"]))
        monkeypatch.setattr(interchange_prompts, "ask_edl_rate", lambda *_a: self._next("rate", self.rates))
        monkeypatch.setattr(
            interchange_prompts,
            "ask_timeline",
            lambda _p, _f, names: self._next(f"which of {names}", self.timelines),
        )

    def _next(self, question: str, answers: list):
        self.asked.append(question)
        return answers.pop(0) if answers else None


@pytest.fixture
def answers(monkeypatch) -> Answers:
    return Answers(monkeypatch)


def clip_names(window: MainWindow) -> list[str]:
    return [c.name for c in window.timeline.find_clips()]


def offline_clips(window: MainWindow) -> list[str]:
    found = []
    for clip in window.timeline.find_clips():
        url = getattr(clip.media_reference, "target_url", None)
        path = path_from_url(url) if url else None
        if path is None or not path.is_file():
            found.append(clip.name)
    return found


def open_edl(window: MainWindow, answers: Answers, tmp_path: Path) -> Path:
    edl = foreign.write_edl(tmp_path)
    answers.open_paths.append(edl)
    answers.rates.append(25.0)
    press(window, Qt.Key.Key_O, CTRL)
    return edl


# File > Open ------------------------------------------------------------------------------------


def test_the_open_dialog_lists_every_format_shotline_reads() -> None:
    offered = interchange_prompts.open_filter()
    for suffix in (".otio", ".otioz", ".edl", ".xml", ".fcpxml", ".aaf", ".kdenlive"):
        assert f"*{suffix}" in offered.split(";;")[0], suffix
    assert "Final Cut Pro 7 XML (*.xml)" in offered and "AAF (*.aaf)" in offered


def test_an_edl_opens_at_the_rate_asked_offline_by_reel_and_save_never_writes_over_it(
    window, answers, messages, tmp_path
) -> None:
    edl = open_edl(window, answers, tmp_path)
    before = edl.read_bytes()

    assert answers.asked == ["open", "rate"]
    assert clip_names(window) == ["shot_a.mov", "B camera"]
    assert window.context.session.rate == pytest.approx(25.0)
    kind, title, text = messages.shown[-1]
    assert (kind, title) == ("information", "Offline media")
    assert (
        "• shot_a.mov: no media file (reel A001)" in text and "B camera: no media file (reel SHOT_B)" in text
    )
    assert "Relink Media" in text
    # a new, unsaved project named after the cut: Save asks where, and the EDL stays an EDL
    assert window.project_path is None and window.isWindowModified()
    assert window.windowTitle() == "Scene 12[*] — Shotline"
    press(window, Qt.Key.Key_S, CTRL)
    assert answers.asked[-1] == "save as" and edl.read_bytes() == before
    assert window.context.settings.recent_projects()[0] == edl


def test_an_edl_whose_rate_question_is_cancelled_leaves_the_open_project(window, answers, messages, tmp_path):
    answers.open_paths.append(foreign.write_edl(tmp_path))
    answers.rates.append(None)
    names = clip_names(window)
    press(window, Qt.Key.Key_O, CTRL)
    assert clip_names(window) == names and messages.shown == []


def two_timelines(folder: Path) -> Path:
    cuts = []
    for name, length in (("Assembly", 10), ("Fine cut", 7)):
        timeline = otio.schema.Timeline(name)
        track = otio.schema.Track("V1", kind="Video")
        track.append(
            otio.schema.Clip(
                f"{name} shot",
                otio.schema.MissingReference(),
                foreign.TR(foreign.RT(0, 25), foreign.RT(length, 25)),
            )
        )
        timeline.tracks.append(track)
        cuts.append(timeline)
    path = folder / "two.xml"
    path.write_text(
        otio.adapters.write_to_string(otio.schema.SerializableCollection(children=cuts), "fcp_xml")
    )
    return path


def test_a_file_with_two_timelines_asks_which_and_cancel_changes_nothing(window, answers, messages, tmp_path):
    xml = two_timelines(tmp_path)
    names = clip_names(window)
    answers.open_paths.append(xml)
    answers.timelines.append(None)
    press(window, Qt.Key.Key_O, CTRL)
    assert answers.asked == ["open", "which of ['Assembly', 'Fine cut']"]
    assert clip_names(window) == names and messages.shown == []

    answers.open_paths.append(xml)
    answers.timelines.append(1)
    press(window, Qt.Key.Key_O, CTRL)
    assert window.timeline.name == "Fine cut" and clip_names(window) == ["Fine cut shot"]
    assert messages.shown[-1][1] == "Offline media"


def test_a_file_shotline_cannot_read_says_why_in_one_line(window, answers, messages, tmp_path):
    broken = tmp_path / "broken.aaf"
    broken.write_bytes(b"not an AAF at all")
    answers.open_paths.append(broken)
    names = clip_names(window)
    press(window, Qt.Key.Key_O, CTRL)
    kind, title, text = messages.shown[-1]
    assert (kind, title) == ("warning", "Cannot open project")
    assert text.startswith("broken.aaf is not a readable AAF file") and "\n" not in text
    assert clip_names(window) == names


# Relink Media ------------------------------------------------------------------------------------


def test_relink_finds_clips_by_reel_off_the_gui_thread_as_one_undo_step(
    window, answers, media, tmp_path, monkeypatch
) -> None:
    open_edl(window, answers, tmp_path)
    threads = []
    search = interchange_actions.relink_folder

    def watched(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return search(*args, **kwargs)

    monkeypatch.setattr(interchange_actions, "relink_folder", watched)
    steps = window.context.session.undo_stack.count()

    found = window.interchange.relink(media, recursive=False)

    assert threads == [False]
    assert [clip for clip, _ in found.relinked] == ["shot_a.mov", "B camera"]
    assert offline_clips(window) == []
    a, b = window.timeline.find_clips()
    assert path_from_url(a.media_reference.target_url) == media / "shot_a.mov"
    assert path_from_url(b.media_reference.target_url) == media / "shot_b.mov"
    report = window.interchange.report
    assert (
        report.isVisible()
        and report.report.headline == f"Relinked 2 clips from {media}. Every clip is online."
    )
    assert "B camera → " in report.report.text()
    stack = window.context.session.undo_stack
    assert stack.count() == steps + 1 and stack.undoText() == "Relink Media"
    stack.undo()
    assert offline_clips(window) == ["shot_a.mov", "B camera"]
    stack.redo()
    assert offline_clips(window) == []


def test_a_file_too_short_for_its_clip_is_refused_and_named_in_the_report(window, answers, media, tmp_path):
    open_edl(window, answers, tmp_path)
    folder = tmp_path / "from the camera"
    folder.mkdir()
    shutil.copy(media / "shot_b.mov", folder / "shot_b.mov")
    # shot_a's clip uses 01:00:00:10 to 01:00:01:10; this file holds only 20 frames from 01:00:00:00
    write_video(folder / "shot_a.mov", frames=20, rate=25, size=(160, 120), timecode="01:00:00:00")

    found = window.interchange.relink(folder, recursive=False)

    assert [clip for clip, _ in found.relinked] == ["B camera"] and offline_clips(window) == ["shot_a.mov"]
    text = window.interchange.report.report.text()
    assert window.interchange.report.report.headline.endswith("1 clip is still offline.")
    assert "Still offline:\n  shot_a.mov (reel A001): shot_a.mov holds 01:00:00:00-01:00:00:20" in text


def test_relink_with_nothing_offline_says_so_without_asking(window, messages, monkeypatch):
    asked = []
    monkeypatch.setattr(interchange_prompts, "ask_relink", lambda *a: asked.append(a))
    window.context.actions.action("file.relink").trigger()
    assert (
        asked == []
        and messages.shown[-1][1] == "Relink Media"
        and "No clip is offline" in messages.shown[-1][2]
    )


def test_relink_media_asks_the_folder_and_remembers_it(window, answers, media, tmp_path, monkeypatch):
    open_edl(window, answers, tmp_path)
    asked = []

    def ask(_parent, offline, folder, recursive):
        asked.append((offline, folder, recursive))
        return media, False

    monkeypatch.setattr(interchange_prompts, "ask_relink", ask)
    window.context.actions.action("file.relink").trigger()
    assert asked[0][0] == 2 and asked[0][2] is True  # two clips offline; subfolders searched by default
    assert offline_clips(window) == []
    window.context.session.undo_stack.undo()
    window.context.actions.action("file.relink").trigger()
    assert asked[1][1:] == (media, False)


# Import Timeline ---------------------------------------------------------------------------------


def items(window: MainWindow, track: str) -> list[tuple[str, int, int]]:
    """(name or 'gap', start, end) of each item on a track, in frames at 25 fps."""
    return [
        (slot.item.name or "gap", slot.start, slot.end)
        for slot in trackedit.layout(document.track(window.timeline, track), 25.0)
    ]


def film_at_25() -> otio.schema.Timeline:
    timeline = new_project("film", rate=25.0, video_tracks=1, audio_tracks=1)
    ref = media_reference("/media/opening.mp4", tr(0, 100, 25.0))
    document.track(timeline, "V1").append(media_clip("Opening", ref, 25.0, 40, 0, VIDEO))
    return timeline


def test_import_timeline_adds_its_tracks_at_the_playhead_and_undoes_in_one_step(
    window, answers, messages, tmp_path
):
    window.show_timeline(film_at_25(), None)
    window.context.playhead.move_to(50)
    before = window.timeline.to_json_string()
    steps = window.context.session.undo_stack.count()

    filled = window.interchange.import_timeline(foreign.write_fcp7_xml(tmp_path))

    # V1 holds the film, so the picture goes on a new V2; the empty A1 takes the sound
    assert filled == ["V2", "A1"]
    assert items(window, "V1") == [("Opening", 0, 40)]
    assert items(window, "V2") == [
        ("gap", 0, 50),
        ("c", 50, 70),
        ("Nested Sequence 01", 70, 90),
        ("f", 90, 100),
    ]
    assert items(window, "A1") == [("gap", 0, 50), ("c", 50, 70)]
    assert window.statusBar().currentMessage() == "Imported Premiere cut onto V2, A1 at 00:00:02:00"
    assert messages.shown[-1][1] == "Offline media"
    ids = [document.clip_id(c) for c in window.timeline.find_clips()]
    assert len(ids) == len(set(ids))
    stack = window.context.session.undo_stack
    assert stack.count() == steps + 1 and stack.undoText() == "Import Timeline Premiere cut"
    stack.undo()
    assert window.timeline.to_json_string() == before


def test_importing_a_cut_at_another_rate_is_refused_with_the_way_to_open_it(
    window, answers, messages, tmp_path
):
    window.show_timeline(new_project("film at 30", rate=30.0), None)
    before = window.timeline.to_json_string()
    assert window.interchange.import_timeline(foreign.write_fcp7_xml(tmp_path)) is None
    kind, title, text = messages.shown[-1]
    assert (kind, title) == ("warning", "Cannot import timeline")
    assert text == (
        "Premiere cut is 25.000 fps and this project 30.000 fps; "
        "open it as a project of its own (File > Open) instead"
    )
    assert window.timeline.to_json_string() == before


# Export Timeline -------------------------------------------------------------------------------


def test_export_timeline_writes_off_the_gui_thread_and_says_what_the_format_cannot_carry(
    window, answers, messages, media, tmp_path, monkeypatch
):
    open_edl(window, answers, tmp_path)
    window.interchange.relink(media, recursive=False)
    threads = []
    write = finishing.export_timeline

    def watched(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return write(*args, **kwargs)

    monkeypatch.setattr(finishing, "export_timeline", watched)
    out = tmp_path / "for resolve.fcpxml"
    monkeypatch.setattr(interchange_prompts, "ask_export_path", lambda _p, _s: out)

    window.context.actions.action("file.export_timeline").trigger()

    assert threads == [False] and out.is_file()
    kind, title, text = messages.shown[-1]
    assert (kind, title) == ("warning", "Timeline exported")
    assert (
        text
        == f"Wrote for resolve.fcpxml in {tmp_path}.\n\nfor resolve.fcpxml cannot carry: transitions (1 item)"
    )
    back = otio.adapters.read_from_file(str(out), adapter_name="fcpx_xml")
    assert [c.name for c in back.find_clips()] == ["shot_a.mov", "B camera"]


def test_a_failed_export_leaves_no_file_and_says_why(window, answers, messages, media, tmp_path, monkeypatch):
    open_edl(window, answers, tmp_path)
    window.interchange.relink(media, recursive=False)
    out = tmp_path / "exports"
    out.mkdir()

    def half_then_fail(timeline, path, **kwargs):
        Path(path).write_bytes(b"half an AAF")
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(otio.adapters, "write_to_file", half_then_fail)
    assert window.interchange.export_timeline(out / "cut.aaf") is None
    assert messages.shown[-1] == (
        "warning",
        "Export failed",
        "Could not write cut.aaf as AAF: the disk went away",
    )
    assert list(out.iterdir()) == []


def test_a_name_without_an_extension_gets_the_chosen_formats() -> None:
    assert interchange_prompts.with_suffix(Path("/x/cut"), "CMX 3600 EDL (*.edl)") == Path("/x/cut.edl")
    assert interchange_prompts.with_suffix(Path("/x/cut.aaf"), "CMX 3600 EDL (*.edl)") == Path("/x/cut.aaf")
    assert all(f"(*{s})" in interchange_prompts.export_filter() for s in FORMATS if s != ".otiod")


# Save Bundle ---------------------------------------------------------------------------------------


def test_a_bundle_carries_the_media_and_opens_next_to_itself_relinked(
    window, answers, messages, media, tmp_path
):
    open_edl(window, answers, tmp_path)
    window.interchange.relink(media, recursive=False)
    handoff = tmp_path / "handoff.otioz"

    assert window.interchange.save_bundle(handoff) == handoff
    with zipfile.ZipFile(handoff) as archive:
        assert sorted(archive.namelist()) == [
            "content.otio",
            "media/shot_a.mov",
            "media/shot_b.mov",
            "version.txt",
        ]
    assert messages.shown[-1][1] == "Bundle saved" and "2 media files" in messages.shown[-1][2]

    shown = len(messages.shown)
    answers.open_paths.append(handoff)
    window.context.actions.action("file.open").trigger()
    assert answers.asked[-2:] == ["save changes", "open"]  # the relinked EDL was never saved
    assert window.project_path == tmp_path / "handoff" / "content.otio"
    assert messages.shown[shown:] == []  # nothing offline: the media came with it
    assert [path_from_url(c.media_reference.target_url).parent for c in window.timeline.find_clips()] == [
        tmp_path / "handoff" / "media"
    ] * 2


def test_a_cancelled_bundle_leaves_no_file(window, answers, media, tmp_path, monkeypatch):
    open_edl(window, answers, tmp_path)
    window.interchange.relink(media, recursive=False)
    monkeypatch.setattr(bundle, "CHUNK", 4096)  # many progress reports: the user cancels between two
    report = busy.Progress.report

    def cancel_midway(self, done, total):
        if done > 0:
            self.cancel()
        report(self, done, total)

    monkeypatch.setattr(busy.Progress, "report", cancel_midway)
    assert window.interchange.save_bundle(tmp_path / "handoff.otioz") is None
    assert not (tmp_path / "handoff.otioz").exists()
    assert [p.name for p in tmp_path.iterdir() if "handoff" in p.name] == []
    assert window.statusBar().currentMessage() == "Bundle cancelled: handoff.otioz was not written"


def test_the_progress_dialogs_cancel_button_stops_the_work(window, qtbot):
    ticks = []

    def endless(progress: busy.Progress) -> None:
        while True:
            ticks.append(1)
            progress.report(len(ticks), 10**9)
            threading.Event().wait(0.005)

    def press_cancel() -> None:
        dialog = window.findChild(QProgressDialog, "busy-progress")
        dialog.findChild(QPushButton).click()

    QTimer.singleShot(busy.SHOW_AFTER_MS + 200, press_cancel)
    with pytest.raises(busy.Cancelled):
        busy.run_modal(window, "Save Bundle", "Copying…", endless, cancellable=True)
    assert issubclass(busy.Cancelled, EngineCancelled) and ticks


def test_an_open_project_saved_from_a_bundle_round_trips(window, answers, media, tmp_path):
    """The unpacked bundle is an ordinary project: saving it writes next to its media."""
    open_edl(window, answers, tmp_path)
    window.interchange.relink(media, recursive=False)
    window.interchange.save_bundle(tmp_path / "b.otioz")
    assert window.open_project(tmp_path / "b.otioz")
    window.context.actions.action("file.save").trigger()
    saved = persistence.load(tmp_path / "b" / "content.otio")
    assert saved.offline == [] and [c.name for c in saved.timeline.find_clips()] == ["shot_a.mov", "B camera"]
