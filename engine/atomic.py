"""Writing a file so that a reader finds either the old one or the whole new one, never half.

Written under a temporary name in the same folder, flushed to disk, then
renamed over the target in one step; if anything fails the temporary file
goes and the old file stays as it was. Projects and recovery journals both
need exactly this.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes, suffix: str = ".writing") -> None:
    """Replace `target` with `data`; OSError (and the old file untouched) if that cannot be done."""
    target = Path(target)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
