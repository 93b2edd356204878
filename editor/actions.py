"""Every command a user can give, with its menu, its default shortcut and the user's own.

Panels register their actions here instead of building menus themselves:
the main window lays the menus out from the registry, the preferences
dialog edits the keymap from it, and a shortcut shown in a menu is always
the one that works. Shortcuts are window-wide, but a text field with focus
keeps the keys it types (Qt's shortcut override), so typing a timecode or a
clip name never triggers the razor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

#: The menus, left to right, as every NLE orders them.
MENUS = ("File", "Edit", "Project", "Clip", "Sequence", "Graphics", "View", "Help")


#: Sections that open their menu, and sections that close it, wherever they were registered.
FIRST_SECTIONS = ("history", "project", "save", "import", "export")
LAST_SECTIONS = ("preferences", "quit")


@dataclass
class Entry:
    action_id: str
    menu: str
    default: str  # portable text of the default shortcut ('' for none)
    action: QAction
    section: str = ""  # actions of one section are grouped between separators
    submenu: QMenu | None = None  # a submenu (Open Recent) in place of a command: no shortcut


class ActionRegistry(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: dict[str, Entry] = {}

    def add(
        self,
        action_id: str,
        text: str,
        triggered: Callable[[], object],
        menu: str,
        shortcut: str | QKeySequence.StandardKey = "",
        section: str = "",
        checkable: bool = False,
    ) -> QAction:
        if action_id in self._entries:
            raise ValueError(f"Two actions are called {action_id}")
        if menu not in MENUS and menu != "":
            raise ValueError(f"No menu called {menu}")
        action = QAction(text, self.parent() or self)
        action.setObjectName(action_id)
        action.setCheckable(checkable)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if isinstance(shortcut, QKeySequence.StandardKey):
            sequence = QKeySequence(shortcut)
        else:
            sequence = QKeySequence(shortcut)
        action.setShortcut(sequence)
        default = sequence.toString(QKeySequence.SequenceFormat.PortableText)
        if checkable:
            action.toggled.connect(lambda _checked: triggered())
        else:
            action.triggered.connect(lambda _checked=False: triggered())
        self._entries[action_id] = Entry(action_id, menu, default, action, section)
        return action

    def add_submenu(self, action_id: str, text: str, menu: str, section: str = "") -> QMenu:
        """A submenu its owner fills (for example when it is about to show); the keymap skips it."""
        if action_id in self._entries:
            raise ValueError(f"Two actions are called {action_id}")
        if menu not in MENUS:
            raise ValueError(f"No menu called {menu}")
        submenu = QMenu(text)
        submenu.setObjectName(action_id)
        self._entries[action_id] = Entry(action_id, menu, "", submenu.menuAction(), section, submenu)
        return submenu

    def __contains__(self, action_id: str) -> bool:
        return action_id in self._entries

    def action(self, action_id: str) -> QAction:
        return self._entries[action_id].action

    def entries(self, menu: str | None = None) -> list[Entry]:
        """A menu's actions in the order users expect (Undo first in Edit, Quit last in File),
        otherwise in the order the panels registered them."""
        chosen = [e for e in self._entries.values() if menu is None or e.menu == menu]
        return sorted(chosen, key=_menu_rank)

    def shortcut(self, action_id: str) -> str:
        return self.action(action_id).shortcut().toString(QKeySequence.SequenceFormat.PortableText)

    def commands(self) -> list[Entry]:
        """The entries a shortcut can be given to (every one but the submenus)."""
        return [e for e in self._entries.values() if e.submenu is None]

    def apply_keymap(self, keys: dict[str, str]) -> None:
        """Set the user's shortcuts over the defaults (unknown ids, from an older version, are ignored)."""
        for entry in self.commands():
            sequence = keys.get(entry.action_id, entry.default)
            entry.action.setShortcut(QKeySequence(sequence))

    def changed_keys(self) -> dict[str, str]:
        """The shortcuts that differ from the defaults: what the settings store."""
        return {
            e.action_id: self.shortcut(e.action_id)
            for e in self._entries.values()
            if self.shortcut(e.action_id) != e.default
        }

    def conflicts(self, keys: dict[str, str] | None = None) -> dict[str, list[str]]:
        """Shortcuts given to more than one action, so preferences can warn before saving.

        With `keys` (a keymap not applied yet, by action id) those shortcuts count
        instead of the current ones.
        """
        keys = keys or {}
        by_key: dict[str, list[str]] = {}
        for entry in self.commands():
            key = keys.get(entry.action_id, self.shortcut(entry.action_id))
            if key:
                by_key.setdefault(key, []).append(entry.action_id)
        return {key: ids for key, ids in by_key.items() if len(ids) > 1}


def _menu_rank(entry: Entry) -> tuple[int, int]:
    if entry.section in FIRST_SECTIONS:
        return 0, FIRST_SECTIONS.index(entry.section)
    if entry.section in LAST_SECTIONS:
        return 2, LAST_SECTIONS.index(entry.section)
    return 1, 0  # a stable sort keeps registration order here
