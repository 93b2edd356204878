"""The default backends of `image.generate` and `image.edit`: a storyboard panel, on any CPU, no download.

So that "Generate still" and Generate all work out of the box, a still is
the animatic's panel (engine.generate.video.animatic draws it) held as one
picture: the prompt on a card over a seeded paper panel, the shot's label,
and STORYBOARD in red in its corner, so nobody mistakes it for a model's
output. A still made from references (image.edit) shows each reference's
thumbnail and name across the top, so the storyboard says who is in the
shot. The same request gives the same pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from engine.errors import GenerateError
from engine.generate.base import Output, Readiness
from engine.generate.conform import fit_picture
from engine.generate.image.request import ImageRequest, Reference
from engine.generate.video.animatic import backdrop, camera, card, composite, font
from engine.jobs.progress import ENCODING, RENDERING, JobContext

MARK = "STORYBOARD"


class StoryboardBackend:
    name = "storyboard"
    task = "image.generate"
    label = "Storyboard panel (no AI model)"
    gpu = False

    def readiness(self) -> Readiness:
        return Readiness(True, "CPU, nothing to download")

    def run(self, request: ImageRequest, context: JobContext) -> Output:
        context.check_cancelled()
        context.progress(0.1, RENDERING)
        picture = panel(request)
        context.progress(0.9, ENCODING)
        path = write_still(context.workdir / "storyboard.png", picture)
        return Output([path], request.provenance(backend=self.name, model_id="", storyboard=True))


class StoryboardEditBackend(StoryboardBackend):
    task = "image.edit"
    label = "Storyboard panel with the references (no AI model)"


def panel(request: ImageRequest) -> np.ndarray:
    """The still (RGB, exactly the request's size): the panel, the references, the card."""
    size = (request.width, request.height)
    label = request.shot or f"{request.width}x{request.height}"
    picture = camera(backdrop(size, request.seed), 0, 1, size, request.seed)
    if request.references:
        picture = _with_references(picture, request.references)
    return composite(picture, card(size, request.prompt, label, MARK))


def _with_references(picture: np.ndarray, references: tuple[Reference, ...]) -> np.ndarray:
    """The references' thumbnails in a row below the mark, each with its name under it."""
    height, width = picture.shape[:2]
    unit = max(8, height // 24)
    count = len(references)
    gap = unit // 2
    room = (width - 2 * unit - gap * (count - 1)) // count  # the width each may have
    thumb_w = max(6, min(height // 4 * 3 // 4, room))  # portrait 3:4, a quarter of the height
    thumb_h = thumb_w * 4 // 3
    layer = Image.fromarray(picture)
    draw = ImageDraw.Draw(layer)
    small = font(max(8, unit * 3 // 4))
    top = unit * 2 + unit // 2
    left = (width - (count * thumb_w + (count - 1) * gap)) // 2
    for index, reference in enumerate(references):
        x = left + index * (thumb_w + gap)
        thumb = Image.fromarray(fit_picture(_read(reference.path), (thumb_w, thumb_h), "crop"))
        draw.rectangle((x - 2, top - 2, x + thumb_w + 1, top + thumb_h + 1), fill=(245, 245, 240))
        layer.paste(thumb, (x, top))
        name = reference.name
        while name and draw.textlength(name, font=small) > thumb_w:
            name = name[:-1]
        text_w = draw.textlength(name, font=small)
        draw.text((x + (thumb_w - text_w) / 2, top + thumb_h + unit // 4), name, font=small,
                  fill=(255, 255, 255), stroke_width=max(1, unit // 12), stroke_fill=(0, 0, 0))  # fmt: skip
    return np.asarray(layer)


def _read(path: str) -> np.ndarray:
    try:
        with Image.open(path) as opened:
            return np.asarray(opened.convert("RGB"))
    except OSError as error:
        raise GenerateError(f"The reference image {Path(path).name} cannot be read: {error}") from None


def write_still(path: Path, picture: np.ndarray) -> Path:
    """A PNG of the picture (lossless: export encodes it once, at delivery)."""
    try:
        Image.fromarray(picture).save(path, format="PNG")
    except OSError as error:
        raise GenerateError(f"Cannot write {path.name}: {error.strerror or error}") from None
    return path
