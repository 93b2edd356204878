"""A click elsewhere while the viewer decodes a far frame: the old decode stops, the new frame shows."""

from __future__ import annotations

import threading
from fractions import Fraction

from editor.viewer import frames
from engine.media.video import VideoDecoder
from engine.playback.source import placements, source_timeline
from engine.project import edits
from engine.project.document import new_project
from tests.support import mediagen


class HeldDecoder(VideoDecoder):
    """Waits at the first far request until the test lets it go, as a long GOP decode would take time."""

    started = threading.Event()
    release = threading.Event()

    def frame_at(self, seconds: Fraction):
        if seconds > 1 and not HeldDecoder.release.is_set():
            HeldDecoder.started.set()
            HeldDecoder.release.wait(10)
        return super().frame_at(seconds)


def test_a_new_click_abandons_the_far_frame_still_decoding(qtbot, tmp_path) -> None:
    clip = mediagen.write_video(tmp_path / "long_gop.mp4", 90, size=(160, 120), gop=90)
    timeline = new_project("click", rate=30.0, size=(160, 120))
    edits.append(timeline, placements(source_timeline(clip, 30.0, (160, 120)), 0, 90))
    worker = frames.FrameWorker(HeldDecoder)
    shown: list[int] = []
    worker.relay.rendered.connect(lambda _generation, frame: shown.append(frame))
    try:
        worker.set_timeline(timeline, (160, 120))
        worker.want([85])  # a click far into the GOP
        assert HeldDecoder.started.wait(10)
        worker.want([5])  # a second click before the first one's frame is decoded
        HeldDecoder.release.set()
        qtbot.waitUntil(lambda: 5 in shown, timeout=10000)
        assert worker.superseded_count == 1 and 85 not in shown
        assert worker.cached(85) is None and worker.cached(5) is not None
    finally:
        worker.close()
