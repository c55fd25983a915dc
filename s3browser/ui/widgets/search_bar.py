"""The search bar: filter as you type, Enter for a server-side search.

Typing narrows the rows already listed (instantly, nothing is sent). Enter (or the
Search button) runs :meth:`S3Session.search` with the chosen mode and scope; results
stream into the table with a live count until they end or Stop is pressed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from s3browser.ui.widgets.icons import icon

MODES = (
    ("substring", "Contains"),
    ("prefix", "Starts with"),
    ("glob", "Glob (*.csv)"),
    ("regex", "Regex"),
)
SCOPES = (("folder", "This folder"), ("all", "All buckets"))


class SearchBar(QWidget):
    filter_changed = Signal(str)
    search_requested = Signal(str, str, str)  # pattern, mode, scope ("folder" | "all")
    stop_requested = Signal()
    results_wanted = Signal()  # Down arrow in the field: move to the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.setSpacing(4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Filter this folder; press Enter to search S3 (Ctrl+F)")
        self.edit.setClearButtonEnabled(True)
        self.edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.edit.setAccessibleName("Filter or search")
        self.mode = QComboBox(self)
        for value, label in MODES:
            self.mode.addItem(label, value)
        self.mode.setToolTip("How the search matches keys")
        self.mode.setAccessibleName("Search mode")
        self.scope = QComboBox(self)
        for value, label in SCOPES:
            self.scope.addItem(label, value)
        self.scope.setToolTip("Where the search looks")
        self.scope.setAccessibleName("Search scope")
        self.search_button = QPushButton(icon("search"), "Search", self)
        self.search_button.setToolTip("Search S3 for keys (Enter)")
        self.stop_button = QPushButton(icon("stop"), "Stop", self)
        self.stop_button.setToolTip("Stop the search and keep what was found (Esc)")
        self.stop_button.setVisible(False)
        self.count_label = QLabel(self)
        self.count_label.setMinimumWidth(90)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.mode)
        layout.addWidget(self.scope)
        layout.addWidget(self.search_button)
        layout.addWidget(self.stop_button)
        layout.addWidget(self.count_label)
        self._quiet = False
        self.edit.textChanged.connect(self._text_changed)
        self.edit.returnPressed.connect(self._search)
        self.search_button.clicked.connect(self._search)
        self.stop_button.clicked.connect(self.stop_requested)
        self.edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Down)
        ):
            if event.key() == Qt.Key.Key_Escape:
                self._escape()
            else:
                self.results_wanted.emit()  # Down: from the field into the table
            return True
        return super().eventFilter(watched, event)

    def _escape(self) -> None:
        """Esc stops a running search; otherwise it clears the filter."""
        if self.stop_button.isVisible():
            self.stop_requested.emit()
        else:
            self.edit.clear()

    def _search(self) -> None:
        text = self.edit.text().strip()
        if not text and self.mode.currentData() != "prefix":
            return
        self.search_requested.emit(text, self.mode.currentData(), self.scope.currentData())

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def set_searching(self, running: bool) -> None:
        self.stop_button.setVisible(running)
        self.search_button.setVisible(not running)

    def set_count(self, text: str) -> None:
        self.count_label.setText(text)

    def _text_changed(self, text: str) -> None:
        if not self._quiet:
            self.filter_changed.emit(text)

    def clear_filter(self) -> None:
        # Not blockSignals(): the line edit's own clear button listens to textChanged too,
        # and would stay visible over an empty field.
        self._quiet = True
        try:
            self.edit.clear()
        finally:
            self._quiet = False
