"""Titles: text drawn by the renderer where its alignment says, over the picture, saved as a generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.errors import EditError
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings
from engine.interchange.finishing import export_timeline
from engine.project import document, effects, persistence, titles, transform
from engine.project.document import clip_id, new_project
from engine.project.times import rt
from engine.render.title import font_path
from engine.render.video import Renderer, render_picture, video_frame
from tests.engine.test_compositing import BLUE, still, write_still

RATE = 30.0
SIZE = (320, 180)
LOSSLESS = ExportSettings(crf=0, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("titles")
    write_still(folder / "blue.png", SIZE, BLUE)
    return folder


def titled(media: Path | None, preset: str, **settings: object) -> tuple[otio.schema.Timeline, str]:
    """A title on V2 for 30 frames, over a blue picture on V1 when `media` is given."""
    timeline = new_project(size=SIZE)
    if media is not None:
        document.track(timeline, "V1").append(still(media, "blue.png"))
    title = titles.make_title(preset, rt(30, RATE), **settings)
    document.track(timeline, "V2").append(title)
    return timeline, clip_id(title)


def ink(image: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the white text pixels."""
    ys, xs = np.nonzero(image.min(axis=2) > 200)
    assert len(xs), "no text drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def test_the_system_font_is_found() -> None:
    assert font_path("DejaVu Sans") is not None  # fonts-dejavu-core, which the installer adds


def test_a_centred_title_is_in_the_middle_of_the_frame_over_the_picture(media: Path) -> None:
    timeline, _ = titled(media, "Centred title", text="HELLO", size=40.0, shadow=False)
    image = video_frame(timeline, 10)
    left, top, right, bottom = ink(image)
    assert abs((left + right) / 2 - 160) <= 2 and abs((top + bottom) / 2 - 90) <= 3
    assert 25 <= bottom - top <= 40  # capitals of a 40 px font
    assert np.allclose(image[5, 5], BLUE, atol=4)  # the picture shows around the text


def test_a_lower_third_starts_at_its_anchor_and_sits_on_its_box(media: Path) -> None:
    box = {"box_color": "#c02020", "box_opacity": 1.0, "box_padding": 10.0}
    timeline, _ = titled(media, "Lower third", text="JANE DOE", size=24.0, **box)
    image = video_frame(timeline, 10)
    left, top, _, bottom = ink(image)
    assert abs(left - 0.08 * 320) <= 3  # left-aligned at x = 8 %
    assert abs((top + bottom) / 2 - 0.8 * 180) <= 3
    # the box: 10 px of padding around the text, in its colour, opaque
    assert np.allclose(image[top - 5, left + 5], (192, 32, 32), atol=5)
    assert np.allclose(image[top - 20, left + 5], BLUE, atol=4)  # above the box: the picture


def test_right_alignment_ends_the_text_at_the_anchor(media: Path) -> None:
    timeline, _ = titled(None, "Centred title", text="END", size=30.0, align="right", x=0.9, shadow=False)
    _, _, right, _ = ink(video_frame(timeline, 0))
    assert abs(right - 288) <= 3


