"""Crash journals: a running editor's unsaved document, kept on disk so a crash loses seconds.

Each editor window journals to its own pair of files in a recovery folder:
`<id>.otio` (the timeline, OTIO JSON) and `<id>.json` (who wrote it and
when: the writer's pid and process start, the project's own path, the
time). Both are replaced atomically, so a kill mid-write leaves the previous
journal whole. A journal is an *orphan*, offered for restore, only when the
process that wrote it is gone: two editors running at once never take each
other's journals, and a pid recycled after a reboot is not mistaken for the
writer because the process's start time is recorded with it.

Plain files and no Qt: the editor writes journals from a worker thread, and
a headless tool could list or clean them.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from engine.atomic import write_atomically
from engine.project.document import Timeline

DOCUMENT_SUFFIX = ".otio"
META_SUFFIX = ".json"


@dataclass(frozen=True)
class JournalInfo:
    """What a journal's sidecar says, read without parsing the (large) document."""

    journal_id: str
    document: Path
    meta: Path
    original: Path | None  # the project file it was opened from, None for an unsaved new project
    name: str  # what to call it in a prompt
    saved_at: datetime  # when it was last written (aware, UTC)
    pid: int
    process_start: str | None


class Journal:
    """The journal one editor window writes. Its files exist only while it has unsaved changes."""

    def __init__(self, folder: Path, journal_id: str | None = None) -> None:
        self.folder = Path(folder)
        self.journal_id = journal_id or f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.document = self.folder / f"{self.journal_id}{DOCUMENT_SUFFIX}"
        self.meta = self.folder / f"{self.journal_id}{META_SUFFIX}"

    def write(self, text: str, original: Path | None, name: str) -> None:
        """Journal `text` (the timeline's JSON). Raises OSError when the disk refuses."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.document, text.encode("utf-8"), new_mode=0o600)
        self._write_meta(original, name, datetime.now(UTC))

    def _write_meta(self, original: Path | None, name: str, saved_at: datetime) -> None:
        meta = {
            "pid": os.getpid(),
            "process_start": process_start(os.getpid()),
            "original": str(original) if original is not None else None,
            "name": name,
            "saved_at": saved_at.isoformat(),
        }
        write_atomically(self.meta, json.dumps(meta, indent=1).encode("utf-8"), new_mode=0o600)

    def exists(self) -> bool:
        return self.document.exists() and self.meta.exists()

    def discard(self) -> None:
        """Remove the journal: the document was saved, discarded, or closed cleanly."""
        for path in (self.meta, self.document):  # the sidecar first: a document alone is never offered
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def adopt(self, orphan: JournalInfo) -> None:
        """Take over a restored orphan, so it stays journaled (by us) until saved or discarded."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_meta(orphan.original, orphan.name, orphan.saved_at)
        os.replace(orphan.document, self.document)
        with contextlib.suppress(FileNotFoundError):
            orphan.meta.unlink()


def read_info(meta: Path) -> JournalInfo | None:
    """The sidecar's contents, or None for one that is unreadable or has no document."""
    document = meta.with_suffix(DOCUMENT_SUFFIX)
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        original = data.get("original")
        info = JournalInfo(
            journal_id=meta.stem,
            document=document,
            meta=meta,
            original=Path(original) if original else None,
            name=str(data.get("name") or "Untitled"),
            saved_at=datetime.fromisoformat(data["saved_at"]),
            pid=int(data["pid"]),
            process_start=data.get("process_start"),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return info if document.is_file() else None


def orphans(folder: Path) -> list[JournalInfo]:
    """Journals whose writer is gone, newest first."""
    if not Path(folder).is_dir():
        return []
    found = [read_info(meta) for meta in Path(folder).glob(f"*{META_SUFFIX}")]
    dead = [info for info in found if info is not None and not is_running(info.pid, info.process_start)]
    return sorted(dead, key=lambda info: info.saved_at, reverse=True)


def load_journal(info: JournalInfo) -> Timeline:
    """The journaled timeline; a damaged journal raises ProjectFileError like a damaged project."""
    from engine.project.persistence import load

    return load(info.document).timeline


def discard(info: JournalInfo) -> None:
    for path in (info.meta, info.document):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def set_aside(info: JournalInfo) -> Path:
    """Keep a journal that cannot be read out of the way (never offered again, never deleted)."""
    kept = info.document.with_suffix(".damaged")
    with contextlib.suppress(OSError):
        os.replace(info.document, kept)
    with contextlib.suppress(FileNotFoundError):
        info.meta.unlink()
    return kept


# processes ---------------------------------------------------------------------


def _linux_stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rfind(")") + 2 :].split()  # after "pid (name) ": state is first, starttime 20th


def process_start(pid: int) -> str | None:
    """An identity for a running process that a recycled pid does not share (Linux), else None."""
    fields = _linux_stat(pid) if sys.platform.startswith("linux") else None
    if not fields or len(fields) < 20:
        return None
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    return f"{boot}:{fields[19]}"


def is_running(pid: int, start: str | None = None) -> bool:
    """Is the process that wrote a journal still alive? (A zombie is not.)"""
    if pid <= 0:
        return False
    if sys.platform.startswith("linux"):
        fields = _linux_stat(pid)
        if fields is None or fields[0] in ("Z", "X"):
            return False
        return start is None or process_start(pid) == start
    if sys.platform == "win32":
        return _windows_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _windows_running(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
