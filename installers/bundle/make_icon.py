"""Draw Shotline's icon at build time, so no binary image lives in the repository.

A film frame (the sprockets of a strip) over a timeline's coloured clips, in
the editor's dark theme's accent colours. Writes shotline.png (256 px) and,
for the Windows and macOS recipes, shotline.ico and shotline.icns.

    python make_icon.py OUT_FOLDER
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw

BACKGROUND = (30, 33, 40, 255)
FRAME = (235, 238, 245, 255)
CLIPS = ((74, 144, 226, 255), (126, 211, 133, 255), (245, 166, 35, 255))


def draw(size: int = 1024) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = size / 16
    pen.rounded_rectangle((unit, unit, size - unit, size - unit), radius=3 * unit, fill=BACKGROUND)
    # the film frame with its sprocket holes
    pen.rectangle((3 * unit, 3 * unit, 13 * unit, 9 * unit), outline=FRAME, width=round(unit * 0.6))
    for i in range(5):
        x = 3.6 * unit + i * 2 * unit
        pen.rectangle((x, 2 * unit, x + unit, 2.6 * unit), fill=FRAME)
        pen.rectangle((x, 9.4 * unit, x + unit, 10 * unit), fill=FRAME)
    # three clips on a timeline
    spans = ((3, 7.5), (7.5, 10.5), (10.5, 13))
    for (start, end), colour in zip(spans, CLIPS, strict=True):
        pen.rounded_rectangle(
            (start * unit + 0.15 * unit, 11 * unit, end * unit - 0.15 * unit, 13 * unit),
            radius=0.4 * unit, fill=colour,
        )
    return image


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    big = draw()
    big.resize((256, 256), Image.LANCZOS).save(out / "shotline.png")
    big.save(out / "shotline.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    big.save(out / "shotline.icns")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
