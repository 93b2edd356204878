"""Mask folders on disk, written one after another off the GUI thread, with recent ones kept in memory.

Every change of a clip's mask is a new folder (``<clip id>/m-<random>``)
that is never overwritten, so undo can point back at the previous one. Writes
run on one worker thread in the order they were asked for, and loads and
moves queue behind them, so a folder is always complete before anything
reads or copies it. Versions made in this session stay in memory, so undo
and redo show the old mask at once.

An unsaved project keeps its masks in the data folder; on the first save (or
Save As to a new name) every version the session can reach is copied beside
the project into ``<project>.masks`` (see `engine.project.masks.mask_root`),
because the references in the document are relative to that folder. Every
save then removes the versions there that nothing reachable points at.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from engine.masks.sequence import MaskSequence
from engine.project.document import new_id
from engine.project.masks import remove_versions, unused_versions


def copy_of(masks: MaskSequence) -> MaskSequence:
    """A copy whose tables can change without touching the original (arrays are never edited in place)."""
    return MaskSequence(masks.size, masks.feather, masks.invert, dict(masks.keys), dict(masks.tracked))


class MaskStore(QObject):
    failed = Signal(str)  # a write or copy went wrong: words for the status bar
    _loaded = Signal(str, object, object)  # version, MaskSequence | None, error text | None

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = root
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mask-writer")
        self._kept: dict[str, MaskSequence] = {}
        self._waiting: dict[str, list[Callable[[MaskSequence | None, str | None], None]]] = {}
        self._loaded.connect(self._deliver)

    def close(self) -> None:
        self._writer.shutdown(wait=True)

    def flush(self) -> None:
        """Wait for every queued write (tests, and before the project is copied elsewhere)."""
        self._writer.submit(lambda: None).result()

    # versions ---------------------------------------------------------------------------------

    def save(self, clip_id: str, masks: MaskSequence) -> str:
        """Queue `masks` as a new folder for the clip; returns its name relative to the root."""
        version = f"{clip_id}/m-{new_id()}"
        kept = copy_of(masks)
        self._kept[version] = kept
        folder = self.root / version
        self._writer.submit(self._guarded, lambda: kept.save(folder), f"Could not save the mask: {folder}")
        return version

    def load(self, version: str, on_loaded: Callable[[MaskSequence | None, str | None], None]) -> None:
        """`on_loaded(masks, None)` on the GUI thread, or `(None, reason)` when the folder is unreadable."""
        if version in self._kept:
            on_loaded(copy_of(self._kept[version]), None)
            return
        self._waiting.setdefault(version, []).append(on_loaded)
        folder = self.root / version

        def read() -> None:
            try:
                masks, error = MaskSequence.load(folder), None
            except Exception as problem:  # a missing or damaged folder: the user is told, nothing breaks
                masks, error = None, f"The mask {version} cannot be read ({problem})"
            self._loaded.emit(version, masks, error)

        self._writer.submit(read)

    def _deliver(self, version: str, masks: MaskSequence | None, error: str | None) -> None:
        if masks is not None:
            self._kept[version] = masks
        for callback in self._waiting.pop(version, []):
            callback(copy_of(masks) if masks is not None else None, error)

    # the project's folder ----------------------------------------------------------------------

    def move_to(self, root: Path, versions: Iterable[str], copy: bool) -> None:
        """Use `root` from now on; with `copy`, these versions follow (a first save, Save As).

        The versions are every one the session can reach (see `store_cleanup`),
        not just those the clips use now, so an undo after Save As finds its
        mask beside the new project too. The old folder is left as it was: the
        project saved there (or a take inpainted from an unsaved mask) still
        points into it.
        """
        old, self.root = self.root, root
        if not copy or old == root:
            return
        names = sorted(versions)

        def copy_folders() -> None:
            for name in names:
                if (old / name).is_dir() and not (root / name / "mask.json").is_file():
                    shutil.copytree(old / name, root / name, dirs_exist_ok=True)

        self._writer.submit(self._guarded, copy_folders, f"Could not copy the masks to {root}")

    def clean(self, keep: set[str]) -> None:
        """Delete the versions under the root that `keep` does not name, after every queued write.

        Run when the project is saved: `keep` is what the saved document and
        this session's undo history can reach, so nothing undo may want goes.
        """
        root = self.root
        self._kept = {name: masks for name, masks in self._kept.items() if name in keep}

        def remove() -> None:
            remove_versions(unused_versions(root, keep))

        self._writer.submit(self._guarded, remove, f"Could not tidy the masks in {root}")

    def _guarded(self, work: Callable[[], None], message: str) -> None:
        try:
            work()
        except Exception as error:  # a full disk or a read-only folder: said in the status bar
            self.failed.emit(f"{message} ({error})")
