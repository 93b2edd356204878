"""Extending a shot: the request, the motion-continuation backend, the timeline edit and the CLI.

The test clip is a white square sliding right over a textured, static
background, so "the new frames continue the motion" is a measurable claim:
the square keeps moving the same way after the clip's last frame.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from engine.cli.main import main
from engine.errors import EditError, GenerateError
from engine.generate.extend.motion import FREEZE, MOTION, MotionExtendBackend
from engine.generate.extend.request import ExtendRequest
from engine.generate.extend.timeline import backend_said, extend_defaults, extend_spec, extended_take
from engine.generate.jobs import generation_queue
from engine.generate.registry import default_registry
from engine.jobs.progress import JobContext
from engine.jobs.spec import JobSpec
from engine.project import document, edits, takes, trackedit
from engine.project.clips import media_clip, media_reference
from engine.project.document import new_project
from engine.project.extend import OVERWRITE, RIPPLE, extend_clip
from engine.project.times import tr
from engine.render.picture import frame_from_rgb, tag_bt709
from tests.support.editing import RATE, av_shot, edit_and_check_undo, layout, shot, source
from tests.support.recorder import Recorder

SIZE = (64, 36)
SPEED = 2  # pixels per frame
SQUARE_ROWS = slice(10, 20)


def _square_frame(i: int, speed: int = SPEED) -> np.ndarray:
    ys, xs = np.mgrid[0 : SIZE[1], 0 : SIZE[0]]
    rgb = np.stack([xs * 3 % 200, ys * 5 % 200, (xs + ys) * 2 % 200], -1).astype(np.uint8)
    x = 4 + speed * i
    rgb[SQUARE_ROWS, x : x + 10] = 255
    return rgb


def write_square(path: Path, frames: int = 20, speed: int = SPEED, rate: int = 30) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=rate)
        stream.width, stream.height = SIZE
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "18", "preset": "ultrafast"}
        tag_bt709(stream)
        for i in range(frames):
            frame = frame_from_rgb(_square_frame(i, speed))
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def decoded(path: Path, fmt: str | None = None) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format=fmt) if fmt else f.to_ndarray() for f in container.decode(video=0)]


def square_left(rgb: np.ndarray) -> int | None:
    """The left edge of the white square, or None when it is not there."""
    columns = np.nonzero((rgb[SQUARE_ROWS].min(axis=2) > 235).sum(axis=0) >= 5)[0]
    return int(columns.min()) if len(columns) else None


@pytest.fixture(scope="module")
def square(tmp_path_factory) -> Path:
    return write_square(tmp_path_factory.mktemp("extend") / "square.mp4")


def _run(params: dict, workdir: Path) -> tuple[Path, dict]:
    request = ExtendRequest.from_params(params)
    output = MotionExtendBackend().run(request, JobContext(workdir))
    return output.files[0], output.provenance


def test_the_clip_frames_come_through_bit_exact_and_the_square_keeps_moving(square, tmp_path) -> None:
    path, made = _run({"input": str(square), "start": 2, "count": 12, "frames": 6}, tmp_path)
    out, original = decoded(path), decoded(square)
    assert len(out) == 18
    for i in range(12):  # decoded YUV, plane for plane
        assert np.array_equal(out[i], original[2 + i]), f"frame {i} differs from the source"
    assert made["method"] == MOTION and made["backend"] == "motion"
    assert made["frames"] == 18 and made["extend"]["added"] == 6 and made["extend"]["side"] == "tail"
    edges = [square_left(rgb) for rgb in decoded(path, "rgb24")]
    assert edges[11] == 4 + SPEED * 13
    new = edges[12:]
    assert all(e is not None for e in new)
    assert new[0] > edges[11] and all(b >= a for a, b in itertools.pairwise(new))
    assert new[-1] - edges[11] >= 6  # still moving, eased out rather than stopped
    with av.open(str(path)) as container:
        assert container.streams.video[0].average_rate == 30


def test_a_head_extension_puts_new_frames_first_and_runs_the_motion_backwards(square, tmp_path) -> None:
    path, made = _run({"input": str(square), "start": 6, "count": 10, "frames": 4, "head": True}, tmp_path)
    out, original = decoded(path), decoded(square)
    assert len(out) == 14
    assert all(np.array_equal(out[4 + i], original[6 + i]) for i in range(10))
    edges = [square_left(rgb) for rgb in decoded(path, "rgb24")]
    assert edges[4] == 4 + SPEED * 6
    assert edges[0] < edges[1] < edges[2] < edges[3] < edges[4]  # it was further left before
    assert made["extend"]["side"] == "head"


def test_a_static_shot_is_held_on_its_last_frame_and_says_so(tmp_path) -> None:
    still = write_square(tmp_path / "still.mp4", frames=8, speed=0)
    path, made = _run({"input": str(still), "frames": 5}, tmp_path)
    out = decoded(path)
    assert len(out) == 13 and made["method"] == FREEZE and made["reason"] == "static shot"
    assert all(np.array_equal(f, out[7]) for f in out[8:])  # held bit for bit


def test_requests_are_checked_with_messages_that_say_what_to_fix(square, tmp_path) -> None:
    with pytest.raises(GenerateError, match="input is required"):
        ExtendRequest.from_params({"frames": 3})
    with pytest.raises(GenerateError, match="does not exist"):
        ExtendRequest.from_params({"input": str(tmp_path / "nope.mp4"), "frames": 3})
    with pytest.raises(GenerateError, match="frames is required"):
        ExtendRequest.from_params({"input": str(square)})
    with pytest.raises(GenerateError, match="not all in it"):
        ExtendRequest.from_params({"input": str(square), "start": 15, "count": 10, "frames": 3})
    with pytest.raises(GenerateError, match="guidance must be a number, not 'strong'"):
        ExtendRequest.from_params({"input": str(square), "frames": 3, "guidance": "strong"})
    request = ExtendRequest.from_params({"input": str(square), "frames": 3, "guidance": "4.5"})
    assert request.guidance == 4.5
    request = ExtendRequest.from_params({"input": str(square), "frames": 3})
    assert (request.count, request.rate, request.width, request.height) == (20, Fraction(30), 64, 36)


# the timeline edit -------------------------------------------------------------------


def _take(frames: int) -> object:
    return media_reference("/cache/extended.mp4", tr(0, frames, RATE))


def _linked_timeline():
    timeline = new_project("film", rate=RATE)
    first_v, first_a = av_shot("A", 30, start=5, media=40)
    edits.append(timeline, {"V1": first_v, "A1": first_a})
    second_v, second_a = av_shot("B", 20)
    edits.append(timeline, {"V1": second_v, "A1": second_a})
    return timeline, document.clip_id(first_v)


def test_ripple_tail_moves_what_follows_on_the_track_and_its_linked_track(tmp_path) -> None:
    timeline, ident = _linked_timeline()
    change = edit_and_check_undo(
        timeline, lambda: extend_clip(timeline, ident, _take(40), None, 10, mode=RIPPLE)
    )
    assert change.result == "take-2"
    assert layout(timeline, "V1") == [("A", 0, 40), ("B", 40, 60)]
    assert layout(timeline, "A1") == [("A", 0, 30), ("gap", 30, 40), ("B", 40, 60)]  # sound left as is
    assert source(timeline, "V1")[0] == (0, 40)
    clip = document.find_clip(timeline, ident)[1]
    assert [t.key for t in takes.takes(clip)] == ["take-1", "take-2"]


def test_ripple_head_keeps_the_clip_start_and_keeps_its_sound_in_sync() -> None:
    timeline, ident = _linked_timeline()
    edit_and_check_undo(timeline, lambda: extend_clip(timeline, ident, _take(38), None, 8, head=True))
    assert layout(timeline, "V1") == [("A", 0, 38), ("B", 38, 58)]
    assert layout(timeline, "A1") == [("gap", 0, 8), ("A", 8, 38), ("B", 38, 58)]


def test_overwrite_covers_the_next_clip_and_moves_nothing() -> None:
    timeline, ident = _linked_timeline()
    edit_and_check_undo(timeline, lambda: extend_clip(timeline, ident, _take(40), None, 10, mode=OVERWRITE))
    assert layout(timeline, "V1") == [("A", 0, 40), ("B", 40, 50)]
    assert source(timeline, "V1") == [(0, 40), (10, 10)]
    assert layout(timeline, "A1") == [("A", 0, 30), ("B", 30, 50)]


def test_overwrite_head_grows_into_what_precedes_and_is_refused_without_room() -> None:
    timeline = new_project("film", rate=RATE)
    edits.append(timeline, {"V1": shot("A", 20)})
    edits.append(timeline, {"V1": shot("B", 20)})
    ident = document.clip_id(document.track(timeline, "V1")[1])
    edit_and_check_undo(
        timeline, lambda: extend_clip(timeline, ident, _take(26), None, 6, head=True, mode=OVERWRITE)
    )
    assert layout(timeline, "V1") == [("A", 0, 14), ("B", 14, 40)]
    first = document.clip_id(document.track(timeline, "V1")[0])
    with pytest.raises(EditError, match="no room before it"):
        extend_clip(timeline, first, _take(20), None, 6, head=True, mode=OVERWRITE)


def test_a_take_of_the_wrong_length_is_refused_and_nothing_changes() -> None:
    timeline, ident = _linked_timeline()
    with pytest.raises(EditError, match="not the clip's 30 frames plus the 10 added"):
        extend_clip(timeline, ident, _take(35), None, 10)
    assert layout(timeline, "V1") == [("A", 0, 30), ("B", 30, 50)]


# from the timeline to a job and back -----------------------------------------------


def test_a_clip_is_extended_through_the_job_queue_and_lands_as_a_take(square, tmp_path) -> None:
    timeline = new_project("film", rate=RATE, size=SIZE)
    reference = media_reference(square.as_uri(), tr(0, 20, RATE))
    clip = media_clip("Square", reference, RATE, 12, 4)
    edits.append(timeline, {"V1": clip})
    edits.append(timeline, {"V1": shot("Next", 10)})
    ident = document.clip_id(clip)
    assert (extend_defaults(timeline, ident).start, extend_defaults(timeline, ident).count) == (4, 12)
    spec = extend_spec(timeline, ident, 5, cache_dir=tmp_path / "cache")
    assert spec["task"] == "video.extend" and spec["params"]["input"] == str(square)
    recorder = Recorder()
    jobs = generation_queue(default_registry(), recorder)
    try:
        job = jobs.submit(JobSpec.from_json(spec))
        recorder.wait(job)
    finally:
        jobs.shutdown()
    result = recorder.of("done", job)[0][2].to_json()
    reference, made = extended_take(result, RATE)
    assert backend_said(made) == "motion continuation"
    extend_clip(timeline, ident, reference, made, 5)
    _, clip = document.find_clip(timeline, ident)
    assert layout(timeline, "V1") == [("Square", 0, 17), ("Next", 17, 27)]
    assert takes.takes(clip)[-1].provenance.task == "video.extend"
    assert trackedit.source_frames(clip, RATE) == (0, 17)
    out = decoded(Path(result["files"][0]))
    original = decoded(square)
    assert all(np.array_equal(out[i], original[4 + i]) for i in range(12))


def test_the_command_line_extends_a_clip(square, tmp_path, capsys) -> None:
    out = tmp_path / "longer.mp4"
    args = ["generate", "--task", "video.extend", "--input", str(square), "--frames", "7", "--head"]
    assert main([*args, "--cache-dir", str(tmp_path / "cache"), "-o", str(out)]) == 0
    frames, original = decoded(out), decoded(square)
    assert len(frames) == 27
    assert all(np.array_equal(frames[7 + i], original[i]) for i in range(20))
    assert main(["generate", "--task", "video.extend", "--frames", "3", "-o", str(out)]) == 2
    assert "--input CLIP is required" in capsys.readouterr().err


def test_footage_at_another_rate_is_extended_at_the_projects_rate_frame_for_frame(tmp_path) -> None:
    footage = write_square(tmp_path / "film24.mp4", frames=20, rate=24)
    path, made = _run({"input": str(footage), "rate": "30", "frames": 5}, tmp_path)
    out, original = decoded(path), decoded(footage)
    assert made["extend"]["source_frames"] == 25 and len(out) == 30  # 20 frames at 24 fps = 25 at 30
    # each project frame shows the footage frame showing at its time, untouched
    assert all(np.array_equal(out[i], original[i * 24 // 30]) for i in range(25))
    with av.open(str(path)) as container:
        assert container.streams.video[0].average_rate == 30


def test_the_jobs_panel_wording_names_what_made_the_frames() -> None:
    from engine.project.provenance import Provenance

    moved = Provenance("video.extend", "motion", extra={"method": "motion"})
    assert backend_said(moved) == "motion continuation"
    held = Provenance("video.extend", "motion", extra={"method": "freeze", "reason": "static shot"})
    assert backend_said(held) == "freeze frame (static shot)"
    model = Provenance("video.extend", "ltx-extend", model_id="Lightricks/LTX-Video-0.9.5")
    assert backend_said(model) == "ltx-extend (Lightricks/LTX-Video-0.9.5)"


def test_a_cancelled_extend_stops_and_leaves_no_file(square, tmp_path) -> None:
    from engine.errors import JobCancelled

    request = ExtendRequest.from_params({"input": str(square), "frames": 8})
    asked = iter([False, False, False, True])  # cancelled while the new frames are made
    context = JobContext(tmp_path, is_cancelled=lambda: next(asked, True))
    with pytest.raises(JobCancelled):
        MotionExtendBackend().run(request, context)
    assert list(tmp_path.iterdir()) == []
