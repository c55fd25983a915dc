"""An inline error banner: the core's one-sentence message and a Retry button.

Errors never open modal dialogs: ten failing requests would be ten dialogs. The
banner shows the latest message (with a count when the same one repeats), Retry
re-runs what failed, and the close button hides it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from s3browser.ui.widgets.icons import icon


def _is_dark() -> bool:
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


class ErrorBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName("Error")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.icon_label = QLabel(self)
        self.icon_label.setPixmap(icon("warning").pixmap(20, 20))
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setToolTip("Try again")
        self.close_button = QToolButton(self)
        self.close_button.setIcon(icon("close"))
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAccessibleName("Dismiss error")
        layout.addWidget(self.icon_label)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button)
        layout.addWidget(self.close_button)
        self.retry_button.clicked.connect(self._retry)
        self.close_button.clicked.connect(self.dismiss)
        # Every retry of the message shown: one fault often fails the tree's folder listing
        # and the table's at once with the same sentence; Retry must redo both.
        self._retry_actions: list[Callable[[], None]] = []
        self._message = ""
        self._repeats = 0
        self.apply_palette()
        self.hide()

    def apply_palette(self) -> None:
        """Amber tones that read well on the system's light or dark palette."""
        dark = _is_dark()
        background = QColor("#4a3b12") if dark else QColor("#fff4d6")
        border = QColor("#8a6d1f") if dark else QColor("#e0b341")
        text = QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
        self.setStyleSheet(
            f"#errorBanner {{ background: {background.name()}; border: 1px solid {border.name()};"
            f" border-radius: 4px; }} #errorBanner QLabel {{ color: {text.name()}; }}"
        )

    @property
    def message(self) -> str:
        return self._message

    def show_error(self, message: str, retry: Callable[[], None] | None = None) -> None:
        """Show ``message``; Retry calls ``retry`` (hidden when there is nothing to retry)."""
        if message == self._message and self.isVisible():
            self._repeats += 1
        else:
            self._repeats = 1
            self._retry_actions = []
        self._message = message
        if retry is not None and retry not in self._retry_actions:
            self._retry_actions.append(retry)
        suffix = f"  (×{self._repeats})" if self._repeats > 1 else ""
        self.label.setText(message + suffix)
        self.retry_button.setVisible(bool(self._retry_actions))
        self.show()

    def dismiss(self) -> None:
        self._message = ""
        self._retry_actions = []
        self.hide()

    def _retry(self) -> None:
        actions = self._retry_actions
        self.dismiss()
        for action in actions:
            action()
