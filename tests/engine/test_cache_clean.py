"""Clean Generation Cache at engine level: only results the project does not use go, in one step each."""

from __future__ import annotations

from pathlib import Path

from engine.jobs.cache import ResultCache
from engine.results import remove_entries, unreferenced


def stored(cache: ResultCache, key: str, size: int) -> Path:
    work = cache.workdir()
    video = work / "animatic.mp4"
    video.write_bytes(b"x" * size)
    return cache.store(key, work, [video], {"frames": 1}, {"task": "video.generate"}).files[0]


def test_only_entries_no_take_or_bin_item_uses_are_listed_with_their_sizes_and_removed(tmp_path) -> None:
    cache = ResultCache(tmp_path / "cache")
    used_take = stored(cache, "a" * 32, 100)
    stale = stored(cache, "b" * 32, 250)
    in_bin = stored(cache, "c" * 32, 50)
    named = in_bin.with_name("Gull.mp4")
    named.hardlink_to(in_bin)  # the bin lists the result under the shot's name
    running = cache.workdir()  # a job still writing
    (running / "partial.mp4").write_bytes(b"y" * 10)
    references = cache.folder / "references"
    references.mkdir()
    (references / "clip-1.png").write_bytes(b"z")

    found = unreferenced(cache.folder, [used_take, named, "/elsewhere/footage.mp4"])
    assert [e.folder.name for e in found] == ["b" * 32]
    manifest = (stale.parent / "result.json").stat().st_size
    assert found[0].size == 250 + manifest  # the video and its manifest

    assert remove_entries(found) == found[0].size
    assert not stale.exists() and used_take.exists() and named.exists()
    assert running.exists() and (references / "clip-1.png").exists()
    assert cache.lookup("b" * 32) is None and cache.lookup("a" * 32) is not None
    assert unreferenced(cache.folder, [used_take, named]) == []


def test_a_missing_cache_folder_has_nothing_to_clean(tmp_path) -> None:
    assert unreferenced(tmp_path / "none", []) == []
    assert remove_entries([]) == 0
