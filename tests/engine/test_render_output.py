"""The renderer's pixels and samples: what the viewer shows and plays, and what export encodes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from engine.errors import MediaError
from engine.media.reference import clips_for
from engine.project import document, edits, effects, tracks, transitions
from engine.project.document import new_project
from engine.project.times import rt
from engine.render.audio import audio
from engine.render.sources import Sources
from engine.render.video import Renderer, render_picture, video_frame
from tests.support.mediagen import click_signal, read_index, write_audio, write_image, write_video

RATE = 30.0
SIZE = (160, 120)
RED, BLUE = (200, 60, 30), (40, 90, 160)
SECOND = 48000


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("render")
    write_video(folder / "a.mp4", frames=90, color=BLUE, tone_hz=440)
    write_video(folder / "b.mp4", frames=90, color=RED, tone_hz=880)
    write_video(folder / "pal.mp4", frames=50, rate=Fraction(25))
    # a phone held upright: stored 192x128 with a 90 degree display rotation
    write_video(folder / "phone.mp4", frames=10, size=(192, 128), rotation=90)
    write_image(folder / "card.png", size=(320, 240))
    clicks = [SECOND // 2, SECOND + 123]
    write_audio(folder / "clicks.wav", seconds=2, signal=click_signal(clicks))
    return folder


def picture_of(media: Path, name: str, frames: int, start: int = 0) -> otio.schema.Clip:
    return clips_for(media / name, RATE, frames, start)[0]


def sound_of(media: Path, name: str, frames: int, start: int = 0) -> otio.schema.Clip:
    return clips_for(media / name, RATE, frames, start)[-1]


def index_shown(timeline: otio.schema.Timeline, frame: int, renderer: Renderer) -> int:
    return read_index(video_frame(timeline, frame, renderer=renderer))


def body_colour(image: np.ndarray) -> np.ndarray:
    """The average colour below the index blocks, where the clip shows its plain colour."""
    return image[image.shape[0] // 2 :, :].reshape(-1, 3).mean(axis=0)


def test_cuts_show_each_clips_own_frames(media: Path) -> None:
    timeline = new_project(size=SIZE)
    v1 = document.track(timeline, "V1")
    v1.append(picture_of(media, "a.mp4", 30))
    v1.append(picture_of(media, "b.mp4", 30, start=10))
    with Renderer() as renderer:
        shown = [index_shown(timeline, f, renderer) for f in range(60)]
    assert shown == list(range(30)) + list(range(10, 40))


def test_a_gap_is_black_and_an_upper_track_covers_the_lower(media: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(picture_of(media, "a.mp4", 60))
    v2 = document.track(timeline, "V2")
    v2.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0, RATE), rt(20, RATE))))
    v2.append(picture_of(media, "b.mp4", 10, start=50))
    with Renderer() as renderer:
        assert index_shown(timeline, 5, renderer) == 5  # V2 has a gap: V1 shows through
        assert index_shown(timeline, 25, renderer) == 55  # V2 wins where it has a clip
        assert np.allclose(body_colour(video_frame(timeline, 25, renderer=renderer)), RED, atol=6)
        assert not video_frame(timeline, 70, renderer=renderer).any()  # past everything: black
        tracks.set_track_flags(timeline, "V2", hidden=True)
        assert index_shown(timeline, 25, renderer) == 25  # a hidden track is skipped


def test_a_25fps_source_on_a_30fps_timeline_shows_the_frame_at_each_time(media: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(picture_of(media, "pal.mp4", 60))
    with Renderer() as renderer:
        shown = [index_shown(timeline, f, renderer) for f in range(60)]
    assert shown == [f * 25 // 30 for f in range(60)]


def test_phone_footage_is_upright_and_letterboxed(media: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(picture_of(media, "phone.mp4", 10))
    image = video_frame(timeline, 7)
    # 128x192 upright, fitted into 160x120: 80x120 in the middle, black bars either side
    assert not image[:, :40].any() and not image[:, 120:].any()
    assert read_index(image[:, 40:120]) == 7


def test_a_still_lasts_as_long_as_its_clip_and_is_fitted(media: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(picture_of(media, "card.png", 45))
    with Renderer() as renderer:
        first, last = (
            video_frame(timeline, 0, renderer=renderer),
            video_frame(timeline, 44, renderer=renderer),
        )
        assert np.array_equal(first, last)
        assert np.allclose(first.reshape(-1, 3).mean(axis=0), (200, 0, 0), atol=6)  # 4:3 into 4:3: no bars
        assert not video_frame(timeline, 45, renderer=renderer).any()


def test_a_vertical_export_crops_or_fits(media: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(picture_of(media, "card.png", 5))
    fitted = video_frame(timeline, 0, size=(90, 160), fit="fit")
    cropped = video_frame(timeline, 0, size=(90, 160), fit="crop")
    assert not fitted[:20].any() and not fitted[-20:].any()  # bars above and below
    assert fitted[80, 45, 0] > 150
    assert cropped.min(axis=(0, 1))[0] > 150  # filled edge to edge


def test_a_cross_dissolve_blends_the_two_clips_by_progress(media: Path) -> None:
    timeline = new_project(size=SIZE)
    v1 = document.track(timeline, "V1")
    v1.append(picture_of(media, "a.mp4", 30, start=10))
    v1.append(picture_of(media, "b.mp4", 30, start=20))
    transitions.add_cross_dissolve(timeline, "V1", rt(30, RATE), rt(10, RATE))
    with Renderer() as renderer:
        before, after = (
            video_frame(timeline, 24, renderer=renderer),
            video_frame(timeline, 35, renderer=renderer),
        )
        assert np.allclose(body_colour(before), BLUE, atol=6)
        assert np.allclose(body_colour(after), RED, atol=6)
        for frame in (25, 27, 30, 34):
            progress = (frame - 25 + 0.5) / 10
            expected = (1 - progress) * np.array(BLUE) + progress * np.array(RED)
            colour = body_colour(video_frame(timeline, frame, renderer=renderer))
            assert np.allclose(colour, expected, atol=6), (frame, colour, expected)


def test_a_fade_in_rises_from_black(media: Path) -> None:
    timeline = new_project(size=SIZE)
    clip = picture_of(media, "b.mp4", 30)
    document.track(timeline, "V1").append(clip)
    effects.set_fades(timeline, document.clip_id(clip), fade_in=rt(10, RATE))
    with Renderer() as renderer:
        levels = [body_colour(video_frame(timeline, f, renderer=renderer))[0] for f in (0, 4, 9, 15)]
    assert levels[0] < 20 and abs(levels[1] - 0.45 * 200) < 8 and levels[2] > 180 and abs(levels[3] - 200) < 6


def test_a_frame_is_the_same_pixels_read_in_order_or_jumped_to(media: Path) -> None:
    """Export reads straight through; a viewer scrubs and jumps: both must see identical pixels."""
    timeline = new_project(size=SIZE)
    v1 = document.track(timeline, "V1")
    v1.append(picture_of(media, "a.mp4", 30))
    v1.append(picture_of(media, "b.mp4", 30, start=10))
    transitions.add_cross_dissolve(timeline, "V1", rt(30, RATE), rt(6, RATE))
    with Renderer() as in_order:
        straight = [render_picture(timeline, f, renderer=in_order).data.copy() for f in range(60)]
    with Renderer() as jumping:
        for frame in (50, 3, 31, 29, 0, 59, 27):
            picture = render_picture(timeline, frame, renderer=jumping)
            assert np.array_equal(picture.data, straight[frame]), frame
            assert np.array_equal(video_frame(timeline, frame, renderer=jumping), picture.to_rgb())


def test_a_missing_file_is_named_in_the_error(media: Path, tmp_path: Path) -> None:
    moved = tmp_path / "gone.mp4"
    moved.write_bytes((media / "a.mp4").read_bytes())
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(picture_of(tmp_path, "gone.mp4", 10))
    moved.unlink()
    with pytest.raises(MediaError, match=r"gone\.mp4 is missing"):
        video_frame(timeline, 0)


# -- sound ----------------------------------------------------------------------------------------


def dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples[:, 0] * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / SECOND)[int(np.argmax(spectrum))])


def test_each_clip_is_heard_where_it_sits_and_video_tracks_are_silent(media: Path) -> None:
    timeline = new_project(size=SIZE)
    a_picture, a_sound = clips_for(media / "a.mp4", RATE, 30)
    b_picture, b_sound = clips_for(media / "b.mp4", RATE, 30)
    edits.append(timeline, {"V1": a_picture, "A1": a_sound})
    edits.append(timeline, {"V1": b_picture, "A1": b_sound})
    with Sources() as sources:
        mix = audio(timeline, 0, 2 * SECOND, sources)
        assert abs(dominant_hz(mix[2400 : SECOND - 2400]) - 440) < 3
        assert abs(dominant_hz(mix[SECOND + 2400 : 2 * SECOND - 2400]) - 880) < 3
        tracks.set_track_flags(timeline, "A1", muted=True)
        assert not audio(timeline, 0, 2 * SECOND, sources).any()  # the pictures carry no sound


def test_sound_is_placed_to_the_sample(media: Path) -> None:
    timeline = new_project(size=SIZE)
    a1 = document.track(timeline, "A1")
    a1.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0, RATE), rt(15, RATE))))
    a1.append(sound_of(media, "clicks.wav", 45, start=3))
    mix = audio(timeline, 0, 2 * SECOND)
    loud = np.flatnonzero(np.abs(mix[:, 0]) > 0.5)
    # clip starts at frame 15 (sample 24000) playing from source frame 3 (sample 4800)
    assert list(loud) == [24000 - 4800 + SECOND // 2, 24000 - 4800 + SECOND + 123]


def test_gain_solo_and_mute(media: Path) -> None:
    timeline = new_project(size=SIZE)
    quiet = sound_of(media, "a.mp4", 30)
    loud = sound_of(media, "b.mp4", 30)
    document.track(timeline, "A1").append(quiet)
    document.track(timeline, "A2").append(loud)
    effects.set_gain(timeline, document.clip_id(quiet), -6.0)
    with Sources() as sources:
        tracks.set_track_flags(timeline, "A1", solo=True)
        soloed = audio(timeline, 12000, 24000, sources)
        assert abs(dominant_hz(soloed) - 440) < 3
        assert abs(np.abs(soloed).max() - 0.25 * 10 ** (-6 / 20)) < 0.01
        tracks.set_track_flags(timeline, "A1", solo=False, muted=True)
        assert abs(dominant_hz(audio(timeline, 12000, 24000, sources)) - 880) < 3


def test_a_crossfade_keeps_the_level_steady(media: Path) -> None:
    timeline = new_project(size=SIZE)
    a1 = document.track(timeline, "A1")
    a1.append(sound_of(media, "a.mp4", 30, start=10))
    a1.append(sound_of(media, "b.mp4", 30, start=10))
    transitions.add_crossfade(timeline, "A1", rt(30, RATE), rt(10, RATE))
    mix = audio(timeline, 0, 2 * SECOND)
    middle = mix[SECOND - 800 : SECOND + 800, 0]
    # equal power: two uncorrelated tones at cos/sin 45 degrees keep the RMS of either alone
    rms = float(np.sqrt(np.mean(middle**2)))
    assert abs(rms - 0.25 / np.sqrt(2)) < 0.02
    assert dominant_hz(mix[SECOND + 12000 : SECOND + 36000]) == pytest.approx(880, abs=3)


def test_scrubbing_back_over_frames_just_seen_needs_no_seek_and_the_cache_stays_in_bounds(
    media: Path,
) -> None:
    timeline = new_project(size=SIZE)
    clip = picture_of(media, "a.mp4", 90)
    document.track(timeline, "V1").append(clip)
    with Renderer(cache_megabytes=0.05) as small:  # room for a handful of frames only
        for frame in range(90):
            render_picture(timeline, frame, renderer=small)
            assert small.cache.bytes_used <= 0.05 * 1024 * 1024
    with Renderer() as viewer:
        first = [index_shown(timeline, f, viewer) for f in range(40)]
        decoder = viewer.sources.video(clip)
        seeks = decoder.seeks
        again = [index_shown(timeline, f, viewer) for f in (30, 10, 25, 0, 39)]
        assert decoder.seeks == seeks  # every frame came from the cache
        assert again == [first[f] for f in (30, 10, 25, 0, 39)]
