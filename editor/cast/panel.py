"""The Cast dock: the film's characters, places and style, kept so every shot draws them alike.

The list groups the members as the script named them (Characters, Places)
with the project's Style last; the form beside it edits the chosen one
(editor.cast.member_form). Every change is an engine edit through the
session (engine.project.cast), so it is saved with the project and undone
with Edit > Undo; a picture added to or taken from a member marks the
shots made from the old pictures stale on the Storyboard.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from editor.cast.member_form import MemberForm, shots_showing
from editor.context import EditorContext
from editor.jobs.runner import JobRunner
from engine.generate.voice.reference import voices_folder
from engine.project import cast
from engine.project.cast import CHARACTER, PLACE, STYLE, CastMember, Style
from engine.project.cast_rename import rename_member
from engine.project.voices import CharacterVoice

#: Pictures a reference can be.
PICTURES = "Pictures (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"
GROUPS = ((CHARACTER, "Characters"), (PLACE, "Places"))
NAME_ROLE = Qt.ItemDataRole.UserRole


class CastPanel(QWidget):
    def __init__(
        self, context: EditorContext, runner: JobRunner | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("cast")
        self._context, self._runner = context, runner
        self._applying = False  # the form's own edit is landing: show the member as it is now
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("cast-members")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(False)
        self.tree.setMinimumHeight(60)
        self.tree.currentItemChanged.connect(lambda *_: self._show_current())
        self.add_button = QToolButton(self)  # one narrow button, so the dock fits beside the viewer
        self.add_button.setObjectName("cast-add")
        self.add_button.setText("Add")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        adding = QMenu(self.add_button)
        adding.addAction("Character…", lambda: self._ask_name(CHARACTER))
        adding.addAction("Place…", lambda: self._ask_name(PLACE))
        self.add_button.setMenu(adding)
        self.remove = QPushButton("Remove", self)
        self.remove.setObjectName("cast-remove")
        self.remove.clicked.connect(self._remove_current)
        self.rename = QPushButton("Rename…", self)
        self.rename.setObjectName("cast-rename")
        self.rename.setToolTip("A new name everywhere: the shots' tags, the dialogue's speaker, the voice")
        self.rename.clicked.connect(self._ask_rename)
        self.form = MemberForm(self)
        self.form.memberEdited.connect(self._edited)
        self.form.shotChosen.connect(lambda ident: context.selection.set([ident]))
        self.form.add_pictures.clicked.connect(self._ask_pictures)
        self.form.recordings_folder = lambda: voices_folder(context.session.path)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rename)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tree, 1)
        column.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(left)
        scroller = QScrollArea(self)  # the form scrolls in a short dock instead of pushing the timeline down
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.form)
        split.addWidget(scroller)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)

        context.session.changed.connect(self.refresh)
        if runner is not None:
            runner.engine.started.connect(
                lambda _info: self.form.set_backends(runner.backends("voice.speak"))
            )
            self.form.set_backends(runner.backends("voice.speak"))
        self.refresh()

    def sizeHint(self) -> QSize:
        """Modest, as the inspector it shares a place with: the form scrolls, and a tall hint would
        take height from the viewer and the timeline when the window lays its docks out."""
        return QSize(280, 220)

    # the list -----------------------------------------------------------------------------------

    def refresh(self) -> None:
        """The list as the document has it now; the chosen member stays chosen (and its typing kept)."""
        timeline = self._context.session.timeline
        chosen = self.current_name()
        self.tree.blockSignals(True)
        self.tree.clear()
        for kind, heading in GROUPS:
            group = QTreeWidgetItem([heading, ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for member in cast.members(timeline, kind):
                self._row(
                    group, member.name, len(shots_showing(timeline, member.name)), len(member.references)
                )
            group.setExpanded(True)
        style = QTreeWidgetItem([STYLE, _pictures(len(cast.style(timeline).references))])
        style.setData(0, NAME_ROLE, STYLE)
        self.tree.addTopLevelItem(style)
        self.tree.resizeColumnToContents(0)
        found = self._item(chosen) if chosen else None
        self.tree.setCurrentItem(found or self._first_member() or style)
        self.tree.blockSignals(False)
        self._show_current(keep_typing=found is not None and not self._applying)

    def _row(self, group: QTreeWidgetItem, name: str, shots: int, pictures: int) -> None:
        item = QTreeWidgetItem([name, f"{_count(shots, 'shot')} · {_pictures(pictures)}"])
        item.setData(0, NAME_ROLE, name)
        group.addChild(item)

    def _item(self, name: str) -> QTreeWidgetItem | None:
        for row in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(row)
            for item in (top, *(top.child(i) for i in range(top.childCount()))):
                if item.data(0, NAME_ROLE) == name:
                    return item
        return None

    def _first_member(self) -> QTreeWidgetItem | None:
        for row in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(row)
            if top.childCount():
                return top.child(0)
        return None

    def current_name(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, NAME_ROLE) if item is not None else None

    def choose(self, name: str) -> None:
        """As a click on the member's row."""
        item = self._item(name)
        if item is not None:
            self.tree.setCurrentItem(item)

    def names(self, kind: str | None = None) -> list[str]:
        """The names listed, optionally of one kind (the Style is not a member)."""
        return [m.name for m in cast.members(self._context.session.timeline, kind)]

    def _show_current(self, keep_typing: bool = False) -> None:
        if keep_typing and self.form.has_edits():
            return
        timeline = self._context.session.timeline
        name = self.current_name()
        self.remove.setEnabled(bool(name) and name != STYLE)
        self.rename.setEnabled(bool(name) and name != STYLE)
        if name == STYLE:
            self.form.show_member(cast.style(timeline), None, shots_showing(timeline, None))
            return
        member = cast.member(timeline, name) if name else None
        voice = cast.voice(timeline, member.name) if member is not None else None
        self.form.show_member(member, voice, shots_showing(timeline, name) if member else [])

    # edits --------------------------------------------------------------------------------------

    def add_member(self, name: str, kind: str) -> bool:
        """A new member of the Cast (one undo step); False when the engine refused it."""
        name = " ".join(name.split())
        if cast.member(self._context.session.timeline, name) is not None:
            self._context.status.show(f"{name} is in the Cast already")
            self.choose(cast.member(self._context.session.timeline, name).name)
            return False
        change = self._context.session.apply(cast.set_member, CastMember(name, kind))
        if change is not None:
            self.choose(change.result)
        return change is not None

    def _ask_name(self, kind: str) -> None:
        what = "character" if kind == CHARACTER else "place"
        name, ok = QInputDialog.getText(self, f"Add a {what}", f"The {what}'s name, as the script says it:")
        if ok and name.strip():
            self.add_member(name, kind)

    def remove_member(self, name: str) -> None:
        self._context.session.apply(cast.remove_member, name)

    def rename_member(self, old: str, new: str) -> bool:
        """Call `old` `new` in the Cast and every shot and line (one undo step); False if refused."""
        change = self._context.session.apply(rename_member, old, new)
        if change is not None:
            self.choose(change.result)
        return change is not None

    def _ask_rename(self) -> None:
        name = self.current_name()
        if not name or name == STYLE:
            return
        new, ok = QInputDialog.getText(
            self, f"Rename {name}", "The new name, for the Cast, the shots and the dialogue:", text=name
        )
        if ok and new.strip() and new.strip() != name:
            self.rename_member(name, new)

    def _remove_current(self) -> None:
        name = self.current_name()
        if name and name != STYLE:
            self.remove_member(name)

    def _ask_pictures(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add reference pictures", str(Path.home()), PICTURES)
        if files:
            self.form.add_references(files)

    def add_pictures(self, paths: list[str | Path]) -> None:
        """Add reference pictures to the chosen member (as Add Pictures… does after its file dialog)."""
        self.form.add_references([str(p) for p in paths])

    def _edited(self, member: CastMember | Style, voice: CharacterVoice | None) -> None:
        session = self._context.session
        self._applying = True
        try:
            if isinstance(member, Style):
                session.apply(cast.set_style, member)
            else:
                session.apply(cast.set_member, member, voice)
        finally:
            self._applying = False


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _pictures(n: int) -> str:
    return "no picture" if n == 0 else _count(n, "picture")
