"""Subtitles burned into the picture: the words drawn by Pillow over the frame, as broadcasters set them.

White text with a dark outline, centred near the bottom inside the title-safe
area, wrapped to at most four fifths of the width. Drawing happens in RGB
on a picture that already holds everything else (it is the last stage), so
the words sit over any transition or fade and never fade with the shot.
Only frames with a subtitle pay the round trip through RGB.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.render.picture import Picture, frame_from_rgb

#: Lines of one subtitle shown at most; longer text is shortened with an ellipsis.
MAX_LINES = 3


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=32)
def caption_layer(text: str, size: tuple[int, int]) -> np.ndarray:
    """The words as an RGBA layer of `size` (kept: one subtitle lasts many frames)."""
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    points = max(10, height // 18)
    font = _font(points)
    columns = max(10, int(width * 0.8 / (points * 0.52)))
    lines = [line for said in text.split("\n") for line in textwrap.wrap(" ".join(said.split()), columns)]
    lines = lines or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1].rstrip() + " …"
    outline = max(1, points // 12)
    spacing = points // 4
    block = "\n".join(lines)
    box = draw.multiline_textbbox(
        (0, 0), block, font=font, spacing=spacing, align="center", stroke_width=outline
    )
    x = (width - (box[2] - box[0])) // 2 - box[0]
    y = height - height // 12 - (box[3] - box[1]) - box[1]
    draw.multiline_text(
        (x, y),
        block,
        font=font,
        fill=(255, 255, 255, 255),
        spacing=spacing,
        align="center",
        stroke_width=outline,
        stroke_fill=(0, 0, 0, 255),
    )
    return np.asarray(layer)


def burn(picture: Picture, text: str) -> Picture:
    """The picture with `text` drawn over it as a subtitle."""
    size = (picture.width, picture.height)
    layer = caption_layer(text, size)
    alpha = layer[..., 3:].astype(np.uint16)
    rgb = picture.to_rgb().astype(np.uint16)
    over = (layer[..., :3].astype(np.uint16) * alpha + rgb * (255 - alpha) + 127) // 255
    return Picture(picture.width, picture.height, frame=frame_from_rgb(over.astype(np.uint8)))
