"""The media bin dock: import files, see what they are, find the missing ones, relink them.

The bin's list lives in the document (`engine.project.bin`), so importing,
removing and relinking are undo steps saved with the project; this panel
only turns gestures into those edits and shows what the model holds. All
file work (probing, thumbnails, waveforms, walking a folder, checking which
files went missing) runs on the thread pool; an item appears the moment it
is imported, reads "Probing…", and fills in when its answer comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.background import run_in_background
from editor.bin import examine as examining
from editor.bin.items import MediaItem, State
from editor.bin.model import DURATION, FORMAT, NAME, BinModel
from editor.bin.titles_list import TitlesList
from editor.bin.views import DetailsView, IconView, paths_of
from editor.context import EditorContext
from engine.errors import EditError
from engine.project import bin as media_bin
from engine.project import document
from engine.project.mediapaths import path_from_url

MEDIA_FILTER = (
    "Media files (" + " ".join(f"*{s}" for s in sorted(media_bin.MEDIA_SUFFIXES)) + ");;All files (*)"
)
VIEW_KEY = "bin/view"


class BinPanel(QWidget):
    def __init__(self, context: EditorContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bin")
        self.context = context
        self.model = BinModel(lambda: context.session.rate, self)
        self._known: dict[Path, examining.Examined] = {}  # answers kept across undo/redo of an import
        self._jobs = 0
        self._asked: dict[Path, int] = {}  # the latest question about each file; older answers are stale
        self._build()
        self._register_actions()
        session = context.session
        session.changed.connect(self._sync)
        session.replaced.connect(self._reload)
        self.model.filesDropped.connect(self.import_files)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._application_state)
        self._sync()

    # layout -----------------------------------------------------------------------

    def _build(self) -> None:
        self.details = DetailsView(self)
        self.icons = IconView(self)
        for view in (self.details, self.icons):
            view.setModel(self.model)
        self.icons.setSelectionModel(self.details.selectionModel())
        header = self.details.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(NAME, 220)
        header.resizeSection(DURATION, 90)
        header.resizeSection(FORMAT, 260)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.details)
        self.stack.addWidget(self.icons)
        for view in (self.details, self.icons):
            view.doubleClicked.connect(lambda index: self.open_in_viewer(self._path_at(index)))
            view.openRequested.connect(self.open_in_viewer)
            view.removeRequested.connect(self.remove_selected)
            view.filesDropped.connect(self.import_files)
            view.customContextMenuRequested.connect(self._context_menu)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for text, tip, slot in (
            ("Import…", "Import media files (Ctrl+I)", self.ask_import),
            ("Folder…", "Import every media file in a folder", self.ask_import_folder),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addStretch(1)
        self.count_label = QLabel(self)
        self.count_label.setStyleSheet("color: #8a909a;")
        bar.addWidget(self.count_label)
        self.view_buttons = QButtonGroup(self)
        for mode, text in enumerate(("List", "Icons")):
            button = QToolButton(self)
            button.setText(text)
            button.setCheckable(True)
            button.setToolTip(f"Show the bin as {text.lower()}")
            self.view_buttons.addButton(button, mode)
            bar.addWidget(button)
        self.view_buttons.idClicked.connect(self.set_view)
        self.set_view(1 if self.context.settings.value(VIEW_KEY, "list") == "icons" else 0)
        self.model.rowsInserted.connect(self._count)
        self.model.rowsRemoved.connect(self._count)
        self.model.modelReset.connect(self._count)

        # which view is showing must be visible in a theme that draws buttons flat
        self.setStyleSheet("QToolButton:checked { background: #3d5a80; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.titles = TitlesList(self.context, self)  # the title presets, below the media
        layout.addWidget(self.titles)

    def set_view(self, mode: int) -> None:
        """0: details list, 1: icon grid (remembered across sessions)."""
        self.stack.setCurrentIndex(mode)
        self.view_buttons.button(mode).setChecked(True)
        self.context.settings.set_value(VIEW_KEY, "icons" if mode else "list")

    @property
    def view(self) -> QAbstractItemView:
        return self.stack.currentWidget()

    def _count(self, *_args: Any) -> None:
        count = self.model.rowCount()
        self.count_label.setText(f"{count} item" + ("" if count == 1 else "s"))

    def _register_actions(self) -> None:
        actions = self.context.actions
        actions.add("file.import", "&Import…", self.ask_import, "File", "Ctrl+I", "import")
        actions.add(
            "file.import_folder", "Import &Folder…", self.ask_import_folder, "File", "Ctrl+Shift+I", "import"
        )
        actions.add("clip.relink", "&Relink Media…", lambda: self.relink(), "Clip", "", "media")

    # keeping up with the document ---------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether any probe, folder walk or offline check is still running."""
        return self._jobs > 0

    def _background(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run `work` on the pool and `done` with its result here; an unexpected failure is reported."""
        self._jobs += 1
        relay: list[Any] = []

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._jobs -= 1
            relay[0].deleteLater()
            callback(value)

        def failed(error: Exception) -> None:
            self.context.status.show(f"The media bin could not read a file: {error}")

        relay.append(run_in_background(work, lambda r: finish(done, r), lambda e: finish(failed, e), self))

    def _reload(self) -> None:
        """Another project is open: what was learned about files may be stale, so look again."""
        self._known.clear()
        self.model.sync([])
        self._sync()

    def _sync(self) -> None:
        timeline = self.context.session.timeline
        for item in self.model.sync(media_bin.media(timeline), media_bin.names(timeline)):
            known = self._known.get(item.path)
            if known is not None:
                self._apply(known)
            else:
                self._examine(item)

    def _examine(self, item: MediaItem) -> None:
        path = item.path
        item.state = State.PROBING
        self.model.refresh(path)
        asked = self._asked[path] = self._asked.get(path, 0) + 1

        def answered(result: examining.Examined) -> None:
            if self._asked.get(path) == asked:  # not overtaken by a reload or a newer look at the file
                self._apply(result)

        self._background(lambda: examining.examine(path), answered)

    def _apply(self, result: examining.Examined) -> None:
        """A file's answer arrived: fill in its row (if it is still in the bin)."""
        self._known[result.path] = result
        item = self.model.item(result.path)
        if item is None:
            return
        item.info, item.error, item.made = result.info, result.error, result.made
        if result.picture is not None:
            item.icon = QIcon(QPixmap.fromImage(result.picture))
        if result.offline:
            item.state = State.OFFLINE
        elif result.error:
            item.state = State.ERROR
        else:
            item.state = State.READY
        self.model.refresh(result.path)

    # offline media --------------------------------------------------------------------

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check_offline()

    def check_offline(self) -> None:
        """Look (off the GUI thread) for files that went missing or came back while we were away."""
        paths = [item.path for item in self.model.items if item.state is not State.PROBING]
        if paths:
            self._background(lambda: {p: p.exists() for p in paths}, self._mark_offline)

    def _mark_offline(self, present: dict[Path, bool]) -> None:
        missing = []
        for path, exists in present.items():
            item = self.model.item(path)
            if item is None:
                continue
            if not exists and item.state is not State.OFFLINE:
                item.state = State.OFFLINE
                self._known.pop(path, None)
                self.model.refresh(path)
                missing.append(path.name)
            elif exists and item.state is State.OFFLINE:
                self._known.pop(path, None)
                self._examine(item)  # it is back: it may be another version of the file
        if missing:
            self.context.status.show(f"Offline (missing): {', '.join(missing)}")

    def relink(self, path: Path | None = None) -> None:
        """Ask for the file that replaces `path` (the selected item, else the selected clip's media)."""
        old = path or self._relink_target()
        if old is None:
            self.context.status.show("Select a bin item or a clip to relink")
            return
        chosen, _ = QFileDialog.getOpenFileName(self, f"Relink {old.name}", str(old.parent), MEDIA_FILTER)
        if not chosen:
            return
        new = Path(media_bin.normalized(chosen))
        self.context.status.show(f"Checking {new.name}…", 0)
        self._background(lambda: examining.examine(new), lambda result: self._finish_relink(old, result))

    def _finish_relink(self, old: Path, result: examining.Examined) -> None:
        if result.offline or result.error:
            reason = result.error or f"{result.path} does not exist"
            self.context.status.show(f"Cannot relink {old.name}: {reason}")
            return
        self._known[result.path] = result
        change = self.context.session.apply(media_bin.relink_media, old, result.path)
        if change is not None:
            clips = change.result
            self.context.status.show(
                f"Relinked {old.name} to {result.path} ({clips} clip{'' if clips == 1 else 's'})"
            )
            self.select([result.path])

    def _relink_target(self) -> Path | None:
        selected = paths_of(self.view)
        if selected:
            return selected[0]
        for ident in self.context.selection.ids:
            try:
                _track, clip = document.find_clip(self.context.session.timeline, ident)
            except EditError:
                continue
            ref = clip.media_reference
            local = path_from_url(getattr(ref, "target_url", "") or "")
            if local is not None:
                return Path(media_bin.normalized(local))
        return None

    # importing --------------------------------------------------------------------------

    def ask_import(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import media", self._last_folder(), MEDIA_FILTER)
        if files:
            self._remember_folder(Path(files[0]).parent)
            self.import_files([Path(f) for f in files])

    def ask_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import folder", self._last_folder())
        if folder:
            self._remember_folder(Path(folder))
            self.import_folder(Path(folder))

    def _last_folder(self) -> str:
        return str(self.context.settings.value("bin/folder", "") or "")

    def _remember_folder(self, folder: Path) -> None:
        self.context.settings.set_value("bin/folder", str(folder))

    def import_folder(self, folder: Path) -> None:
        """Import every media file under `folder`; the walk runs off the GUI thread."""
        self.context.status.show(f"Looking for media in {folder.name}…", 0)

        def found(files: list[Path]) -> None:
            if files:
                self.import_files(files)
            else:
                self.context.status.show(f"No media files in {folder}")

        self._background(lambda: media_bin.media_files_in(folder), found)

    def import_files(self, paths: list[Path]) -> list[Path]:
        """Add files to the bin at once (they are probed in the background); returns those added.

        Files already in the bin are selected instead of added twice. Folders
        among `paths` (a folder dropped from a file manager) are walked first.
        """
        folders = [p for p in paths if p.is_dir()]
        for folder in folders:
            self.import_folder(folder)
        files = [Path(media_bin.normalized(p)) for p in paths if p not in folders]
        if not files:
            return []
        listed = {item.path for item in self.model.items}
        new = [p for p in dict.fromkeys(files) if p not in listed]
        if not new:
            self.select(files)
            names = ", ".join(p.name for p in files[:3])
            self.context.status.show(f"Already in the bin: {names}")
            return []
        change = self.context.session.apply(media_bin.add_media, new)
        if change is None:
            return []
        added: list[Path] = change.result
        self.select(added)
        self.context.status.show(f"Imported {len(added)} file{'' if len(added) == 1 else 's'}")
        self.context.media.imported.emit(added)
        return added

    def remove_selected(self) -> None:
        """Delete in the bin: take the imported files out of the bin (not their clips), undoably."""
        selected = paths_of(self.view)
        if not selected:
            return
        imported = [p for p in selected if (item := self.model.item(p)) is not None and item.imported]
        if not imported:
            self.context.status.show(f"{selected[0].name} is used on the timeline; it stays in the bin")
            return
        self.context.session.apply(media_bin.remove_media, imported)

    # selection and opening ----------------------------------------------------------------

    def select(self, paths: list[Path]) -> None:
        selection = self.details.selectionModel()
        selection.clearSelection()
        first: QModelIndex | None = None
        for path in paths:
            row = self.model.row_of(path)
            if row < 0:
                continue
            index = self.model.index(row, NAME)
            first = first or index
            flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
            selection.select(index, flags)
        if first is not None:
            selection.setCurrentIndex(first, selection.SelectionFlag.NoUpdate)
            self.view.scrollTo(first)

    def _path_at(self, index: QModelIndex) -> Path | None:
        item = self.model.item_at(index)
        return item.path if item is not None else None

    def open_in_viewer(self, path: Path | None = None) -> None:
        """Double-click or Enter: show the item in the source viewer."""
        if path is None:
            current = self.view.currentIndex()
            path = self._path_at(current) if current.isValid() else None
        item = self.model.item(path) if path is not None else None
        if item is None:
            return
        if item.state is State.ERROR:
            self.context.status.show(item.error)
        elif item.state is State.OFFLINE:
            self.context.status.show(f"{item.name} is offline; relink it first")
        else:
            self.context.media.sourceRequested.emit(item.path)

    def _context_menu(self, position: QPoint) -> None:
        view = self.view
        index = view.indexAt(position)
        path = self._path_at(index)
        menu = QMenu(self)
        if path is not None:
            if path not in paths_of(view):
                self.select([path])
            menu.addAction("Open in Source Viewer", lambda: self.open_in_viewer(path))
            menu.addAction("Relink…", lambda: self.relink(path))
            menu.addSeparator()
            menu.addAction("Remove from Bin", self.remove_selected)
            menu.addSeparator()
        menu.addAction("Import…", self.ask_import)
        menu.addAction("Import Folder…", self.ask_import_folder)
        if "file.new_generated_shot" in self.context.actions:  # registered by the generation tools
            menu.addAction(self.context.actions.action("file.new_generated_shot"))
        menu.exec(view.viewport().mapToGlobal(position))
