"""The demo project a new user sees on first start, made from media synthesized here.

Nothing large lives in the repository: the shots (animated scenes with their
own ambient sound) and a music bed are rendered with numpy, OpenCV and PyAV
into the user's data folder the first time, then reused.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import opentimelineio as otio

from engine.media.mp4 import exact_mp4_options
from engine.paths import data_dir
from engine.project import edits, effects, markers, persistence, transitions
from engine.project.clips import linked_av, media_clip, media_reference
from engine.project.document import AUDIO, new_project
from engine.project.times import rt, tr
from engine.render.picture import frame_from_rgb, tag_bt709

RATE = Fraction(30)
SIZE = (1280, 720)
SAMPLE_RATE = 48000

Painter = Callable[[int, int], np.ndarray]  # (frame index, frame count) -> RGB image


def _sky(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> np.ndarray:
    w, h = SIZE
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    grad = np.array(top, np.float32) * (1 - t) + np.array(bottom, np.float32) * t
    return np.repeat(grad, w, axis=1)


def _title(img: np.ndarray, text: str, sub: str) -> None:
    cv2.putText(img, text, (60, 620), cv2.FONT_HERSHEY_DUPLEX, 2.0, (250, 250, 245), 3, cv2.LINE_AA)
    cv2.putText(img, sub, (64, 668), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (225, 225, 220), 2, cv2.LINE_AA)


def paint_dawn(i: int, n: int) -> np.ndarray:
    img = _sky((40, 60, 130), (250, 170, 110))
    w, h = SIZE
    sun_y = int(h * 0.75 - i / n * h * 0.35)
    cv2.circle(img, (w // 2, sun_y), 70, (255, 230, 160), -1, cv2.LINE_AA)
    hills = np.array([[0, h], [0, 520], [300, 460], [640, 540], [980, 450], [w, 500], [w, h]], np.int32)
    cv2.fillPoly(img, [hills], (35, 45, 40), cv2.LINE_AA)
    out = img.clip(0, 255).astype(np.uint8)
    _title(out, "Dawn", "Shotline demo - shot 1")
    return out


def paint_city(i: int, n: int) -> np.ndarray:
    img = _sky((15, 18, 40), (70, 50, 90))
    w, h = SIZE
    rng = np.random.default_rng(7)
    shift = int(i / n * 160)
    for k in range(18):
        bw = int(rng.integers(50, 110))
        bh = int(rng.integers(180, 460))
        x = (k * 90 - shift) % (w + 120) - 60
        cv2.rectangle(img, (x, h - bh), (x + bw, h), (28, 30, 48), -1)
        for wy in range(h - bh + 12, h - 10, 26):
            for wx in range(x + 8, x + bw - 10, 20):
                if rng.random() < 0.45:
                    cv2.rectangle(img, (wx, wy), (wx + 8, wy + 12), (240, 210, 120), -1)
    out = img.clip(0, 255).astype(np.uint8)
    _title(out, "City", "Shotline demo - shot 2")
    return out


def paint_sea(i: int, n: int) -> np.ndarray:
    img = _sky((120, 170, 220), (200, 225, 240))
    w, h = SIZE
    xs = np.arange(w)
    for layer in range(5):
        base = 380 + layer * 60
        phase = i / 30.0 * (1.2 + layer * 0.3)
        ys = base + 14 * np.sin(xs / (90 - layer * 10) + phase)
        pts = np.column_stack([xs, ys]).astype(np.int32)
        pts = np.vstack([pts, [[w, h], [0, h]]])
        shade = (20 + layer * 12, 70 + layer * 18, 120 + layer * 15)
        cv2.fillPoly(img, [pts], shade, cv2.LINE_AA)
    out = img.clip(0, 255).astype(np.uint8)
    _title(out, "Sea", "Shotline demo - shot 3")
    return out


def _ambience(seconds: float, kind: str, seed: int) -> np.ndarray:
    """A soft, recognisable bed per shot (birds, hum, surf) as stereo float32."""
    n = round(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(n).astype(np.float32)
    if kind == "birds":
        chirp = np.sin(2 * np.pi * (2400 + 600 * np.sin(2 * np.pi * 7 * t)) * t)
        gate = (np.sin(2 * np.pi * 1.3 * t) > 0.7).astype(np.float32)
        mono = 0.08 * chirp * gate + 0.01 * noise
    elif kind == "hum":
        mono = 0.06 * np.sin(2 * np.pi * 110 * t) + 0.03 * np.sin(2 * np.pi * 220 * t) + 0.01 * noise
    else:
        swell = 0.5 + 0.5 * np.sin(2 * np.pi * 0.25 * t)
        smooth = np.convolve(noise, np.ones(40) / 40, mode="same")
        mono = 0.5 * smooth * swell
    mono = mono.astype(np.float32)
    return np.stack([mono, mono])


def _music(seconds: float) -> np.ndarray:
    """A slow chord progression (I-vi-IV-V in C) as a music bed."""
    n = round(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    chords = [
        (261.63, 329.63, 392.0),
        (220.0, 261.63, 329.63),
        (174.61, 220.0, 261.63),
        (196.0, 246.94, 293.66),
    ]
    out = np.zeros(n, np.float32)
    bar = 2.0
    for k in range(math.ceil(seconds / bar)):
        lo, hi = round(k * bar * SAMPLE_RATE), min(n, round((k + 1) * bar * SAMPLE_RATE))
        seg = t[lo:hi] - k * bar
        env = np.minimum(1.0, seg / 0.05) * np.exp(-seg * 0.8)
        for f in chords[k % 4]:
            out[lo:hi] += (0.07 * env * np.sin(2 * np.pi * f * t[lo:hi])).astype(np.float32)
    return np.stack([out, out * 0.95])


def _write_video(path: Path, painter: Painter, frames: int, audio: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".part")
    with av.open(str(tmp), "w", format="mp4", options=exact_mp4_options(RATE, SAMPLE_RATE)) as container:
        video = container.add_stream("libx264", rate=RATE)
        video.width, video.height = SIZE
        video.pix_fmt = "yuv420p"
        video.options = {"crf": "20", "preset": "veryfast", "g": "30"}
        tag_bt709(video)
        sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        for i in range(frames):
            frame = frame_from_rgb(painter(i, frames))
            frame.pts = i
            container.mux(video.encode(frame))
        container.mux(video.encode())
        _mux_audio(container, sound, audio)
    os.replace(tmp, path)


def _mux_audio(container: av.container.OutputContainer, stream: av.AudioStream, audio: np.ndarray) -> None:
    block = 1024
    for start in range(0, audio.shape[1], block):
        chunk = np.ascontiguousarray(audio[:, start : start + block])
        frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = start
        container.mux(stream.encode(frame))
    container.mux(stream.encode())


def _write_wav(path: Path, audio: np.ndarray) -> None:
    tmp = path.with_name(path.name + ".part")
    with av.open(str(tmp), "w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=SAMPLE_RATE, layout="stereo")
        _mux_audio(container, stream, audio)
    os.replace(tmp, path)


SHOTS: list[tuple[str, Painter, str, float]] = [
    ("dawn", paint_dawn, "birds", 5.0),
    ("city", paint_city, "hum", 5.0),
    ("sea", paint_sea, "surf", 6.0),
]


#: (done, total) as the demo's media are written: frames of picture, then one step for the music.
Progress = Callable[[int, int], None]


def demo_media_paths(folder: Path) -> dict[str, Path]:
    """Where `write_demo_media(folder)` puts each file (nothing is read or written)."""
    return {**{name: folder / f"{name}.mp4" for name, *_ in SHOTS}, "music": folder / "music.wav"}


def write_demo_media(folder: Path, progress: Progress | None = None) -> dict[str, Path]:
    """Render the demo's shots and music into `folder` (skipping files already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = demo_media_paths(folder)
    total = sum(round(seconds * RATE) for *_, seconds in SHOTS) + 1
    done = 0
    for seed, (name, painter, sound, seconds) in enumerate(SHOTS):
        frames = round(seconds * RATE)
        if not paths[name].exists():
            step = done

            def counted(i: int, n: int, painter: Painter = painter, step: int = step) -> np.ndarray:
                if progress is not None:
                    progress(step + i, total)
                return painter(i, n)

            _write_video(paths[name], counted, frames, _ambience(frames / RATE, sound, seed))
        done += frames
    if not paths["music"].exists():
        _write_wav(paths["music"], _music(16.0))
    if progress is not None:
        progress(total, total)
    return paths


