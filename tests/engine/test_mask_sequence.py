"""A mask painted once covers the clip; tracked frames and keys survive a save and reload."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from engine.masks.sequence import MaskError, MaskSequence


def _square(size=(64, 36), box=(10, 10, 20, 20)) -> np.ndarray:
    mask = np.zeros((size[1], size[0]), np.uint8)
    x, y, w, h = box
    mask[y : y + h, x : x + w] = 255
    return mask


def test_one_painted_key_applies_to_every_frame_and_tracking_overrides_it(tmp_path):
    masks = MaskSequence(size=(64, 36))
    masks.set_key(5, _square())
    assert masks.mask_at(0).sum() == masks.mask_at(100).sum() == 400 * 255
    moved = _square(box=(30, 10, 20, 20))
    masks.tracked[7] = moved
    assert np.array_equal(masks.mask_at(7), moved)
    masks.set_key(6, _square(box=(0, 0, 4, 4)))  # a correction makes later tracked frames stale
    assert 7 not in masks.tracked and masks.mask_at(9).sum() == 16 * 255


def test_save_and_load_keep_keys_tracked_frames_feather_and_invert(tmp_path):
    masks = MaskSequence(size=(64, 36), feather=3, invert=True)
    masks.set_key(0, _square())
    masks.tracked[1] = _square(box=(12, 10, 20, 20))
    masks.save(tmp_path / "m")
    masks.tracked.clear()
    masks.save(tmp_path / "m")  # files of frames that are gone are removed
    again = MaskSequence.load(tmp_path / "m")
    assert (again.size, again.feather, again.invert) == ((64, 36), 3, True)
    assert list(again.frames()) == [0]
    soft = again.mask_at(0)
    assert soft[15, 15] == 0 and soft[0, 0] == 255 and 0 < soft[15, 10] < 255


def test_a_single_png_is_a_mask_for_every_frame_and_garbage_is_refused(tmp_path):
    cv2.imwrite(str(tmp_path / "m.png"), _square())
    masks = MaskSequence.load(tmp_path / "m.png", size=(128, 72))
    assert masks.size == (128, 72) and masks.mask_at(50).max() == 255
    (tmp_path / "bad.png").write_bytes(b"not a png")
    with pytest.raises(MaskError, match="not an image"):
        MaskSequence.load(tmp_path / "bad.png")
    with pytest.raises(MaskError, match="neither"):
        MaskSequence.load(tmp_path)
