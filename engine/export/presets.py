"""Export settings and the named presets users pick from.

A preset fixes the frame size and how the picture meets it (fit or crop);
the frame rate defaults to the project's, since changing it re-times every
cut. Custom values override any preset field.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from engine.errors import ExportError
from engine.render.picture import CROP, FIT

X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)
#: What becomes of the dialogue's subtitles: an SRT beside the MP4 only, also a subtitle stream in it
#: (mov_text, which players can switch on and off), or also drawn into the picture.
SRT, EMBED, BURN = "srt", "embed", "burn"
CAPTIONS = (SRT, EMBED, BURN)


@dataclass(frozen=True)
class ExportSettings:
    width: int | None = None  # None: the project's size
    height: int | None = None
    rate: Fraction | None = None  # None: the project's rate
    crf: int = 20
    x264_preset: str = "medium"
    fit: str = FIT
    audio_bitrate: int = 192_000
    captions: str = SRT

    def check(self) -> ExportSettings:
        """These settings, or an ExportError that says which value is wrong and what is allowed."""
        for name, value in (("width", self.width), ("height", self.height)):
            if value is not None and (value < 16 or value > 8192 or value % 2):
                raise ExportError(f"The {name} must be an even number from 16 to 8192, not {value}")
        if self.rate is not None and not (Fraction(1) <= self.rate <= Fraction(240)):
            raise ExportError(f"The frame rate must be from 1 to 240 fps, not {float(self.rate):g}")
        if not 0 <= self.crf <= 51:
            raise ExportError(f"CRF must be from 0 (lossless) to 51, not {self.crf}")
        if self.x264_preset not in X264_PRESETS:
            allowed = ", ".join(X264_PRESETS)
            raise ExportError(f"Unknown x264 preset {self.x264_preset!r}: use one of {allowed}")
        if self.fit not in (FIT, CROP):
            raise ExportError(f"Fit must be {FIT!r} or {CROP!r}, not {self.fit!r}")
        if self.captions not in CAPTIONS:
            raise ExportError(f"Captions must be {', '.join(CAPTIONS)}, not {self.captions!r}")
        return self


PRESETS: dict[str, ExportSettings] = {
    "1080p": ExportSettings(1920, 1080, crf=20, x264_preset="medium"),
    "720p": ExportSettings(1280, 720, crf=21, x264_preset="medium"),
    "vertical": ExportSettings(1080, 1920, crf=20, x264_preset="medium", fit=FIT),
    "vertical-crop": ExportSettings(1080, 1920, crf=20, x264_preset="medium", fit=CROP),
    "project": ExportSettings(crf=20, x264_preset="medium"),
}

PRESET_HELP = {
    "1080p": "1920x1080 H.264, CRF 20",
    "720p": "1280x720 H.264, CRF 21",
    "vertical": "1080x1920 (9:16) for phones, the picture fitted with bars",
    "vertical-crop": "1080x1920 (9:16) for phones, the picture cropped to fill",
    "project": "the project's own size and rate",
}


def preset_for_frame(width: int, height: int) -> str:
    """The preset to offer a project of this frame: the one of its own size, else "project".

    The first preset is landscape 1080p; offered to a vertical or square project it would
    export the film small between black bars, which is never what the editor framed.
    """
    for name, chosen in PRESETS.items():
        if (chosen.width, chosen.height) == (width, height):
            return name
    return "project"


def preset(name: str, **overrides: object) -> ExportSettings:
    """A named preset with any fields replaced (None values leave the preset's)."""
    if name not in PRESETS:
        raise ExportError(f"Unknown preset {name!r}: use one of {', '.join(PRESETS)}")
    changes = {key: value for key, value in overrides.items() if value is not None}
    return dataclasses.replace(PRESETS[name], **changes).check()
