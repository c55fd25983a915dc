"""The path bar: back, forward, up, refresh, and the location as breadcrumbs or text.

Normally the location shows as clickable breadcrumbs (``s3:// › bucket › folder``);
Ctrl+L (or a click on the empty part) turns it into an editable ``s3://`` URL, Enter
goes there, Escape returns to the breadcrumbs. Invalid URLs are reported by the core's
parser in one sentence, shown in the bar's tooltip and the window's banner.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from s3browser.core.s3url import S3Location
from s3browser.ui.widgets.icons import icon


class _Crumbs(QFrame):
    """A row of flat buttons, one per path segment; a click on the rest starts editing."""

    segment_clicked = Signal(object)  # S3Location
    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.setToolTip("Click to type a location (Ctrl+L)")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(2, 0, 2, 0)
        self._layout.setSpacing(0)
        self._buttons: list[QToolButton] = []

    def set_location(self, location: S3Location) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._buttons = []
        parts: list[tuple[str, S3Location]] = [("s3://", S3Location(""))]
        if location.bucket:
            parts.append((location.bucket, S3Location(location.bucket)))
            prefix = ""
            for segment in [s for s in location.key.split("/") if s]:
                prefix += segment + "/"
                parts.append((segment, S3Location(location.bucket, prefix)))
        for i, (text, target) in enumerate(parts):
            button = QToolButton(self)
            button.setText(text if i == len(parts) - 1 else f"{text}  ›")
            button.setAutoRaise(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(target.uri())
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, t=target: self.segment_clicked.emit(t))
            if i == len(parts) - 1:
                font = button.font()
                font.setBold(True)
                button.setFont(font)
            self._layout.addWidget(button)
            self._buttons.append(button)
        self._layout.addStretch(1)

    def crumb_texts(self) -> list[str]:
        return [b.text() for b in self._buttons]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.edit_requested.emit()
        super().mousePressEvent(event)


class PathBar(QWidget):
    """Navigation buttons plus the location; emits :attr:`location_entered` with the text."""

    location_entered = Signal(str)
    crumb_clicked = Signal(object)  # S3Location
    back_clicked = Signal()
    forward_clicked = Signal()
    up_clicked = Signal()
    refresh_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.setSpacing(2)
        self.back_button = self._tool("back", "Back (Alt+Left)", self.back_clicked)
        self.forward_button = self._tool("forward", "Forward (Alt+Right)", self.forward_clicked)
        self.up_button = self._tool("up", "Up one level (Backspace, Alt+Up)", self.up_clicked)
        self.refresh_button = self._tool("refresh", "Refresh (F5)", self.refresh_clicked)
        for button in (self.back_button, self.forward_button, self.up_button, self.refresh_button):
            layout.addWidget(button)
        self._stack = QStackedWidget(self)
        self._stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.crumbs = _Crumbs(self._stack)
        self.edit = QLineEdit(self._stack)
        self.edit.setPlaceholderText("s3://bucket/folder/")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Location")
        self._stack.addWidget(self.crumbs)
        self._stack.addWidget(self.edit)
        self._stack.setFixedHeight(self.edit.sizeHint().height())
        layout.addWidget(self._stack, 1)
        self._location = S3Location("")
        self.crumbs.set_location(self._location)
        self.crumbs.edit_requested.connect(self.start_editing)
        self.crumbs.segment_clicked.connect(self.crumb_clicked)
        self.edit.returnPressed.connect(self._entered)
        self.edit.installEventFilter(self)

    def retint(self) -> None:
        """Redraw the glyphs in the (new) palette's text colour."""
        for button in (self.back_button, self.forward_button, self.up_button, self.refresh_button):
            button.setIcon(icon(button.property("iconName")))

    def _tool(self, name: str, tip: str, signal: Any) -> QToolButton:
        button = QToolButton(self)
        button.setProperty("iconName", name)
        button.setIcon(icon(name))
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(signal)
        return button

    @property
    def location(self) -> S3Location:
        return self._location

    def set_location(self, location: S3Location) -> None:
        self._location = location
        self.crumbs.set_location(location)
        self.edit.setText(location.uri())
        self.show_crumbs()

    def set_history_state(self, can_back: bool, can_forward: bool, can_up: bool) -> None:
        self.back_button.setEnabled(can_back)
        self.forward_button.setEnabled(can_forward)
        self.up_button.setEnabled(can_up)

    def start_editing(self) -> None:
        """Ctrl+L: the location as editable text, all selected."""
        self.edit.setText(self._location.uri())
        self._stack.setCurrentWidget(self.edit)
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def show_crumbs(self) -> None:
        self._stack.setCurrentWidget(self.crumbs)

    @property
    def editing(self) -> bool:
        return self._stack.currentWidget() is self.edit

    def _entered(self) -> None:
        text = self.edit.text().strip()
        if text and not text.lower().startswith("s3://"):
            text = "s3://" + text.lstrip("/")
        self.location_entered.emit(text or "s3://")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit:
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:  # type: ignore[attr-defined]
                self.edit.setText(self._location.uri())
                self.show_crumbs()
                return True
            if event.type() == QEvent.Type.FocusOut:
                self.show_crumbs()
        return super().eventFilter(watched, event)
