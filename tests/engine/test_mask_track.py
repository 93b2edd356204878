"""Track Mask follows the content under a painted mask, and a correction takes over from its frame."""

from __future__ import annotations

import numpy as np
import pytest

from engine.masks.sequence import MaskError, MaskSequence
from engine.masks.track import track_mask
from tests.support.maskmedia import iou, square_mask, write_moving_square

SIZE = (96, 64)


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    return write_moving_square(tmp_path_factory.mktemp("track") / "square.mp4", 20, SIZE)


def test_a_mask_painted_on_one_frame_follows_the_moving_square_both_ways(moving):
    masks = MaskSequence(SIZE)
    masks.set_key(5, square_mask(5, SIZE))
    seen: list[float] = []
    assert track_mask(moving, masks, 0, 20, seen.append)
    assert sorted(masks.tracked) == [f for f in range(20) if f != 5]
    for frame in (0, 12, 19):
        assert iou(masks.hard_mask_at(frame), square_mask(frame, SIZE)) > 0.7, frame
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)


def test_a_correction_is_a_key_that_later_frames_follow_after_tracking_again(moving):
    masks = MaskSequence(SIZE)
    masks.set_key(0, square_mask(0, SIZE))
    track_mask(moving, masks, 0, 20)
    wrong = np.zeros((SIZE[1], SIZE[0]), np.uint8)
    wrong[40:56, 4:20] = 255  # the user now marks something else from frame 10 on
    masks.set_key(10, wrong)
    assert all(f < 10 for f in masks.tracked)  # tracked frames after the correction are stale
    track_mask(moving, masks, 0, 20)
    assert iou(masks.hard_mask_at(8), square_mask(8, SIZE)) > 0.7
    assert iou(masks.hard_mask_at(15), wrong) > 0.7  # a static patch of background stays put


def test_a_flat_coloured_sign_over_texture_is_followed_without_lagging(tmp_path):
    from tests.support.inpaintclip import write_clip

    clip = write_clip(tmp_path / "sign.mp4")  # a flat red square crossing a textured background
    masks = MaskSequence((160, 90))
    masks.set_key(0, clip.squares[0])
    assert track_mask(clip.path, masks, 0, len(clip.squares))
    assert min(iou(masks.hard_mask_at(n), clip.squares[n]) for n in range(len(clip.squares))) > 0.9


def test_cancelling_leaves_the_masks_as_they_were_and_no_key_is_refused(moving):
    masks = MaskSequence(SIZE)
    with pytest.raises(MaskError, match="Paint a mask"):
        track_mask(moving, masks, 0, 20)
    masks.set_key(0, square_mask(0, SIZE))
    assert not track_mask(moving, masks, 0, 20, cancel=lambda: True)
    assert masks.tracked == {}


def test_the_mask_reference_is_an_undoable_edit_on_picture_clips_only(tmp_path):
    from engine.errors import EditError
    from engine.playback.source import placements, source_timeline
    from engine.project import document, edits
    from engine.project.masks import mask_of, mask_root, set_mask
    from tests.support import mediagen

    media = mediagen.write_video(tmp_path / "a.mp4", 10, size=(64, 36), tone_hz=440)
    timeline = document.new_project("m", rate=30.0, size=(64, 36))
    edits.append(timeline, placements(source_timeline(media, 30.0, (64, 36)), 0, 10))
    (picture,) = [document.clip_id(c) for t, c in document.iter_clips(timeline) if t.kind == document.VIDEO]
    (sound,) = [document.clip_id(c) for t, c in document.iter_clips(timeline) if t.kind == document.AUDIO]
    change = set_mask(timeline, picture, "c1/m-1")
    assert mask_of(document.find_clip(timeline, picture)[1]) == "c1/m-1"
    change.undo()
    assert mask_of(document.find_clip(timeline, picture)[1]) is None
    change.redo()
    assert mask_of(document.find_clip(timeline, picture)[1]) == "c1/m-1"
    with pytest.raises(EditError, match="sound"):
        set_mask(timeline, sound, "c1/m-2")
    with pytest.raises(EditError, match="inside"):
        set_mask(timeline, picture, "../elsewhere")
    assert mask_root(tmp_path / "film.otio", tmp_path / "data") == tmp_path / "film.masks"
    assert mask_root(None, tmp_path / "data") == tmp_path / "data" / "masks" / "unsaved"
