"""The remote engine's content store: every file a client sent, named by its SHA-256.

A file arrives in chunks (`media.put`) into `.partial/<sha256>` and becomes
`<sha256>` (keeping its extension, which decoders look at) only when all of
it is there and its hash is right, renamed in one step. A chunk is written at
the offset the client names, so a transfer cut off by a dropped connection
goes on where it stopped: `media.has` says how many bytes are already there.
A folder (a mask folder) is assembled from stored files under a name hashed
from its listing. Everything lives in the engine's data folder, so it is
reused by every later job and every later connection.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from engine.errors import GenerateError
from engine.remote.wire import CHUNK, is_sha256, sha256_file
from engine.results import CacheEntry, mark_used


def _suffix(name: str) -> str:
    suffix = Path(str(name)).suffix.lower()
    return suffix if suffix.isascii() and suffix[1:].isalnum() and len(suffix) <= 10 else ""


class ContentStore:
    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def _checked(self, sha256: Any) -> str:
        if not is_sha256(sha256):
            raise GenerateError("A content name must be a SHA-256 in lowercase hex")
        return str(sha256)

    def path(self, sha256: str, name: str = "") -> Path:
        return self.folder / f"{self._checked(sha256)}{_suffix(name)}"

    def _partial(self, sha256: str) -> Path:
        return self.folder / ".partial" / self._checked(sha256)

    def has(self, sha256: str, name: str = "") -> dict[str, Any]:
        """Whether the file is here; if not, how many of its bytes are (where a resumed upload starts)."""
        done = self.path(sha256, name)
        if done.is_file():
            mark_used(done)  # asked for by a job: an age limit keeps it
            return {"complete": True, "size": done.stat().st_size, "path": str(done)}
        partial = self._partial(sha256)
        size = partial.stat().st_size if partial.is_file() else 0
        return {"complete": False, "size": size}

    def put(self, sha256: str, offset: int, data: bytes, total: int, name: str = "") -> dict[str, Any]:
        """Write one chunk at `offset`; the last one checks the whole file's hash and stores it."""
        done = self.path(sha256, name)
        if done.is_file():
            return self.has(sha256, name)
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise GenerateError("offset must be a whole number of bytes")
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise GenerateError("size must be a whole number of bytes")
        if len(data) > CHUNK or offset + len(data) > total:
            raise GenerateError("A chunk is larger than the file or the chunk size")
        partial = self._partial(sha256)
        partial.parent.mkdir(parents=True, exist_ok=True)
        present = partial.stat().st_size if partial.is_file() else 0
        if offset > present:
            raise GenerateError(f"A chunk at {offset} leaves a gap: {present} bytes are here")
        with open(partial, "r+b" if partial.exists() else "wb") as handle:
            handle.seek(offset)
            handle.write(data)
            handle.truncate(offset + len(data))
        if offset + len(data) < total:
            return {"complete": False, "size": offset + len(data)}
        if sha256_file(partial) != sha256:
            partial.unlink(missing_ok=True)
            raise GenerateError("The file that arrived does not match its SHA-256: send it again")
        os.replace(partial, done)
        return self.has(sha256, name)

    def entries(self) -> list[CacheEntry]:
        """Everything stored, as the cache cleaner (engine.results) removes it: each file, each
        assembled folder, each unfinished upload."""
        found: list[CacheEntry] = []
        places = [self.folder, self.folder / "folders", self.folder / ".partial"]
        for place in places:
            try:
                children = sorted(place.iterdir())
            except OSError:
                continue
            for child in children:
                if child in places or child.name.startswith("."):
                    continue  # another place, or something being made or removed
                if child.is_file():
                    found.append(CacheEntry(child, child.stat().st_size))
                elif child.is_dir() and place.name == "folders":
                    size = sum(f.stat().st_size for f in child.rglob("*") if f.is_file())
                    found.append(CacheEntry(child, size))
        return found

    def folder_of(self, listing: dict[str, Any]) -> Path:
        """A folder holding stored files under their relative names, made once per listing."""
        if not isinstance(listing, dict) or not listing:
            raise GenerateError("A folder needs its files: relative name to SHA-256")
        text = json.dumps(listing, sort_keys=True, separators=(",", ":"))
        target = self.folder / "folders" / hashlib.sha256(text.encode()).hexdigest()
        if target.is_dir():
            with contextlib.suppress(OSError):
                os.utime(target)  # used again: an age limit keeps it
            return target
        scratch = target.with_name(f".{target.name}.{os.getpid()}")
        shutil.rmtree(scratch, ignore_errors=True)
        for name, sha256 in listing.items():
            relative = Path(str(name))
            if relative.is_absolute() or ".." in relative.parts:
                raise GenerateError(f"A folder's file must stay inside it: {name}")
            source = self.path(sha256, str(name))
            if not source.is_file():
                raise GenerateError(f"{name} has not been sent yet")
            out = scratch / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, out)
            except OSError:
                shutil.copyfile(source, out)
        try:
            os.replace(scratch, target)
        except OSError:  # made meanwhile by another connection: keep that one
            shutil.rmtree(scratch, ignore_errors=True)
        return target


def readable_result(path: Any, roots: list[Path]) -> Path:
    """A file a client may fetch: a regular file in the engine's result cache or content store,
    never anything else in its data folder (its settings, a farm token)."""
    if not isinstance(path, str) or not path:
        raise GenerateError("path must name a result file")
    file = Path(path).resolve()
    inside = any(root.resolve() in file.parents for root in roots)
    if not inside or not file.is_file():
        raise GenerateError(f"{path} is not a result of this engine")
    return file


def stat_result(file: Path) -> dict[str, Any]:
    return {"size": file.stat().st_size, "sha256": sha256_file(file)}


def read_chunk(file: Path, offset: Any, length: Any) -> bytes:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise GenerateError("offset must be a whole number of bytes")
    count = CHUNK if length is None else length
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= CHUNK:
        raise GenerateError(f"length must be between 1 and {CHUNK} bytes")
    with open(file, "rb") as handle:
        handle.seek(offset)
        return handle.read(count)
