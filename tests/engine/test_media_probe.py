"""Probing the files users bring: footage, phone clips, sound, stills, and broken files."""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

import pytest

from engine.cli.main import main as shotline
from engine.errors import MediaError
from engine.media.probe import probe
from tests.support.mediagen import write_audio, write_image, write_video


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    write_video(folder / "h264.mp4", frames=40, tone_hz=440)
    write_video(folder / "ntsc.mov", frames=12, rate=Fraction(30000, 1001))
    write_video(folder / "pal.mkv", frames=10, rate=Fraction(25))
    write_video(folder / "hevc10.mkv", frames=8, codec="libx265", pix_fmt="yuv420p10le")
    write_video(folder / "vp9.webm", frames=8, codec="libvpx-vp9")
    write_video(folder / "av1.mp4", frames=8, codec="libsvtav1")
    write_video(folder / "phone.mp4", frames=8, size=(160, 96), rotation=90)
    vfr = [i * 1000 + (300 if i % 3 else 0) for i in range(20)]
    write_video(folder / "vfr.mp4", frames=20, pts=vfr, time_base=Fraction(1, 30000))
    for suffix, codec in [
        ("wav", "pcm_s16le"),
        ("mp3", "libmp3lame"),
        ("m4a", "aac"),
        ("opus", "libopus"),
        ("flac", "flac"),
    ]:
        write_audio(folder / f"tone.{suffix}", seconds=1.0, codec=codec)
    write_audio(folder / "mono.wav", seconds=0.5, channels=1)
    write_image(folder / "logo.png", alpha=True)
    write_image(folder / "photo.jpg")
    return folder


def test_ordinary_footage_with_sound(media: Path) -> None:
    info = probe(media / "h264.mp4")
    assert (info.kind, info.duration) == ("video", Fraction(4, 3))
    assert (info.video.width, info.video.height, info.video.rate, info.video.rotation) == (160, 120, 30, 0)
    assert (info.video.frames, info.video.vfr, info.video.codec) == (40, False, "h264")
    assert (info.audio.sample_rate, info.audio.channels) == (48000, 2)


@pytest.mark.parametrize(
    ("name", "rate", "codec", "depth"),
    [
        ("ntsc.mov", Fraction(30000, 1001), "h264", 8),
        ("pal.mkv", Fraction(25), "h264", 8),
        ("hevc10.mkv", Fraction(30), "hevc", 10),
        ("vp9.webm", Fraction(30), "vp9", 8),
        ("av1.mp4", Fraction(30), None, 8),
    ],
)
def test_codecs_containers_and_exact_rates(
    media: Path, name: str, rate: Fraction, codec: str | None, depth: int
) -> None:
    info = probe(media / name)
    assert info.kind == "video"
    assert info.video.rate == rate
    assert info.video.bit_depth == depth
    if codec:
        assert info.video.codec == codec


def test_phone_footage_is_reported_upright(media: Path) -> None:
    info = probe(media / "phone.mp4")
    assert info.video.rotation == 90
    assert (info.video.width, info.video.height) == (96, 160)  # as displayed


def test_variable_frame_rate_is_detected(media: Path) -> None:
    info = probe(media / "vfr.mp4")
    assert info.video.vfr is True
    assert float(info.video.rate) == pytest.approx(30, rel=0.05)
    assert info.video.rate != 30


@pytest.mark.parametrize("suffix", ["wav", "mp3", "m4a", "opus", "flac"])
def test_audio_only_files(media: Path, suffix: str) -> None:
    info = probe(media / f"tone.{suffix}")
    assert info.kind == "audio" and info.video is None
    assert info.audio.channels == 2
    assert float(info.duration) == pytest.approx(1.0, abs=0.06)
    assert probe(media / "mono.wav").audio.channels == 1


def test_stills_have_no_duration_and_alpha_is_reported(media: Path) -> None:
    png = probe(media / "logo.png")
    assert (png.kind, png.duration, png.video.width, png.video.height) == ("image", None, 64, 48)
    assert png.video.has_alpha is True
    jpg = probe(media / "photo.jpg")
    assert jpg.kind == "image" and jpg.video.has_alpha is False


def broken_files(folder: Path) -> dict[str, Path]:
    good = (folder / "h264.mp4").read_bytes()
    cases = {
        "empty.mp4": b"",
        "random.mp4": os.urandom(4096),
        "text.mp4": b"This is a shopping list, not a film.\n" * 20,
        "truncated.mp4": good[:600],
        "headless.mp4": good[len(good) // 2 :],
    }
    paths = {}
    for name, data in cases.items():
        path = folder / "broken" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        paths[name] = path
    paths["missing.mp4"] = folder / "broken" / "missing.mp4"
    paths["a folder"] = folder
    return paths


@pytest.mark.parametrize(
    "case",
    ["empty.mp4", "random.mp4", "text.mp4", "truncated.mp4", "headless.mp4", "missing.mp4", "a folder"],
)
def test_a_broken_file_gives_one_clear_error(media: Path, case: str) -> None:
    path = broken_files(media)[case]
    with pytest.raises(MediaError) as caught:
        probe(path)
    message = str(caught.value)
    assert path.name in message and "\n" not in message


def test_shotline_probe_json(media: Path, capsys) -> None:
    assert shotline(["probe", str(media / "phone.mp4"), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {
        "path": str(media / "phone.mp4"),
        "kind": "video",
        "duration_s": pytest.approx(8 / 30, abs=1e-3),
        "video": {"width": 96, "height": 160, "rate": "30/1", "rotation": 90},
        "audio": None,
    }
    assert shotline(["probe", str(media / "ntsc.mov"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["video"]["rate"] == "30000/1001"
    assert shotline(["probe", str(media / "tone.wav"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["audio"] == {"sample_rate": 48000, "channels": 2}


def test_shotline_probe_of_a_broken_file_exits_2_with_one_line(media: Path, capsys) -> None:
    assert shotline(["probe", str(broken_files(media)["text.mp4"])]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("shotline probe: text.mp4")
