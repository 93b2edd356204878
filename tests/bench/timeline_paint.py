"""Benchmark: how long one full repaint of the timeline takes with 500 clips on 4 tracks.

Builds V1, V2, A1, A2 with 125 clips each (all cut from one small generated
file with sound, so thumbnails and waveforms are drawn), waits for the
previews to arrive, then times full repaints at three zooms: fitted (every
clip on screen), a mid zoom and close up. Prints milliseconds per repaint.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/timeline_paint.py [--rounds N]

Not part of the test suite: timings belong in a report, not in assertions
(tests/editor/test_timeline_paint.py holds a loose bound).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import opentimelineio as otio  # noqa: E402

from engine.project import edits  # noqa: E402
from engine.project.document import new_project  # noqa: E402

CLIPS = 500
TRACKS = ("V1", "V2", "A1", "A2")


def five_hundred_clips(media: Path | None, rate: float = 30.0) -> otio.schema.Timeline:
    """500 clips of 20-40 frames, 125 on each of four tracks, with a gap every fifth clip."""
    from engine.media.reference import clips_for
    from tests.support.editing import shot

    timeline = new_project("bench")
    for i in range(CLIPS):
        track = TRACKS[i % len(TRACKS)]
        length = 20 + (i * 7) % 21
        if media is not None:
            video, audio = clips_for(media, rate, length, (i * 3) % 10)
            clip = audio if track.startswith("A") else video
            clip.metadata["shotline"].pop("link", None)
        else:
            clip = shot(f"clip {i}", length, start=(i * 3) % 10, audio=track.startswith("A"))
        clip.name = f"clip {i}"
        edits.append(timeline, {track: clip})
        if i % 5 == 4:
            edits.append(timeline, {track: shot("filler", 5, audio=track.startswith("A"))})
            edits.lift(timeline, [clip_id_last(timeline, track)])
    return timeline


def clip_id_last(timeline: otio.schema.Timeline, track: str) -> str:
    from engine.project import document

    return document.clip_id(document.track(timeline, track)[-1])


def time_repaints(view, rounds: int) -> float:
    """Milliseconds per full repaint (synchronous: repaint() paints before returning)."""
    view.repaint()
    start = time.perf_counter()
    for _ in range(rounds):
        view.repaint()
    return (time.perf_counter() - start) * 1000 / rounds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QMainWindow

    from editor.context import EditorContext
    from editor.settings import EditorSettings
    from editor.timeline.panel import TimelinePanel
    from tests.support.mediagen import write_video

    with tempfile.TemporaryDirectory() as folder:
        os.environ["SHOTLINE_DATA_DIR"] = folder
        app = QApplication.instance() or QApplication([])
        media = write_video(Path(folder) / "source.mp4", frames=60, size=(64, 36), tone_hz=330.0)
        window = QMainWindow()
        context = EditorContext.create(window, EditorSettings(Path(folder) / "settings.ini"))
        panel = TimelinePanel(context, window)
        window.setCentralWidget(panel)
        window.resize(1600, 500)
        window.show()
        started = time.perf_counter()
        context.session.replace(five_hundred_clips(media), None)
        print(f"building and opening {CLIPS} clips: {(time.perf_counter() - started) * 1000:.1f} ms")
        view = panel.view
        started = time.perf_counter()
        context.session.changed.emit()
        print(f"layout rebuild on session.changed: {(time.perf_counter() - started) * 1000:.1f} ms")
        view.zoom_to_fit()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and view.previews.peaks(str(media)) is None:
            view.repaint()
            app.processEvents()
            time.sleep(0.05)
        for _ in range(40):  # let the thumbnails for the fitted view arrive
            view.repaint()
            app.processEvents()
            time.sleep(0.05)
        for label, factor in (("fitted (all 500 on screen)", 1.0), ("mid zoom", 8.0), ("close up", 8.0)):
            view.zoom(factor, anchor_x=200)
            for _ in range(20):
                view.repaint()
                app.processEvents()
                time.sleep(0.02)
            print(f"{label:28s} {time_repaints(view, args.rounds):7.2f} ms per full repaint")
        view.previews.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
