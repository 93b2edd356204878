"""Takes in the editor (clip menu, inspector list, delete) and File > Clean Generation Cache."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from editor.inspector.take_switch import play_take
from editor.inspector.takes_box import ACTIVE_BAR, THUMB
from editor.main_window import MainWindow
from editor.settings import EditorSettings
from editor.timeline.hits import row_top
from engine.jobs.cache import ResultCache
from engine.media.reference import clips_for, reference_for
from engine.project import bin as media_bin
from engine.project import document, edits, persistence, takes
from engine.project.document import new_project
from engine.project.provenance import Provenance
from tests.support.mediagen import write_video

RATE = 24.0
SIZE = (64, 36)
RED, GREEN = (200, 30, 30), (30, 190, 40)


def cached_video(cache: ResultCache, key: str, color: tuple[int, int, int]) -> Path:
    """A result in the project's generation cache, as the engine stores one."""
    work = cache.workdir()
    video = write_video(work / "animatic.mp4", frames=30, rate=Fraction(24), size=SIZE, color=color)
    return cache.store(key, work, [video], {"frames": 30}, {"task": "video.generate"}).files[0]


@pytest.fixture
def window(qtbot, tmp_path: Path, monkeypatch):
    """V1: one clip with three takes: recorded footage, a red animatic (seed 7), a green Wan take (seed 8)."""
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    cache = ResultCache(tmp_path / "shotline-cache")
    footage = write_video(tmp_path / "footage.mp4", frames=48, rate=Fraction(24), size=SIZE)
    timeline = new_project("film", rate=RATE, size=SIZE)
    (picture,) = clips_for(footage, RATE, 24, 0)[:1]
    picture.name = "Harbour"
    edits.append(timeline, {"V1": picture})
    ident = document.clip_id(picture)
    prompt = "A red door in the rain, seen from across a narrow street at dusk, neon signs reflecting"
    red = cached_video(cache, "a" * 32, RED)
    made = Provenance("video.generate", "animatic", prompt=prompt, seed=7, extra={"animatic": True})
    takes.add_take(timeline, ident, reference_for(red), made)
    green = cached_video(cache, "b" * 32, GREEN)
    made = Provenance(
        "video.generate", "wan", model_id="Wan-AI/Wan2.1-T2V-1.3B-Diffusers", prompt="Green", seed=8
    )
    takes.add_take(timeline, ident, reference_for(green), made)
    project = tmp_path / "film.otio"
    persistence.save(timeline, project)
    win = MainWindow(settings=EditorSettings(tmp_path / "settings.ini"))
    qtbot.addWidget(win)
    assert win.open_project(project)
    win.show()
    qtbot.waitExposed(win)
    win.ident = document.clip_id(document.track(win.context.session.timeline, "V1")[0])
    win.cache = cache
    return win


def active(win: MainWindow) -> str:
    return document.find_clip(win.context.session.timeline, win.ident)[1].active_media_reference_key


def keys(win: MainWindow) -> list[str]:
    return [t.key for t in takes.takes(document.find_clip(win.context.session.timeline, win.ident)[1])]


def test_the_clip_menu_lists_the_takes_with_the_active_one_ticked_and_choosing_one_plays_it(
    window, monkeypatch
) -> None:
    view = window.timeline_view
    view.zoom_to_fit()
    listed: list[tuple[str, bool]] = []
    bold: list[bool] = []

    def run(menu: QMenu, at: QPoint) -> None:
        sub = next(a.menu() for a in menu.actions() if a.text() == "Takes")
        listed.extend((a.text(), a.isChecked()) for a in sub.actions())
        bold.extend(a.font().bold() for a in sub.actions())
        next(a for a in sub.actions() if a.text().startswith("Take 2")).trigger()

    monkeypatch.setattr(view, "run_menu", run)
    row = view.layout.row("V1")
    pos = QPoint(round(view.geometry_.x_of(10)), round(row_top(row, view.geometry_) + row.height * 0.6))
    QApplication.sendEvent(
        view, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.mapToGlobal(pos))
    )

    assert listed == [
        ("Take 1 · recorded footage", False),
        ("Take 2 · seed 7 · “A red door in the rain, seen fr…” · animatic", False),
        ("Take 3 · seed 8 · “Green”", True),
    ]
    assert bold == [False, False, True]  # the take that plays stands out, not only by its tick
    assert active(window) == "take-2"
    assert window.context.session.undo_stack.undoText() == "Switch to take-2"
    window.context.actions.action("edit.undo").trigger()
    assert active(window) == "take-3"


