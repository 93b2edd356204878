"""Export to MP4, checked by decoding what was written: frames, blends, sound, and failures."""

from __future__ import annotations

import errno
import os
import subprocess
import threading
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest

from engine.cli.main import main as cli_main
from engine.errors import ExportCancelled, ExportError
from engine.export import mp4
from engine.export.mp4 import export_mp4
from engine.export.presets import ExportSettings, preset
from engine.media.reference import clips_for
from engine.project import document, edits, effects, persistence, transitions
from engine.project.document import new_project
from engine.project.times import rt
from engine.render.picture import Picture
from engine.render.video import Renderer, render_picture
from tests.support.mediagen import click_signal, read_index, write_audio, write_image, write_video

RATE = 30.0
SIZE = (160, 120)
SECOND = 48000
BLUE, RED = (40, 90, 160), (200, 60, 30)
#: Lossless H.264: the decoded export must equal the renderer's pixels exactly.
LOSSLESS = ExportSettings(crf=0, x264_preset="ultrafast")
FAST = ExportSettings(crf=18, x264_preset="ultrafast")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export-media")
    write_video(folder / "a.mp4", frames=90, color=BLUE, tone_hz=440, gop=12)
    write_video(folder / "b.mp4", frames=90, color=RED, tone_hz=880, gop=12)
    write_video(folder / "pal.mp4", frames=50, rate=Fraction(25))
    write_video(folder / "phone.mp4", frames=12, size=(192, 128), rotation=90)
    write_image(folder / "card.png", size=(320, 240))
    write_audio(folder / "clicks.wav", seconds=3, signal=click_signal([SECOND // 2, 2 * SECOND + 77]))
    return folder


def clips(media: Path, name: str, frames: int, start: int = 0) -> list[otio.schema.Clip]:
    return clips_for(media / name, RATE, frames, start)


def gap(frames: int) -> otio.schema.Gap:
    return otio.schema.Gap(source_range=otio.opentime.TimeRange(rt(0, RATE), rt(frames, RATE)))


def decoded_pictures(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [frame.to_ndarray().reshape(-1) for frame in container.decode(video=0)]


def decoded_sound(path: Path) -> tuple[np.ndarray, Fraction]:
    """All samples as (n, 2) float32 and the sound's start time in seconds."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        start = Fraction(stream.start_time or 0) * stream.time_base
        blocks = [frame.to_ndarray().T for frame in container.decode(audio=0)]
    return np.concatenate(blocks).astype(np.float32), start


def an_edit(media: Path) -> otio.schema.Timeline:
    """Cuts, a gap, a 25 fps source, a phone clip, a still, a dissolve; sound with a click track."""
    timeline = new_project(size=SIZE)
    v1 = document.track(timeline, "V1")
    a_pic, a_snd = clips(media, "a.mp4", 30, start=5)
    b_pic, b_snd = clips(media, "b.mp4", 30, start=20)
    edits.append(timeline, {"V1": a_pic, "A1": a_snd})
    edits.append(timeline, {"V1": b_pic, "A1": b_snd})
    transitions.add_cross_dissolve(timeline, "V1", rt(30, RATE), rt(8, RATE))
    v1.append(gap(10))
    v1.append(clips(media, "pal.mp4", 20)[0])
    v1.append(clips(media, "phone.mp4", 10)[0])
    v1.append(clips(media, "card.png", 10)[0])
    document.track(timeline, "A2").append(clips(media, "clicks.wav", 90)[0])
    return timeline


def test_every_exported_frame_is_the_renderers_frame(media: Path, tmp_path: Path) -> None:
    timeline = an_edit(media)
    result = export_mp4(timeline, tmp_path / "cut.mp4", LOSSLESS)
    assert result.frames == 110 and (tmp_path / "cut.mp4").is_file()
    written = decoded_pictures(tmp_path / "cut.mp4")
    assert len(written) == 110
    with Renderer() as renderer:
        for n, pixels in enumerate(written):
            assert np.array_equal(pixels, render_picture(timeline, n, renderer=renderer).data), n


def test_exported_frames_show_the_right_source_frames(media: Path, tmp_path: Path) -> None:
    timeline = an_edit(media)
    export_mp4(timeline, tmp_path / "cut.mp4", FAST)
    with av.open(str(tmp_path / "cut.mp4")) as container:
        images = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    shown = [read_index(image) for image in images[:26]] + [read_index(image) for image in images[34:60]]
    assert shown == list(range(5, 31)) + list(range(24, 50))  # a from 5, b from 20 (+4 past its in point)
    assert not images[65].any()  # the gap is black
    assert [read_index(images[70 + i]) for i in range(20)] == [i * 25 // 30 for i in range(20)]
    phone = images[95]
    assert not phone[:, :40].any() and read_index(phone[:, 40:120]) == 5  # upright, letterboxed
    assert abs(float(images[105][..., 0].mean()) - 200) < 8  # the still, red all over
    # mid-dissolve (frame 30 of a 26..34 window): a blend of the blue and the red clip
    progress = (30 - 26 + 0.5) / 8
    expected = (1 - progress) * np.array(BLUE) + progress * np.array(RED)
    body = images[30][60:].reshape(-1, 3).mean(axis=0)
    assert np.allclose(body, expected, atol=8)


def test_sound_starts_at_zero_lasts_as_long_as_the_picture_and_is_in_place(
    media: Path, tmp_path: Path
) -> None:
    timeline = an_edit(media)
    export_mp4(timeline, tmp_path / "cut.mp4", FAST)
    sound, start = decoded_sound(tmp_path / "cut.mp4")
    video_samples = 110 * SECOND // 30
    assert start == 0
    assert video_samples <= len(sound) < video_samples + 1024  # within one AAC frame
    # the clicks (A2) arrive where they sit on the timeline, to within a couple of samples
    left = np.abs(sound[:, 0])
    for click in (SECOND // 2, 2 * SECOND + 77):
        window = left[click - 2000 : click + 2000]
        assert abs(int(np.argmax(window)) - 2000) <= 2
    # A1: a's tone in the first second, b's in the second
    spectrum = np.abs(np.fft.rfft(sound[3000:27000, 1]))
    assert abs(float(np.fft.rfftfreq(24000, 1 / SECOND)[int(np.argmax(spectrum))]) - 440) < 4


def test_a_vertical_preset_and_another_frame_rate(media: Path, tmp_path: Path) -> None:
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(clips(media, "a.mp4", 60)[0])
    settings = preset(
        "vertical-crop", width=90, height=160, rate=Fraction(25), crf=18, x264_preset="ultrafast"
    )
    result = export_mp4(timeline, tmp_path / "tall.mp4", settings)
    assert result.frames == 50 and result.size == (90, 160)
    with av.open(str(tmp_path / "tall.mp4")) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height, stream.average_rate) == (90, 160, 25)
        images = [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
    assert len(images) == 50
    # cropped to fill: no black bars anywhere
    assert min(image[140:].reshape(-1, 3).mean(axis=0).min() for image in images) > 30


def test_the_encoder_gets_the_pixels_the_viewer_shows(media: Path, tmp_path: Path) -> None:
    timeline = an_edit(media)
    fed: list[Picture] = []

    class Recording(Renderer):
        def picture(self, *args, **kwargs) -> Picture:
            picture = super().picture(*args, **kwargs)
            fed.append(picture)
            return picture

    with Recording() as renderer:
        export_mp4(timeline, tmp_path / "cut.mp4", FAST, renderer=renderer)
    assert len(fed) == 110
    with Renderer() as viewer:
        for n in (0, 29, 31, 66, 75, 95, 109):
            assert np.array_equal(render_picture(timeline, n, renderer=viewer).to_rgb(), fed[n].to_rgb())


def test_cancel_stops_at_the_next_frame_and_leaves_nothing(media: Path, tmp_path: Path) -> None:
    timeline = an_edit(media)
    stop = threading.Event()
    seen: list[int] = []

    def progress(report: mp4.Progress) -> None:
        seen.append(report.done)
        assert report.total == 110 and report.eta is not None and report.eta >= 0
        if report.done == 12:
            stop.set()

    with pytest.raises(ExportCancelled):
        export_mp4(timeline, tmp_path / "cut.mp4", FAST, progress=progress, cancel=stop)
    assert seen == list(range(1, 13))
    assert list(tmp_path.iterdir()) == []


def test_an_earlier_file_survives_a_failed_export(media: Path, tmp_path: Path) -> None:
    target = tmp_path / "cut.mp4"
    target.write_bytes(b"the previous export")
    with pytest.raises(ExportCancelled):
        export_mp4(an_edit(media), target, FAST, cancel=lambda: True)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cut.mp4"]


def test_a_full_disk_is_reported_and_cleaned_up(media: Path, tmp_path: Path, monkeypatch) -> None:
    def full_disk(timeline, path: Path, *args) -> int:
        path.write_bytes(b"\0" * 4096)  # part of a file, then the disk fills
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mp4, "_encode", full_disk)
    with pytest.raises(ExportError, match="disk is full"):
        export_mp4(an_edit(media), tmp_path / "cut.mp4", FAST)
    assert list(tmp_path.iterdir()) == []


def test_a_really_full_filesystem(media: Path, tmp_path: Path) -> None:
    """On a 256 kB tmpfs (where the machine lets us mount one), FFmpeg's own write fails."""
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(tiny)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the mocked full disk covers the logic")
    try:
        timeline = new_project(size=(640, 480))
        document.track(timeline, "V1").append(clips(media, "card.png", 300)[0])
        with pytest.raises(ExportError, match="disk is full"):
            export_mp4(timeline, tiny / "cut.mp4", ExportSettings(crf=0, x264_preset="ultrafast"))
        assert list(tiny.iterdir()) == []
    finally:
        subprocess.run(["umount", str(tiny)], check=False)


def test_a_destination_that_cannot_be_written(media: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_mp4(an_edit(media), tmp_path / "no such folder" / "cut.mp4", FAST)
    (tmp_path / "a folder.mp4").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_mp4(an_edit(media), tmp_path / "a folder.mp4", FAST)


def test_a_missing_source_is_named_before_anything_is_written(media: Path, tmp_path: Path) -> None:
    copy = tmp_path / "moved.mp4"
    copy.write_bytes((media / "a.mp4").read_bytes())
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(clips(tmp_path, "moved.mp4", 20)[0])
    copy.unlink()
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match=r"moved\.mp4 is missing"):
        export_mp4(timeline, out / "cut.mp4", FAST)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a video at all\n", os.urandom(4096)],
    ids=["empty", "text", "random bytes"],
)
def test_a_broken_source_gives_one_clear_error(media: Path, tmp_path: Path, damage: bytes) -> None:
    good = tmp_path / "shot.mp4"
    good.write_bytes((media / "a.mp4").read_bytes())
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(clips(tmp_path, "shot.mp4", 20)[0])
    good.write_bytes(damage)  # the file was damaged after it was edited in
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError, match=r"shot\.mp4"):
        export_mp4(timeline, out / "cut.mp4", FAST)
    assert list(out.iterdir()) == []


def test_a_truncated_source_still_exports_what_it_has(media: Path, tmp_path: Path) -> None:
    """Half a file decodes as far as it goes; the frames after that hold the last one."""
    whole = (media / "a.mp4").read_bytes()
    cut_short = tmp_path / "short.mp4"
    cut_short.write_bytes(whole)
    timeline = new_project(size=SIZE)
    document.track(timeline, "V1").append(clips(tmp_path, "short.mp4", 60)[0])
    cut_short.write_bytes(whole[: len(whole) // 2])
    try:
        export_mp4(timeline, tmp_path / "cut.mp4", FAST)
    except ExportError as error:
        assert "short.mp4" in str(error)  # either a clear message ...
    else:
        assert len(decoded_pictures(tmp_path / "cut.mp4")) == 60  # ... or a complete export


def test_an_otio_file_from_another_tool_exports(media: Path, tmp_path: Path) -> None:
    """No Shotline metadata: file:// URLs, a gap, an SMPTE dissolve, a linear AudioVolume."""

    def clip(name: str, start: int, frames: int) -> otio.schema.Clip:
        ref = otio.schema.ExternalReference(
            target_url=(media / name).as_uri(),
            available_range=otio.opentime.TimeRange(rt(0, 30), rt(90, 30)),
        )
        return otio.schema.Clip(
            name=name,
            media_reference=ref,
            source_range=otio.opentime.TimeRange(rt(start, 30), rt(frames, 30)),
        )

    timeline = otio.schema.Timeline(name="from elsewhere")
    picture = otio.schema.Track(name="Video 1", kind=otio.schema.TrackKind.Video)
    picture.extend([clip("a.mp4", 10, 20), gap(5), clip("a.mp4", 40, 20)])
    picture.append(
        otio.schema.Transition(
            transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
            in_offset=rt(4, 30),
            out_offset=rt(4, 30),
        )
    )
    picture.append(clip("b.mp4", 40, 20))
    sound = otio.schema.Track(name="Audio 1", kind=otio.schema.TrackKind.Audio)
    quiet = clip("b.mp4", 0, 65)
    quiet.effects.append(otio.schema.Effect(effect_name="AudioVolume", metadata={"volume": 0.5}))
    sound.append(quiet)
    timeline.tracks.extend([picture, sound])
    otio.adapters.write_to_file(timeline, str(tmp_path / "foreign.otio"))

    command = ["export", str(tmp_path / "foreign.otio"), "-o", str(tmp_path / "out.mp4")]
    assert cli_main([*command, "--width", "320", "--height", "180", "--x264-preset", "ultrafast"]) == 0
    with av.open(str(tmp_path / "out.mp4")) as container:
        # 4:3 sources in a 16:9 frame: 240x180 in the middle
        images = [frame.to_ndarray(format="rgb24")[:, 40:280] for frame in container.decode(video=0)]
    assert len(images) == 65
    assert [read_index(images[i]) for i in (0, 19)] == [10, 29]
    assert not images[22].any()  # the gap
    assert read_index(images[25]) == 40 and read_index(images[40]) == 55
    assert read_index(images[64]) == 59  # b.mp4 from 40 (+20 - 1), after the dissolve
    sound_out, _ = decoded_sound(tmp_path / "out.mp4")
    assert abs(np.abs(sound_out[SECOND // 2 : SECOND]).max() - 0.125) < 0.015  # 0.25 at half volume


def test_the_command_line_is_quiet_off_a_terminal_and_clear_on_errors(
    media: Path, tmp_path: Path, capsys
) -> None:
    timeline = an_edit(media)
    persistence.save(timeline, tmp_path / "film.otio")
    args = [
        "export",
        str(tmp_path / "film.otio"),
        "-o",
        str(tmp_path / "film.mp4"),
        "--x264-preset",
        "ultrafast",
    ]
    assert cli_main(args) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert len(decoded_pictures(tmp_path / "film.mp4")) == 110

    assert cli_main(["export", str(tmp_path / "nothing.otio"), "-o", str(tmp_path / "x.mp4")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "nothing.otio" in error and "Traceback" not in error

    assert cli_main([*args[:4], "--width", "101", "--height", "100"]) == 2
    assert "even" in capsys.readouterr().err


def test_gain_and_fades_reach_the_export(media: Path, tmp_path: Path) -> None:
    timeline = new_project(size=SIZE)
    picture, sound = clips(media, "a.mp4", 60)
    edits.append(timeline, {"V1": picture, "A1": sound})
    effects.set_gain(timeline, document.clip_id(sound), -12.0)
    effects.set_fades(timeline, document.clip_id(picture), fade_out=rt(30, RATE))
    export_mp4(timeline, tmp_path / "cut.mp4", FAST)
    samples, _ = decoded_sound(tmp_path / "cut.mp4")
    assert abs(np.abs(samples[10000:40000]).max() - 0.25 * 10 ** (-12 / 20)) < 0.01
    with av.open(str(tmp_path / "cut.mp4")) as container:
        levels = [frame.to_ndarray(format="rgb24")[60:, :, 2].mean() for frame in container.decode(video=0)]
    assert abs(levels[10] - 160) < 6 and levels[59] < 10 and levels[45] < levels[35] < levels[25]