def test_text_is_drawn_at_the_export_size_not_scaled_up(media: Path) -> None:
    timeline, _ = titled(None, "Centred title", text="Crisp", size=30.0, shadow=False)
    small = ink(video_frame(timeline, 0))
    large_image = video_frame(timeline, 0, size=(1280, 720))
    large = ink(large_image)
    assert abs((large[2] - large[0]) - 4 * (small[2] - small[0])) <= 6  # same place, four times the size
    # crisp: edges are a pixel or two wide at 4x, not a 4-pixel blur of an upscaled small title
    row = large_image[(large[1] + large[3]) // 2, large[0] : large[2], 0].astype(int)
    partial = np.count_nonzero((row > 40) & (row < 200))
    solid = np.count_nonzero(row >= 200)
    assert partial < solid


def test_a_title_fades_in_over_the_picture(media: Path) -> None:
    timeline, ident = titled(media, "Centred title", text="FADE", size=40.0, shadow=False)
    effects.set_fades(timeline, ident, fade_in=rt(10, RATE))
    first = video_frame(timeline, 0)
    assert first.min(axis=2).max() < 60  # the text is barely there
    assert np.allclose(first[5, 5], BLUE, atol=4)  # and the picture is not faded
    assert video_frame(timeline, 15).min(axis=2).max() > 200


def test_editing_a_title_is_one_undo_step_and_renames_the_clip(media: Path) -> None:
    timeline, ident = titled(None, "Centred title")
    change = titles.set_title(timeline, ident, text="New name\nsecond line", color="#FF0000")
    clip = document.find_clip(timeline, ident)[1]
    assert clip.name == "New name" and titles.title_settings(clip)["color"] == "#ff0000"
    change.undo()
    assert titles.title_settings(document.find_clip(timeline, ident)[1])["text"] == "Title"
    with pytest.raises(EditError, match="colour is #rrggbb"):
        titles.set_title(timeline, ident, color="red")
    with pytest.raises(EditError, match="Alignment"):
        titles.set_title(timeline, ident, align="justify")


def test_titles_and_transforms_round_trip_and_open_in_otio_tools(media: Path, tmp_path: Path) -> None:
    timeline, ident = titled(media, "Lower third", text="Round trip")
    picture = document.track(timeline, "V1")[0]
    transform.add_keyframe(timeline, clip_id(picture), 0, interp="ease")
    transform.set_transform(timeline, clip_id(picture), at=20, x=12.0, rotation=5.0, blend="screen")
    path = tmp_path / "titled.otio"
    persistence.save(timeline, path)
    loaded = persistence.load(path).timeline
    assert not persistence.load(path).offline  # a title names no file, so it is never offline
    title = document.find_clip(loaded, ident)[1]
    assert isinstance(title.media_reference, otio.schema.GeneratorReference)
    assert title.media_reference.generator_kind == "shotline.title"
    assert titles.title_settings(title) == titles.title_settings(document.find_clip(timeline, ident)[1])
    moved = document.find_clip(loaded, clip_id(picture))[1]
    assert transform.placement_at(moved, 13) == transform.placement_at(picture, 13)
    persistence.save(loaded, tmp_path / "again.otio")
    assert (tmp_path / "again.otio").read_text() == path.read_text()
    otiocat = Path(sys.executable).with_name("otiocat")
    shown = subprocess.run([str(otiocat), str(path)], capture_output=True, text=True, check=True).stdout
    assert "shotline.title" in shown and "shotline.transform" in shown


def test_a_title_exports_as_the_viewer_shows_it(media: Path, tmp_path: Path) -> None:
    timeline, ident = titled(media, "Lower third", text="Exported")
    effects.set_fades(timeline, ident, fade_out=rt(5, RATE))
    export_mp4(timeline, tmp_path / "t.mp4", LOSSLESS)
    with av.open(str(tmp_path / "t.mp4")) as container:
        written = [frame.to_ndarray().reshape(-1) for frame in container.decode(video=0)]
    assert len(written) == 30
    with Renderer() as renderer:
        for n in (0, 27):
            assert np.array_equal(written[n], render_picture(timeline, n, renderer=renderer).data), n


def test_a_new_title_goes_on_the_first_free_track_above_the_picture(media: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(still(media, "blue.png"))
    first = titles.add_title(timeline, "Lower third", 10, 15)
    track, clip = document.find_clip(timeline, first.result)
    assert track.name == "V2"
    # preset sizes are for 1080 lines: in this 180-line sequence the text is a sixth as tall
    assert titles.title_settings(clip)["size"] == round(56 * 180 / 1080, 1)
    second = titles.add_title(timeline, "Centred title", 20)  # V2 is busy at 20..25: a new V3
    track, clip = document.find_clip(timeline, second.result)
    assert track.name == "V3" and clip.duration().value == 150  # five seconds at 30 fps
    second.undo()
    assert [t.name for t in document.tracks(timeline, "Video")] == ["V1", "V2"]


def test_other_editors_formats_get_a_gap_for_a_title_and_say_so(media: Path, tmp_path: Path) -> None:
    timeline, _ = titled(media, "Lower third", text="Not in XML")
    for suffix in (".xml", ".fcpxml"):
        exported = export_timeline(timeline, tmp_path / f"cut{suffix}")
        assert exported.paths[0].is_file()
        assert "titles (1 clip)" in exported.warning