def _available(seconds: float) -> otio.opentime.TimeRange:
    return tr(0, round(seconds * RATE), float(RATE))


def build_demo_project(folder: Path, progress: Progress | None = None) -> Path:
    """Write the demo's media and project into `folder`; return the project file."""
    timeline = demo_timeline(write_demo_media(folder / "media", progress))
    path = folder / PROJECT_NAME
    persistence.save(timeline, path)
    return path


PROJECT_NAME = "Shotline demo.otio"


def demo_timeline(media: dict[str, Path]) -> otio.schema.Timeline:
    """The demo's cut of `media` (demo_media_paths); reads no file, so it can be shown at once.

    The cut uses what a new user will want to try: linked picture and sound,
    a cross-dissolve fed by handles, a music bed 12 dB down with fades, and
    markers to snap to.
    """
    timeline = new_project("Shotline demo")
    rate = float(RATE)
    durations = {name: seconds for name, _, _, seconds in SHOTS}
    cuts = {"dawn": (0, 120), "city": (15, 120), "sea": (20, 150)}  # (in frame, length): handles at both ends
    for name, (start, length) in cuts.items():
        ref = media_reference(str(media[name]), _available(durations[name]))
        video, audio = linked_av(name.capitalize(), ref, rate, duration=length, source_start=start)
        edits.append(timeline, {"V1": video, "A1": audio})
    transitions.add_cross_dissolve(timeline, "V1", rt(240, rate), rt(20, rate))
    transitions.add_crossfade(timeline, "A1", rt(240, rate), rt(20, rate))
    music = media_clip("Music", media_reference(str(media["music"]), _available(16.0)), rate, 390, 0, AUDIO)
    edits.append(timeline, {"A2": music})
    ident = str(music.metadata["shotline"]["id"])
    effects.set_gain(timeline, ident, -12.0)
    effects.set_fades(timeline, ident, rt(30, rate), rt(60, rate))
    markers.add_marker(timeline, rt(120, rate), "City", color=otio.schema.MarkerColor.BLUE)
    markers.add_marker(timeline, rt(240, rate), "Sea", color=otio.schema.MarkerColor.BLUE)
    return timeline


def demo_folder() -> Path:
    return data_dir() / "demo"


def ready_demo() -> Path | None:
    """The demo project if it has been made already."""
    path = demo_folder() / PROJECT_NAME
    return path if path.exists() else None


def demo_project(progress: Progress | None = None) -> Path:
    """The demo project in the user's data folder, made on first use."""
    return ready_demo() or build_demo_project(demo_folder(), progress)
