"""The Storyboard dock: the film's shots as cards, and Generate All for the ones still to make.

Each card is a picture clip in timeline order (editor.storyboard.cards):
its picture, prompt, Cast tags, length, takes and state. Selecting cards
selects their clips (and the other way round), a double-click opens the
shot's Regenerate dialog, and the strip under the cards edits the current
shot's prompt and Cast tags: each change is one timeline edit, undone with
Edit > Undo like any other.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from editor.context import EditorContext
from editor.storyboard.cards import Card, ShotState, shot_cards
from editor.storyboard.delegate import CARD, CARD_ROLE, CardDelegate
from editor.storyboard.generate_all import GenerateAllController
from editor.storyboard.job_states import ClipJobStates
from editor.timeline.previews import PreviewCache
from engine.project import cast, document
from engine.project.document import Timeline
from engine.project.placeholders import is_placeholder, set_shot_prompt


class StoryboardPanel(QWidget):
    def __init__(
        self,
        context: EditorContext,
        states: ClipJobStates,
        generate_all: GenerateAllController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("storyboard")
        self._context, self._states, self._batch = context, states, generate_all
        self.cards: list[Card] = []
        self._following = False  # selecting cards because the timeline's selection changed
        self.previews = PreviewCache(self)

        self.generate_button = QToolButton(self)
        self.generate_button.setObjectName("storyboard-generate-all")
        self.generate_button.setText("Generate All")
        self.generate_button.setToolTip(
            "Generate every placeholder and stale shot (or the selected ones) with the Cast: keyframes first"
        )
        self.generate_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.generate_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.generate_button.clicked.connect(lambda: generate_all.generate_selected_or_all())
        more = QMenu(self.generate_button)
        self.stills_action = QAction("Generate All as Stills (keyframes only)", more)
        self.stills_action.triggered.connect(lambda: generate_all.generate_selected_or_all(stills_only=True))
        more.addAction(self.stills_action)
        self.stale_action = QAction("Regenerate Stale Shots", more)
        self.stale_action.triggered.connect(lambda: generate_all.regenerate_stale())
        more.addAction(self.stale_action)
        more.addSeparator()
        more.addAction(generate_all.anchors_action)  # the same checkbox as in the Sequence menu
        models = QAction("Generate All Models…", more)
        models.triggered.connect(lambda: generate_all.choose_models())
        more.addAction(models)
        self.generate_button.setMenu(more)
        self.cancel_button = QPushButton("Cancel All", self)
        self.cancel_button.setObjectName("storyboard-cancel-all")
        self.cancel_button.clicked.connect(generate_all.cancel_all)
        self.retry_button = QPushButton("Retry Failed", self)
        self.retry_button.setObjectName("storyboard-retry-failed")
        self.retry_button.clicked.connect(generate_all.retry_failed)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("storyboard-progress")
        self.progress.setTextVisible(True)
        self.progress.setMaximumWidth(320)
        self.summary = QLabel(self)
        self.summary.setObjectName("storyboard-summary")
        bar = QHBoxLayout()
        for widget in (self.generate_button, self.cancel_button, self.retry_button, self.progress):
            bar.addWidget(widget)
        bar.addWidget(self.summary, 1)

        self.list = QListWidget(self)
        self.list.setObjectName("storyboard-cards")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setGridSize(CARD + QSize(6, 6))
        self.list.setSpacing(0)
        self.list.setMinimumHeight(40)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setItemDelegate(CardDelegate(self.previews, self.list))
        self.list.itemSelectionChanged.connect(self._cards_selected)
        self.list.itemDoubleClicked.connect(self._regenerate)
        self.list.currentItemChanged.connect(lambda *_: self._fill_editor())

        self.prompt = QLineEdit(self)
        self.prompt.setObjectName("storyboard-prompt")
        self.prompt.setPlaceholderText("Click a card to edit what its shot shows")
        self.prompt.editingFinished.connect(self._prompt_edited)
        self.cast_button = QToolButton(self)
        self.cast_button.setObjectName("storyboard-cast")
        self.cast_button.setText("Cast")
        self.cast_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.cast_menu = QMenu(self.cast_button)
        self.cast_button.setMenu(self.cast_menu)
        editor = QHBoxLayout()
        editor.addWidget(QLabel("Prompt", self))
        editor.addWidget(self.prompt, 1)
        editor.addWidget(self.cast_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.list, 1)
        layout.addLayout(editor)

        self.previews.ready.connect(self.list.viewport().update)
        self._scripted = False  # the open project has a script, a Cast or placeholders
        context.session.replaced.connect(self._project_opened)
        context.session.changed.connect(self._follow_script)
        generate_all.started.connect(self.bring_forward)
        context.session.changed.connect(self.refresh)
        context.selection.changed.connect(self._follow_selection)
        states.changed.connect(self.refresh)
        generate_all.changed.connect(self.refresh)
        self.refresh()

    # showing itself -----------------------------------------------------------------------------

    def bring_forward(self) -> None:
        """Show the dock this panel is in, in front of the tabs it shares a place with."""
        dock = self.parentWidget()
        if isinstance(dock, QDockWidget):
            self._place_beside_timeline()
            dock.show()
            dock.raise_()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._place_beside_timeline)  # shown from View > Storyboard as well

    def _place_beside_timeline(self) -> None:
        """The dock starts hidden beside the timeline (a hidden tab would still cost the timeline its
        tab bar's height); the first time it shows there it becomes a tab of the timeline's place."""
        dock = self.parentWidget()
        window = dock.parentWidget() if isinstance(dock, QDockWidget) else None
        if not isinstance(window, QMainWindow) or dock.isFloating() or window.tabifiedDockWidgets(dock):
            return
        beside = window.findChild(QDockWidget, "dock-timeline")
        if (
            beside is not None
            and beside.isVisible()
            and window.dockWidgetArea(beside) == window.dockWidgetArea(dock)
        ):
            window.tabifyDockWidget(beside, dock)
            dock.raise_()

    def _project_opened(self) -> None:
        self._scripted = False
        self._follow_script()

    def _follow_script(self) -> None:
        """The storyboard comes forward once when the project gets a script (an import, or opening one);
        a user who closes it afterwards is not overruled."""
        scripted = has_script(self._context.session.timeline)
        if scripted and not self._scripted:
            self.bring_forward()
        self._scripted = scripted

    # reading the document ------------------------------------------------------------------------

    def refresh(self) -> None:
        timeline = self._context.session.timeline
        self.cards = shot_cards(timeline, self._states.generating(), self._states.failures())
        current = self._current_id()
        self._following = True
        self.list.clear()
        for card in self.cards:
            item = QListWidgetItem()
            item.setData(CARD_ROLE, card)
            item.setData(Qt.ItemDataRole.UserRole, card.clip_id)
            item.setToolTip(_tooltip(card))
            item.setSizeHint(CARD)
            self.list.addItem(item)
            if card.clip_id in self._context.selection:
                item.setSelected(True)
            if card.clip_id == current:
                self.list.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
        self._following = False
        self._fill_editor()
        self._show_batch()
        self._name_button()

    def card(self, clip_id: str) -> Card | None:
        return next((c for c in self.cards if c.clip_id == clip_id), None)

    def _show_batch(self) -> None:
        batch = self._batch.batch
        total = len(batch.shots) + len(batch.lines)
        landed = len(batch.shots_landed) + len(batch.lines_landed)
        self.progress.setVisible(total > 0)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(landed)
        self.progress.setFormat(f"{landed} of {total}")
        self.summary.setText(self._batch.summary())
        self.cancel_button.setEnabled(self._batch.running() > 0)
        self.retry_button.setEnabled(self._batch.failed() > 0)

    # selection -----------------------------------------------------------------------------------

    def _current_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _cards_selected(self) -> None:
        if self._following:
            return
        ids = [item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        self._following = True
        self._context.selection.set(ids)
        self._following = False

    def _name_button(self) -> None:
        """Generate All works on the selected shots when there are any: the button says so."""
        count = len(self._batch.picture_selection())
        self.generate_button.setText(f"Generate {count} Selected" if count else "Generate All")

    def _follow_selection(self) -> None:
        self._name_button()
        if self._following:
            return
        self._following = True
        chosen = set(self._context.selection.ids)
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setSelected(item.data(Qt.ItemDataRole.UserRole) in chosen)
        self._following = False
        self._fill_editor()

    def select_card(self, clip_id: str) -> None:
        """As a click on the card: it becomes current and its clip the selection."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == clip_id:
                self.list.setCurrentItem(item)
                self.list.clearSelection()
                item.setSelected(True)
                return

    def _regenerate(self, item: QListWidgetItem) -> None:
        """Double-click: the shot's Regenerate dialog, as Clip > Regenerate Shot opens it."""
        self._context.selection.set([item.data(Qt.ItemDataRole.UserRole)])
        if "clip.regenerate" in self._context.actions:
            self._context.actions.action("clip.regenerate").trigger()

    # editing the current shot --------------------------------------------------------------------

    def _fill_editor(self) -> None:
        card = self.card(self._current_id() or "")
        self.prompt.setEnabled(card is not None)
        self.cast_button.setEnabled(card is not None)
        if not self.prompt.hasFocus():
            self.prompt.setText(card.prompt if card is not None else "")
        self.cast_menu.clear()
        if card is None:
            return
        timeline = self._context.session.timeline
        shown = {cast_key(n) for n in card.cast}
        for member in cast.members(timeline):
            action = self.cast_menu.addAction(f"{member.name} ({member.kind})")
            action.setCheckable(True)
            action.setChecked(cast_key(member.name) in shown)
            action.setData(member.name)
            action.toggled.connect(lambda on, name=member.name: self.set_cast_tag(name, on))
        if not self.cast_menu.actions():
            self.cast_menu.addAction("The Cast is empty: add members in the Cast panel").setEnabled(False)
        self.cast_button.setText(f"Cast: {', '.join(card.cast)}" if card.cast else "Cast: none")

    def _prompt_edited(self) -> None:
        card = self.card(self._current_id() or "")
        text = " ".join(self.prompt.text().split())
        if card is None or text == card.prompt:
            return
        self._context.session.apply(set_shot_prompt, card.clip_id, text)

    def set_cast_tag(self, name: str, shown: bool) -> None:
        """Tag the current shot with a member (or untag it): one edit."""
        card = self.card(self._current_id() or "")
        if card is None:
            return
        timeline = self._context.session.timeline
        # a member removed from the Cast since is dropped from the tags too
        names = [n for n in card.cast if cast_key(n) != cast_key(name) and cast.member(timeline, n)]
        if shown:
            names.append(name)
        self._context.session.apply(cast.set_shot_cast, card.clip_id, names)


def has_script(timeline: Timeline) -> bool:
    """Whether the project was made from a script or has a Cast or a placeholder shot."""
    if timeline.metadata.get("shotline", {}).get("screenplay") or cast.members(timeline):
        return True
    return any(is_placeholder(clip) for _, clip in document.iter_clips(timeline))


def cast_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _tooltip(card: Card) -> str:
    lines = [card.name, card.prompt]
    if card.state in (ShotState.STALE, ShotState.FAILED) and card.why:
        lines.append(f"{card.badge}: {card.why}")
    return "\n".join(lines)
