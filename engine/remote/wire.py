"""What both ends of a remote engine agree on: the protocol version, the chunk size, content names.

Media cross the JSON-RPC pipe as base64 chunks inside ordinary messages, so
nothing but the engine's own line protocol (and whatever carries it, such as
SSH) is needed. A chunk of 4 MiB is about 5.6 MB of base64, well under the
16 MB line cap (engine.server.protocol.MAX_LINE).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

#: Bumped whenever a method or a message changes shape; both ends must speak the same one.
#: 2: the content store (media.has, media.put, media.folder, media.stat, media.get).
PROTOCOL_VERSION = 2
CHUNK = 4 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def is_sha256(text: object) -> bool:
    return isinstance(text, str) and bool(_SHA256.match(text))


def sha256_file(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def folder_listing(folder: str | os.PathLike[str]) -> dict[str, str]:
    """A folder (a mask folder) as its files' relative names and their hashes."""
    root = Path(folder)
    return {
        file.relative_to(root).as_posix(): sha256_file(file)
        for file in sorted(p for p in root.rglob("*") if p.is_file())
    }
