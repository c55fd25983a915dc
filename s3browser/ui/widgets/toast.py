"""A non-modal notification in the window's corner: how a download ended and where it went.

A message box would interrupt (and must never be exec()'d from a coroutine); a tray
balloon is not available on every desktop. The toast appears over the bottom-right
corner, says what happened and offers the folder, and hides itself after a while.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class Toast(QFrame):
    folder_clicked = Signal(object)  # Path

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.setObjectName("toast")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setForegroundRole(QPalette.ColorRole.ToolTipText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_button = QPushButton("Show folder")
        self.action_button = QPushButton()
        self.action_button.clicked.connect(self._act)
        self._action: Callable[[], None] | None = None
        self.close_button = QPushButton("×")
        self.close_button.setFlat(True)
        self.close_button.setFixedWidth(28)
        self.close_button.setToolTip("Dismiss")
        self.close_button.clicked.connect(self.hide)
        self.folder_button.clicked.connect(self._folder)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 8)
        layout.addLayout(top)
        layout.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.folder_button)
        layout.addLayout(buttons)
        self._folder_path: Path | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    def show_message(
        self,
        title: str,
        text: str,
        folder: Path | None,
        *,
        error: bool = False,
        action: tuple[str, Callable[[], None]] | None = None,
    ) -> None:
        """Show ``text``; ``folder`` adds "Show folder", ``action`` a button of its own."""
        self.title.setText(("⚠ " if error else "") + title)
        self.text.setText(text)
        self._folder_path = folder
        self.folder_button.setVisible(folder is not None)
        self._action = action[1] if action else None
        self.action_button.setText(action[0] if action else "")
        self.action_button.setVisible(action is not None)
        self.setFixedWidth(min(420, max(260, self._parent.width() // 3)))
        self.adjustSize()
        self._place()
        self.show()
        self.raise_()
        self._timer.start(30000 if action else 12000 if error else 8000)

    def _act(self) -> None:
        action, self._action = self._action, None
        self.hide()
        if action is not None:
            action()

    def _folder(self) -> None:
        if self._folder_path is not None:
            self.folder_clicked.emit(self._folder_path)
        self.hide()

    def _place(self) -> None:
        parent = self._parent
        bottom = parent.height() - 40  # above the status bar
        self.move(QPoint(parent.width() - self.width() - 16, bottom - self.height()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.parentWidget()
            and event.type() == QEvent.Type.Resize
            and self.isVisible()
        ):
            self._place()
        return False
