"""What a placeholder shot shows before anything is generated: its storyboard panel, not "Media offline".

A screenplay's shot is a clip with no media yet (engine.project.placeholders).
The viewer, playback and export show it as a panel that reads as a
storyboard: a paper card with the shot's action (its prompt) in the middle,
the shot's name, and a red PLACEHOLDER mark so nobody takes it for a
generated frame. It is drawn by the renderer, so an animatic of the whole
script exports before a single shot is generated, and the panel is the
same at every size in proportion. Drawn once per prompt and size.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.project.cast import shot_cast
from engine.project.document import Clip
from engine.project.placeholders import shot_prompt
from engine.render.picture import Picture, frame_from_rgb

MARK = "PLACEHOLDER"
PAPER_TOP, PAPER_BOTTOM = (236, 231, 218), (214, 207, 190)
INK = (46, 42, 38)
#: Lines of the action shown at most; more ends with an ellipsis.
MAX_LINES = 7


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def shot_label(name: str) -> str:
    """The shot's number ("2.1") when its name starts with one, else its name, short."""
    first = name.split(" ", 1)[0] if name else "Shot"
    if any(c.isdigit() for c in first):
        return first
    return name if len(name) <= 28 else name[:27] + "…"


@lru_cache(maxsize=16)
def panel_rgb(prompt: str, name: str, size: tuple[int, int], cast: tuple[str, ...] = ()) -> np.ndarray:
    """The panel as RGB (h, w, 3) of `size` (w, h); `cast` names who and where, along the bottom."""
    width, height = size
    shade = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    top, bottom = np.array(PAPER_TOP, np.float32), np.array(PAPER_BOTTOM, np.float32)
    paper = np.broadcast_to(top + (bottom - top) * shade, (height, width, 3)).astype(np.uint8)
    image = Image.fromarray(np.ascontiguousarray(paper))
    draw = ImageDraw.Draw(image)
    unit = max(6, height // 22)
    border = max(1, unit // 6)
    inset = unit // 2
    draw.rectangle((inset, inset, width - 1 - inset, height - 1 - inset), outline=INK, width=border)
    small = _font(max(6, unit * 3 // 4))
    pad = max(1, unit // 4)
    word = draw.textbbox((0, 0), MARK, font=small)
    x = y = inset + unit // 2
    draw.rectangle((x, y, x + word[2] + 2 * pad, y + word[3] + 2 * pad), fill=(190, 40, 40))
    draw.text((x + pad, y + pad), MARK, font=small, fill=(255, 255, 255))
    label = draw.textbbox((0, 0), name, font=small)
    draw.text((width - inset - unit // 2 - label[2], y + pad), name, font=small, fill=INK)
    if cast:
        who = "  ·  ".join(cast)
        tags = draw.textbbox((0, 0), who, font=small)
        bottom = height - inset - unit // 2 - tags[3]
        draw.text(((width - tags[2]) // 2, bottom), who, font=small, fill=(120, 60, 40))
    body = _font(unit)
    columns = max(12, int(width * 0.75 / (unit * 0.52)))
    lines = textwrap.wrap(" ".join(prompt.split()) or "(no action)", columns)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1].rstrip() + " …"
    block = "\n".join(lines)
    spacing = unit // 3
    box = draw.multiline_textbbox((0, 0), block, font=body, spacing=spacing, align="center")
    draw.multiline_text(
        ((width - (box[2] - box[0])) // 2 - box[0], (height - (box[3] - box[1])) // 2 - box[1]),
        block,
        font=body,
        fill=INK,
        spacing=spacing,
        align="center",
    )
    return np.asarray(image)


def panel_rgb_of(clip: Clip, size: tuple[int, int]) -> np.ndarray:
    """The placeholder clip's panel as RGB of `size` (for the compositor, under a transform)."""
    return panel_rgb(shot_prompt(clip), shot_label(clip.name or ""), size, tuple(shot_cast(clip)))


def panel_picture(clip: Clip, size: tuple[int, int]) -> Picture:
    """The placeholder clip's panel as a picture of `size`."""
    return Picture(size[0], size[1], frame=frame_from_rgb(panel_rgb_of(clip, size)))
