"""The status bar: who, where, how many, and what is happening right now."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

_MIN_FIELD_WIDTH = 60


class StatusField(QLabel):
    """A status field that hides while empty, so no bare separators show.

    It asks for its full text's width but may shrink, eliding in the middle: a long
    ARN or endpoint must not make the window wider than a small screen.
    """

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), _MIN_FIELD_WIDTH), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideMiddle, rect.width()
        )
        painter = QPainter(self)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        self.style().drawItemText(
            painter,
            rect,
            int(align.value),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )


class StatusBar(QStatusBar):
    """Identity, endpoint, region, object count and an activity indicator."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activity = QLabel(self)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # indeterminate: we rarely know how much is left
        self.busy.setMaximumWidth(90)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.count = StatusField(self)
        self.identity = StatusField(self)
        self.endpoint = StatusField(self)
        self.region = StatusField(self)
        self.retries = StatusField(self)
        self.retries.setToolTip(
            "Requests the server throttled or failed, or whose connection broke, "
            "sent again by s3browser on this connection"
        )
        self.addWidget(self.busy)
        self.addWidget(self.activity, 1)
        self.addWidget(self.retries)
        for label in (self.count, self.identity, self.endpoint, self.region):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
            label.hide()
        # Thin separators between the permanent fields, drawn in the palette's own colour.
        self.setStyleSheet(
            "QStatusBar::item { border: none; border-left: 1px solid palette(mid); }"
        )
        self.identity.setToolTip("Who the endpoint says you are")
        self.endpoint.setToolTip("The S3 endpoint")
        self.region.setToolTip("The region of the current bucket (or the connection's default)")

    def set_activity(self, text: str, busy: bool) -> None:
        self.activity.setText(text)
        self.busy.setVisible(busy)

    def set_connection(self, identity: str, endpoint: str, region: str) -> None:
        self.identity.setText(identity)
        self.endpoint.setText(endpoint)
        self.region.setText(region)

    def set_region(self, region: str) -> None:
        self.region.setText(region)

    def set_retries(self, count: int) -> None:
        self.retries.setText(
            f"{count:,} request{'s' if count != 1 else ''} retried" if count else ""
        )

    def set_count(self, text: str) -> None:
        self.count.setText(text)
