"""Drawing a title's text with Pillow and FreeType, at the size of the frame being rendered.

The text is drawn at the render's own size (a 4K export draws 4K text, a
small viewer small text), never drawn small and scaled up, so edges stay
crisp. Each element (box, shadow, outline and text) is drawn as its own
coverage mask and laid on with `Image.alpha_composite`, so anti-aliased
edges blend properly rather than darkening over the transparent canvas.

Fonts: DejaVu from the system (Debian's fonts-dejavu-core, which the
installer adds); without it, Pillow's own built-in scalable font.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import PIL.ImageFile  # noqa: F401  ImageFont loads it lazily: on the viewer's render thread at the first
from PIL import Image, ImageDraw, ImageFont  # title, holding the interpreter while frames were due

FONT_FILES = {
    "DejaVu Sans": "DejaVuSans.ttf",
    "DejaVu Sans Bold": "DejaVuSans-Bold.ttf",
    "DejaVu Serif": "DejaVuSerif.ttf",
    "DejaVu Sans Mono": "DejaVuSansMono.ttf",
}
FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


@functools.lru_cache(maxsize=16)
def font_path(name: str) -> Path | None:
    """The font file for a title font name, or None when the system has none."""
    filename = FONT_FILES.get(name, FONT_FILES["DejaVu Sans"])
    for folder in FONT_FOLDERS:
        candidate = folder / filename
        if candidate.is_file():
            return candidate
    return None


@functools.lru_cache(maxsize=32)
def _font(name: str, pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(name)
    if path is None:
        return ImageFont.load_default(pixels)
    return ImageFont.truetype(str(path), pixels)


def _rgb(colour: object) -> tuple[int, int, int]:
    text = str(colour).lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def _lay(canvas: Image.Image, mask: Image.Image, colour: object, opacity: float = 1.0) -> Image.Image:
    layer = Image.new("RGBA", canvas.size, (*_rgb(colour), 0))
    alpha = mask if opacity >= 1 else mask.point(lambda v: round(v * opacity))
    layer.putalpha(alpha)
    return Image.alpha_composite(canvas, layer)


def text_block(
    params: Mapping[str, object], size: tuple[int, int], units: float
) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the text's ink in frame pixels, before box and shadow."""
    block, _ = _layout(params, size, units)
    return block


def _layout(params: Mapping[str, object], size: tuple[int, int], units: float):
    width, height = size
    font = _font(str(params["font"]), max(1, round(float(params["size"]) * units)))
    stroke = round(float(params["outline"]) * units)
    text = str(params["text"])
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    align = str(params["align"])
    left, top, right, bottom = probe.multiline_textbbox(
        (0, 0), text, font=font, align=align, stroke_width=stroke
    )
    ax, ay = float(params["x"]) * width, float(params["y"]) * height
    w, h = right - left, bottom - top
    x0 = ax if align == "left" else ax - w / 2 if align == "center" else ax - w
    y0 = ay - h / 2
    origin = (round(x0 - left), round(y0 - top))
    block = (round(x0), round(y0), round(x0) + w, round(y0) + h)
    return block, (font, stroke, text, align, origin)


def draw_title(params: Mapping[str, object], size: tuple[int, int], units: float) -> np.ndarray:
    """The title as straight (not premultiplied) RGBA uint8 (h, w, 4) of a `size` frame.

    `units` is frame pixels per sequence pixel: the title's sizes are in
    sequence pixels, so it keeps its place and proportion at any render size.
    """
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    (x0, y0, x1, y1), (font, stroke, text, align, origin) = _layout(params, size, units)
    if params["box"]:
        pad = round(float(params["box_padding"]) * units)
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).rectangle((x0 - pad, y0 - pad, x1 + pad - 1, y1 + pad - 1), fill=255)
        canvas = _lay(canvas, mask, params["box_color"], float(params["box_opacity"]))
    if params["shadow"]:
        offset = round(float(params["shadow_offset"]) * units)
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).multiline_text(
            (origin[0] + offset, origin[1] + offset),
            text,
            fill=255,
            font=font,
            align=align,
            stroke_width=stroke,
        )
        canvas = _lay(canvas, mask, params["shadow_color"], 0.8)
    if stroke:
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).multiline_text(
            origin, text, fill=255, font=font, align=align, stroke_width=stroke, stroke_fill=255
        )
        canvas = _lay(canvas, mask, params["outline_color"])
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).multiline_text(origin, text, fill=255, font=font, align=align)
    canvas = _lay(canvas, mask, params["color"])
    return np.asarray(canvas)
