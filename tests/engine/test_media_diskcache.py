"""The on-disk cache of arrays made from media files: stale never, broken never fatal, written whole."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from engine.errors import MediaError
from engine.media import diskcache
from engine.media.diskcache import DiskCache, SourceKey


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"not really a video, but the cache only looks at its size and time")
    return path


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_an_entry_is_kept_under_the_data_folder_and_read_back(data: Path, clip: Path) -> None:
    cache = DiskCache("things")
    array = np.arange(12, dtype=np.float32).reshape(6, 2)
    assert cache.get(SourceKey.of(clip), "a") is None
    assert cache.put(SourceKey.of(clip), "a", array)
    np.testing.assert_array_equal(cache.get(SourceKey.of(clip), "a"), array)
    assert cache.get(SourceKey.of(clip), "b") is None  # other parameters are another entry
    (name,) = entries(data / "cache" / "things")
    assert len(name) == 64 + len(".npy")  # a hash: any path, however long or odd, makes a valid name


def test_a_file_that_changed_misses(data: Path, clip: Path) -> None:
    cache = DiskCache("things")
    cache.put(SourceKey.of(clip), "a", np.ones(3))
    stat = clip.stat()
    os.utime(clip, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched
    assert cache.get(SourceKey.of(clip), "a") is None
    cache.put(SourceKey.of(clip), "a", np.ones(3))
    clip.write_bytes(clip.read_bytes() + b"!")  # same name, new content
    assert cache.get(SourceKey.of(clip), "a") is None


def test_two_spellings_of_one_file_share_an_entry(data: Path, clip: Path) -> None:
    cache = DiskCache("things")
    cache.put(SourceKey.of(clip), "a", np.ones(3))
    link = clip.with_name("link.mp4")
    link.symlink_to(clip)
    assert cache.get(SourceKey.of(link), "a") is not None
    assert cache.get(SourceKey.of(clip.parent / ".." / clip.parent.name / clip.name), "a") is not None


def test_a_missing_source_is_a_media_error(data: Path, tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="does not exist"):
        SourceKey.of(tmp_path / "gone.mov")


@pytest.mark.parametrize("damage", [b"", b"\x93NUMPY garbage", b"PK\x03\x04 not an array"])
def test_a_damaged_entry_is_a_miss_and_is_overwritten(data: Path, clip: Path, damage: bytes) -> None:
    cache = DiskCache("things")
    source = SourceKey.of(clip)
    cache.put(source, "a", np.ones((4, 2), np.float32))
    file = cache.file_for(source, "a")
    file.write_bytes(damage)
    assert cache.get(source, "a") is None
    cache.put(source, "a", np.full((4, 2), 7, np.float32))
    assert cache.get(source, "a")[0, 0] == 7


def test_an_entry_of_the_wrong_shape_is_a_miss(data: Path, clip: Path) -> None:
    cache = DiskCache("things")
    cache.put(SourceKey.of(clip), "a", np.zeros((5, 3)))
    assert cache.get(SourceKey.of(clip), "a", valid=lambda a: a.shape[1] == 2) is None


def test_a_write_that_fails_halfway_leaves_the_old_entry_and_no_debris(
    data: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers only ever see whole entries: a disk filling up mid-write changes nothing they can read."""
    cache = DiskCache("things")
    source = SourceKey.of(clip)
    cache.put(source, "a", np.ones(1000))
    real_save = np.save

    def save_then_fail(stream, array, **kwargs) -> None:
        real_save(stream, array[:10], **kwargs)  # part of the data is out...
        raise OSError(28, "No space left on device")  # ...then the disk is full

    monkeypatch.setattr(diskcache.np, "save", save_then_fail)
    assert cache.put(source, "a", np.zeros(1000)) is False
    np.testing.assert_array_equal(cache.get(source, "a"), np.ones(1000))
    assert entries(data / "cache" / "things") == [cache.file_for(source, "a").name]


def test_an_unwritable_data_folder_just_keeps_nothing(
    tmp_path: Path, clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file where the data folder should be"
    blocker.write_text("")
    monkeypatch.setenv("SHOTLINE_DATA_DIR", str(blocker))
    cache = DiskCache("things")
    assert cache.put(SourceKey.of(clip), "a", np.ones(3)) is False
    assert cache.get(SourceKey.of(clip), "a") is None


def test_a_full_cache_forgets_the_least_recently_used_entries(data: Path, clip: Path) -> None:
    cache = DiskCache("things", max_megabytes=1)
    source = SourceKey.of(clip)
    block = np.zeros(100_000, np.uint8)  # about a tenth of the limit
    for i in range(8):
        cache.put(source, str(i), block)
        os.utime(cache.file_for(source, str(i)), (i, i))  # written in order, a second apart
    assert cache.get(source, "0") is not None  # reading entry 0 makes it the most recently used
    for i in range(8, 14):
        cache.put(source, str(i), block)
    kept = {str(i) for i in range(14) if cache.file_for(source, str(i)).exists()}
    total = sum(p.stat().st_size for p in (data / "cache" / "things").iterdir())
    assert total <= 1024 * 1024
    assert "0" in kept and "1" not in kept and "13" in kept