def test_the_inspector_lists_takes_with_thumbnails_and_the_active_one_marked(window, qtbot) -> None:
    window.context.selection.set([window.ident])
    box = window.inspector.takes
    qtbot.waitUntil(lambda: box.isVisible() and box.list.count() == 3)
    texts = [box.list.item(r).text() for r in range(3)]
    assert texts[0] == "Take 1\nrecorded footage"
    assert texts[1].startswith("Take 2\nseed 7 · Animatic (storyboard, no AI model)\n“A red door")
    assert texts[2] == "Take 3   ▶ active\nseed 8 · wan · Wan-AI/Wan2.1-T2V-1.3B-Diffusers\n“Green”"
    assert box.current_key() == "take-3"

    def middle(row: int):
        return box.list.item(row).icon().pixmap(THUMB).toImage().pixelColor(THUMB.width() // 2, 18)

    # each take's first frame arrives from the preview service
    qtbot.waitUntil(lambda: middle(1).red() > 150 and middle(2).green() > 140, timeout=20000)
    assert middle(1).green() < 80 and middle(2).red() < 80
    # not cramped: the takes box fits the default dock width, and its list never scrolls sideways
    qtbot.wait(50)
    assert not box.list.horizontalScrollBar().isVisible()
    assert box.minimumSizeHint().width() <= window.inspector.viewport().width()
    assert box.list.item(2).background().color().alpha() > 0  # the active row is tinted, apart from selection
    assert box.list.item(1).background().style() == Qt.BrushStyle.NoBrush


def bar_at_left(box, row: int) -> str:
    """The colour drawn down the left edge of a row of the inspector's takes list, as on screen."""
    picture = box.list.viewport().grab().toImage()
    rect = box.list.visualItemRect(box.list.item(row))
    return picture.pixelColor(rect.left() + 1, rect.center().y()).name()


def test_the_inspector_highlights_the_take_that_plays_and_follows_it_when_it_changes(window, qtbot) -> None:
    window.context.selection.set([window.ident])
    box = window.inspector.takes
    qtbot.waitUntil(lambda: box.isVisible() and box.list.count() == 3)
    green = ACTIVE_BAR.name()
    # the playing take is selected and carries the bar, the others do not
    assert box.current_key() == "take-3"
    assert [bar_at_left(box, row) == green for row in range(3)] == [False, False, True]

    # the user looks at take 1: the bar stays on take 3, which still plays
    rect = box.list.visualItemRect(box.list.item(0))
    qtbot.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert box.current_key() == "take-1" and "Recorded footage" in box.details.text()
    assert [bar_at_left(box, row) == green for row in range(3)] == [False, False, True]

    # another take starts playing (the clip menu, a regenerate, an undo): the list goes with it
    assert play_take(window.context.session, window.ident, "take-2")
    assert box.current_key() == "take-2" and "Seed: 7" in box.details.text()
    assert [bar_at_left(box, row) == green for row in range(3)] == [False, True, False]
    assert box.list.item(1).text().startswith("Take 2   ▶ active")
    window.context.actions.action("edit.undo").trigger()
    assert box.current_key() == "take-3"
    assert [bar_at_left(box, row) == green for row in range(3)] == [False, False, True]


def test_delete_take_removes_a_take_not_its_file_and_the_active_take_cannot_go(window, qtbot) -> None:
    window.context.selection.set([window.ident])
    box = window.inspector.takes
    qtbot.waitUntil(lambda: box.list.count() == 3)
    assert box.current_key() == "take-3" and not box.delete.isEnabled()  # it plays: make another active first
    assert "make another take active first" in box.delete.toolTip()
    red_file = Path(
        takes.takes(document.find_clip(window.timeline, window.ident)[1])[
            1
        ].reference.target_url.removeprefix("file://")
    )
    rect = box.list.visualItemRect(box.list.item(1))
    qtbot.mouseClick(box.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert box.current_key() == "take-2" and box.delete.isEnabled()
    qtbot.mouseClick(box.delete, Qt.MouseButton.LeftButton)

    assert keys(window) == ["take-1", "take-3"] and active(window) == "take-3"
    assert box.list.count() == 2 and red_file.is_file()  # the file stays in the cache
    assert window.context.session.undo_stack.undoText() == "Delete take-2"
    window.context.actions.action("edit.undo").trigger()
    assert keys(window) == ["take-1", "take-2", "take-3"] and box.list.count() == 3


def test_clean_generation_cache_deletes_only_results_the_project_does_not_use(
    window, qtbot, monkeypatch
) -> None:
    session = window.context.session
    stale = cached_video(window.cache, "c" * 32, (90, 90, 90))
    in_bin = cached_video(window.cache, "d" * 32, (10, 10, 200))
    assert session.apply(media_bin.add_media, [in_bin]) is not None
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]

    def confirm(question: str, _buttons) -> QMessageBox.StandardButton:
        asked.append(question)
        return answers.pop(0)

    monkeypatch.setattr(window.cache_cleaner, "confirm", confirm)
    clean = window.context.actions.action("file.clean_cache")
    clean.trigger()  # File > Clean Generation Cache…, then Cancel
    qtbot.waitUntil(lambda: not window.cache_cleaner.busy)
    assert len(asked) == 1 and "1 generated result" in asked[0] and stale.is_file()
    assert window.statusBar().currentMessage() == "Nothing deleted"

    # deleting take 2 leaves its result unused; the second time the user says Yes
    assert session.apply(takes.delete_take, window.ident, "take-2") is not None
    clean.trigger()
    qtbot.waitUntil(lambda: not window.cache_cleaner.busy)
    assert "2 generated results" in asked[1]
    assert not stale.exists() and not (window.cache.folder / ("a" * 32)).exists()
    assert in_bin.is_file() and (window.cache.folder / ("b" * 32)).is_dir()  # the bin item and take 3 stay
    assert window.statusBar().currentMessage().startswith("Freed ")
    clean.trigger()
    qtbot.waitUntil(lambda: not window.cache_cleaner.busy)
    assert window.statusBar().currentMessage().startswith("Nothing to clean")
