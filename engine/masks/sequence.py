"""A clip's mask as files: what the viewer paints, the tracker writes and inpaint reads.

One format for all three, so a mask painted in the editor, tracked in the
engine and handed to `shotline generate --task video.inpaint --mask` is the
same folder. Masks live as PNG files (never inside the project document) so a
project stays small and a mask can be checked or repainted in any image tool.

A mask folder holds:

- ``mask.json``: ``{"version": 1, "size": [w, h], "feather": px, "invert": bool}``
- ``key_NNNNNN.png``: a mask the user painted (or corrected) at source frame N
- ``frame_NNNNNN.png``: the mask the tracker propagated to source frame N

Frame numbers count frames of the clip's media from its first frame (0). A
PNG is 8-bit grey at the media's size; 255 marks the region to fill. Feather
and invert are applied on reading, so changing them never repaints a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from engine.atomic import write_atomically
from engine.errors import ShotlineError

MANIFEST = "mask.json"
_NAME = re.compile(r"^(key|frame)_(\d{6})\.png$")


class MaskError(ShotlineError):
    """A mask file that cannot be read or does not fit the clip."""


@dataclass
class MaskSequence:
    """The masks of one clip: painted keyframes plus (after tracking) one mask per frame."""

    size: tuple[int, int]  # (width, height) of the media
    feather: int = 0  # pixels of soft edge, applied on reading
    invert: bool = False
    keys: dict[int, np.ndarray] = field(default_factory=dict)
    tracked: dict[int, np.ndarray] = field(default_factory=dict)

    def set_key(self, frame: int, mask: np.ndarray) -> None:
        """A painted mask at `frame`; tracked masks from here on are stale until tracked again."""
        self.keys[frame] = _checked(mask, self.size)
        for later in [f for f in self.tracked if f >= frame]:
            del self.tracked[later]

    def hard_mask_at(self, frame: int) -> np.ndarray:
        """The binary mask (0/255) that applies at `frame`, before feather and invert.

        A tracked mask wins; otherwise the nearest key at or before the frame
        holds (the first key before it), so one painted frame covers the clip.
        """
        if frame in self.tracked:
            return self.tracked[frame]
        if not self.keys:
            return np.zeros((self.size[1], self.size[0]), np.uint8)
        earlier = [f for f in self.keys if f <= frame]
        return self.keys[max(earlier) if earlier else min(self.keys)]

    def mask_at(self, frame: int) -> np.ndarray:
        """The mask a task uses at `frame`: uint8 0..255 with feather and invert applied."""
        mask = self.hard_mask_at(frame)
        if self.invert:
            mask = 255 - mask
        if self.feather > 0:
            kernel = 2 * self.feather + 1
            mask = cv2.GaussianBlur(mask, (kernel, kernel), self.feather / 2)
        return mask

    def save(self, folder: Path) -> None:
        """Write the folder; files of keys or tracked frames that no longer exist are removed."""
        folder.mkdir(parents=True, exist_ok=True)
        wanted = {f"key_{f:06d}.png": m for f, m in self.keys.items()}
        wanted |= {f"frame_{f:06d}.png": m for f, m in self.tracked.items()}
        for name, mask in wanted.items():
            ok, png = cv2.imencode(".png", mask)
            if not ok:
                raise MaskError(f"Could not encode mask {name}")
            write_atomically(folder / name, png.tobytes())
        for old in folder.iterdir():
            if _NAME.match(old.name) and old.name not in wanted:
                old.unlink()
        manifest = {"version": 1, "size": list(self.size), "feather": self.feather, "invert": self.invert}
        write_atomically(folder / MANIFEST, json.dumps(manifest, indent=1).encode())

    @classmethod
    def load(cls, path: Path, size: tuple[int, int] | None = None) -> MaskSequence:
        """A mask folder, or a single PNG that then applies to every frame (white = fill)."""
        if path.is_file():
            mask = _read_png(path)
            if size is not None and (mask.shape[1], mask.shape[0]) != size:
                mask = cv2.resize(mask, size, interpolation=cv2.INTER_LINEAR)
            return cls(size=(mask.shape[1], mask.shape[0]), keys={0: _binary(mask)})
        if not (path / MANIFEST).is_file():
            raise MaskError(f"{path} is neither a mask image nor a mask folder (no {MANIFEST})")
        try:
            manifest = json.loads((path / MANIFEST).read_text())
            stored = (int(manifest["size"][0]), int(manifest["size"][1]))
            sequence = cls(stored, int(manifest.get("feather", 0)), bool(manifest.get("invert", False)))
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise MaskError(f"{path / MANIFEST} is not a mask manifest ({error})") from None
        for file in sorted(path.iterdir()):
            match = _NAME.match(file.name)
            if match:
                table = sequence.keys if match.group(1) == "key" else sequence.tracked
                table[int(match.group(2))] = _checked(_read_png(file), stored)
        return sequence

    def frames(self) -> Iterable[int]:
        return sorted(set(self.keys) | set(self.tracked))

    def file_names(self) -> list[str]:
        """The PNG files `save` writes for this sequence, in frame order (keys before tracked)."""
        names = [f"key_{f:06d}.png" for f in sorted(self.keys)]
        return names + [f"frame_{f:06d}.png" for f in sorted(self.tracked)]

    def digest(self) -> str:
        """A hash of what the masks are (pixels, frames, feather, invert), not of how they are stored.

        Provenance records it so a take says exactly which mask made it,
        even after the mask folder was repainted.
        """
        hashed = hashlib.sha256(json.dumps([list(self.size), self.feather, self.invert]).encode())
        for kind, table in (("key", self.keys), ("frame", self.tracked)):
            for frame in sorted(table):
                hashed.update(f"{kind}{frame}".encode())
                hashed.update(np.ascontiguousarray(table[frame]).tobytes())
        return hashed.hexdigest()


def _read_png(path: Path) -> np.ndarray:
    data = np.fromfile(str(path), np.uint8)
    mask = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE) if data.size else None
    if mask is None:
        raise MaskError(f"{path} is not an image Shotline can read as a mask")
    return mask


def _binary(mask: np.ndarray) -> np.ndarray:
    return np.where(mask >= 128, 255, 0).astype(np.uint8)


def _checked(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if mask.ndim != 2 or (mask.shape[1], mask.shape[0]) != tuple(size):
        raise MaskError(f"A mask of {mask.shape[1::-1]} does not fit media of {size[0]}x{size[1]}")
    return _binary(mask)
