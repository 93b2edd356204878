"""The default `video.generate` backend: an animatic panel, made on any CPU with no download.

So that "Generate shot" works out of the box, a shot is rendered as a
storyboard panel: the prompt laid out as a card, the shot's number and
duration, over the reference picture when there is one, with a slow camera
move so it reads as a moving shot in the cut. Every frame says ANIMATIC in
its corner and the take's provenance names this backend, so nobody mistakes
it for a model's output. The same request and seed give the same pixels.
"""

from __future__ import annotations

import textwrap
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.errors import GenerateError
from engine.generate.base import Output, Readiness
from engine.generate.conform import fit_picture
from engine.generate.mezzanine import write_video
from engine.generate.video import TASK
from engine.generate.video.request import VideoRequest
from engine.jobs.progress import ENCODING, RENDERING, JobContext
from engine.results import manifest_of

#: How far the camera pushes in over the shot: slow enough to read as a move, not a zoom.
PUSH_IN = 0.08


class AnimaticBackend:
    name = TASK.default
    task = TASK.name
    label = TASK.default_label
    gpu = False

    def readiness(self) -> Readiness:
        return Readiness(True, "CPU, nothing to download")

    def run(self, request: VideoRequest, context: JobContext) -> Output:
        size = (request.width, request.height)
        picture = backdrop(size, request.seed, request.image, PUSH_IN)
        seconds = float(request.duration)
        label = f"{request.shot + '  ·  ' if request.shot else ''}{seconds:.1f} s  ·  {request.frames} fr"
        # a storyboard keyframe (image.generate's panel) already carries its mark and prompt: the
        # animatic moves over it and adds no second card on top
        layer = None if _is_storyboard(request.image) else card(size, request.prompt, label, "ANIMATIC")
        path = context.workdir / "animatic.mp4"

        def frames():
            for n in range(request.frames):
                context.check_cancelled()
                context.progress(0.95 * n / request.frames, RENDERING, n + 1, request.frames)
                view = camera(picture, n, request.frames, size, request.seed)
                yield view if layer is None else composite(view, layer)

        write_video(path, frames(), request.rate, size)
        context.progress(1.0, ENCODING)
        return Output([path], request.provenance(backend=self.name, model_id="", animatic=True))


def _is_storyboard(image: str | None) -> bool:
    """Whether the reference picture is a storyboard panel from the cache (its manifest says so)."""
    made = (manifest_of(image) or {}).get("provenance") if image else None
    return isinstance(made, dict) and bool(made.get("storyboard"))


def backdrop(size: tuple[int, int], seed: int, image: str | None = None, room: float = 0.0) -> np.ndarray:
    """The panel's picture: `image` cropped to fit, or a toned paper panel with a horizon and a
    vanishing point, seeded so takes differ; `room` larger than the frame, so a camera move has room.

    The storyboard stills of image.generate draw the same panel with no room (engine.generate.image).
    """
    width, height = size
    big = (round(width * (1 + room)) // 2 * 2 + 2, round(height * (1 + room)) // 2 * 2 + 2)
    if image:
        try:
            with Image.open(image) as opened:
                picture = np.asarray(opened.convert("RGB"))
        except OSError as error:
            raise GenerateError(f"The reference image {Path(image).name} cannot be read: {error}") from None
        return fit_picture(picture, big, "crop")
    rng = np.random.default_rng(seed)
    hue = rng.uniform(0, 180)
    top = np.array(cv2.cvtColor(np.uint8([[[hue, 60, 70]]]), cv2.COLOR_HSV2RGB)[0, 0], np.float32)
    bottom = np.array(
        cv2.cvtColor(np.uint8([[[(hue + 25) % 180, 80, 30]]]), cv2.COLOR_HSV2RGB)[0, 0], np.float32
    )
    ramp = np.linspace(0.0, 1.0, big[1], dtype=np.float32)[:, None, None]
    panel = (top * (1 - ramp) + bottom * ramp).repeat(big[0], axis=1)
    canvas = np.ascontiguousarray(panel.astype(np.uint8))
    horizon = int(big[1] * rng.uniform(0.45, 0.62))
    vanish = (int(big[0] * rng.uniform(0.3, 0.7)), horizon)
    ink = (200, 200, 190)
    thickness = max(1, big[1] // 360)
    cv2.line(canvas, (0, horizon), (big[0], horizon), ink, thickness, cv2.LINE_AA)
    for k in range(-6, 7):
        cv2.line(canvas, vanish, (big[0] // 2 + k * big[0] // 5, big[1]), ink, thickness, cv2.LINE_AA)
    return canvas


def camera(backdrop: np.ndarray, n: int, frames: int, size: tuple[int, int], seed: int) -> np.ndarray:
    """The frame's view of the backdrop: a slow push-in with a slight drift, eased (frame 0: all of it)."""
    width, height = size
    t = n / max(1, frames - 1)
    eased = t * t * (3 - 2 * t)
    zoom = 1 + PUSH_IN * eased
    bh, bw = backdrop.shape[:2]
    view_w, view_h = bw / zoom, bh / zoom
    drift = 1 if seed % 2 else -1
    cx = bw / 2 + drift * (bw - view_w) / 2 * 0.5 * eased
    cy = bh / 2
    matrix = np.float32([[width / view_w, 0, -(cx - view_w / 2) * width / view_w],
                         [0, height / view_h, -(cy - view_h / 2) * height / view_h]])  # fmt: skip
    return cv2.warpAffine(
        backdrop, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def card(size: tuple[int, int], prompt: str, label: str, mark: str) -> np.ndarray:
    """The text layer (RGBA): the prompt on a card, a label top right and the `mark` (ANIMATIC,
    STORYBOARD) top left in red, so nobody mistakes the panel for a model's output."""
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    unit = max(8, height // 24)
    margin = unit
    small = font(max(8, unit * 3 // 4))
    word = draw.textbbox((0, 0), mark, font=small)
    x, y, pad = margin // 2, margin // 2, unit // 3
    draw.rectangle((x, y, x + word[2] + 2 * pad, y + word[3] + 2 * pad), fill=(190, 40, 40, 220))
    draw.text((x + pad, y + pad), mark, font=small, fill=(255, 255, 255, 255))
    box = draw.textbbox((0, 0), label, font=small)
    right = width - margin // 2 - (box[2] - box[0]) - unit // 3
    draw.text((right, y + pad), label, font=small, fill=(255, 255, 255, 230))
    text = prompt or "(no prompt)"
    body = font(unit)
    columns = max(12, int(width * 0.7 / (unit * 0.55)))
    lines = textwrap.wrap(text, columns)[:6]
    if len(textwrap.wrap(text, columns)) > 6:
        lines[-1] = lines[-1].rstrip() + " …"
    line_height = int(unit * 1.35)
    card_h = line_height * len(lines) + unit
    card_w = int(width * 0.78)
    left, top = (width - card_w) // 2, height - card_h - margin * 2
    draw.rounded_rectangle((left, top, left + card_w, top + card_h), radius=unit // 2, fill=(15, 15, 18, 170))
    for i, line in enumerate(lines):
        draw.text(
            (left + unit // 2, top + unit // 2 + i * line_height), line, font=body, fill=(240, 240, 235, 255)
        )
    return np.asarray(layer)


def composite(frame: np.ndarray, card: np.ndarray) -> np.ndarray:
    alpha = card[..., 3:4].astype(np.uint16)
    mixed = (frame.astype(np.uint16) * (255 - alpha) + card[..., :3].astype(np.uint16) * alpha + 127) // 255
    return mixed.astype(np.uint8)
