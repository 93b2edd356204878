"""The small dialogs of timeline interchange: which timeline to open, where to search for media,
and a report of what a relink or an import did that a user can read (and copy)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


class TimelineChoice(QDialog):
    """A file with several timelines (sequences, projects): pick one, as Premiere's XML import asks."""

    def __init__(self, file_name: str, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timeline-choice")
        self.setWindowTitle("Choose a timeline")
        layout = QVBoxLayout(self)
        label = QLabel(f"{file_name} holds {len(names)} timelines. Which one do you want to open?")
        label.setWordWrap(True)
        layout.addWidget(label)
        self.list = QListWidget()
        self.list.addItems([f"{i + 1}. {name}" for i, name in enumerate(names)])
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Open | standard.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(420, 300)

    def chosen(self) -> int:
        """The chosen timeline's index (0-based)."""
        return self.list.currentRow()


class RelinkDialog(QDialog):
    """Relink Media: the folder to search and whether to look in its subfolders."""

    def __init__(self, offline: int, folder: Path, recursive: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relink-dialog")
        self.setWindowTitle("Relink Media")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{offline} clip{'s are' if offline != 1 else ' is'} offline. Shotline looks for each in the "
            "folder by file name, then by name without extension, then by duration, and checks that "
            "every file it finds is long enough."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.folder = QLineEdit(str(folder))
        self.folder.setObjectName("relink-folder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(QLabel("Search in:"))
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.recursive = QCheckBox("Search subfolders")
        self.recursive.setObjectName("relink-recursive")
        self.recursive.setChecked(recursive)
        layout.addWidget(self.recursive)
        self.problem = QLabel("")
        self.problem.setStyleSheet("color: #e05050")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.search = buttons.addButton("Search", QDialogButtonBox.ButtonRole.AcceptRole)
        self.search.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.adjustSize()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Search for media in", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def accept(self) -> None:
        if not Path(self.folder.text().strip()).expanduser().is_dir():
            self.problem.setText(f"{self.folder.text().strip() or 'That'} is not a folder")
            return
        super().accept()

    def choice(self) -> tuple[Path, bool]:
        return Path(self.folder.text().strip()).expanduser(), self.recursive.isChecked()


@dataclass
class Report:
    """A headline and sections of lines: what a relink or an import did, in the user's words."""

    title: str
    headline: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def text(self) -> str:
        lines = [self.headline]
        for heading, items in self.sections:
            if items:
                lines += ["", f"{heading}:", *(f"  {item}" for item in items)]
        return "\n".join(lines)


class ReportDialog(QDialog):
    """A report to read at leisure: a headline, then each section as a list; the text can be copied."""

    def __init__(self, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("interchange-report")
        self.setWindowTitle(report.title)
        self.report = report
        layout = QVBoxLayout(self)
        headline = QLabel(f"<b>{html.escape(report.headline)}</b>")
        headline.setWordWrap(True)
        layout.addWidget(headline)
        body = [
            f"<h4>{html.escape(heading)}</h4><ul>"
            + "".join(f"<li>{html.escape(item)}</li>" for item in items)
            + "</ul>"
            for heading, items in report.sections
            if items
        ]
        if body:
            self.details = QTextBrowser()
            self.details.setObjectName("report-details")
            self.details.setHtml("".join(body))
            layout.addWidget(self.details, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 420 if body else 120)
