"""The Preview tab: text, pretty JSON, CSV/TSV as a grid, images, or why there is none.

The widget only displays; the details pane fetches the bytes (one ranged GET of at
most 1 MiB, see :mod:`preview_content`) and hands over a :class:`PreviewResult`.
Images are decoded into a ``QImage`` off the GUI thread by the pane; the widget
scales them down to fit (never up) and keeps the original for resizes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPalette, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from s3browser.ui.widgets.preview_content import PreviewResult

_Index = QModelIndex | QPersistentModelIndex


def blend(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    )


def dim_color(palette: QPalette) -> QColor:
    """Greyed text that stays readable: between the text and its background colour.

    The palette's disabled text is nearly invisible in some light themes, so the
    panes derive their own from the roles every theme sets.
    """
    text = palette.color(QPalette.ColorRole.Text)
    return blend(text, palette.color(QPalette.ColorRole.Base), 0.45)


class TablePreviewModel(QAbstractTableModel):
    """Rows of strings with a header row; short rows are padded, never an error."""

    def __init__(self, header: list[str], rows: list[list[str]], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = rows
        width = max(len(header), max((len(r) for r in rows), default=0))
        self._header = header + [f"column {i + 1}" for i in range(len(header), width)]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if 0 <= section < len(self._header) else None
        return str(section + 1)


class _ImageLabel(QLabel):
    """Shows an image scaled down to the available width, keeping the aspect ratio."""

    def __init__(self) -> None:
        super().__init__()
        self._image = QImage()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_image(self, image: QImage) -> None:
        self._image = image
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image.isNull():
            self.clear()
            return
        room = self.size().boundedTo(self._image.size())
        if room.width() < 1 or room.height() < 1:
            room = QSize(1, 1)
        scaled = self._image.scaled(
            room, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.setPixmap(QPixmap.fromImage(scaled))


class PreviewWidget(QWidget):
    """A note line over one of: message, text, table or image."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setObjectName("previewMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMargin(12)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.image = _ImageLabel()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.image)
        self.stack = QStackedWidget()
        for page in (self.message, self.text, self.table, scroll):
            self.stack.addWidget(page)
        self._scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.stack, 1)
        self.kind = "message"
        self._dim_note()
        self.show_message("Select an object to preview its contents.")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._dim_note()

    def _dim_note(self) -> None:
        pal = self.note.palette()
        pal.setColor(QPalette.ColorRole.WindowText, dim_color(self.palette()))
        self.note.setPalette(pal)

    # -- what the pane calls -----------------------------------------------------------
    def show_message(self, text: str) -> None:
        self._drop_model()
        self.kind = "message"
        self.note.setText("")
        self.note.hide()
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def show_loading(self, what: str) -> None:
        self.show_message(f"Loading a preview of {what}…")

    def show_result(self, result: PreviewResult, image: QImage | None = None) -> None:
        """Display a built preview; ``image`` is the decoded image for an image result."""
        if result.kind == "message":
            self.show_message(result.text)
            return
        if result.kind == "image" and (image is None or image.isNull()):
            self.show_message("No preview: the image could not be decoded.")
            return
        self._drop_model()
        self.kind = result.kind
        note = result.note
        if result.kind in ("text", "json"):
            self.text.setPlainText(result.text)
            self.stack.setCurrentWidget(self.text)
        elif result.kind == "table":
            self.table.setModel(TablePreviewModel(result.header, result.rows, self.table))
            self.table.resizeColumnsToContents()
            for col in range(self.table.model().columnCount()):
                self.table.setColumnWidth(col, min(self.table.columnWidth(col), 320))
            self.stack.setCurrentWidget(self.table)
        elif image is not None:
            self.image.set_image(image)
            dims = f"{image.width()} × {image.height()} pixels"
            note = f"{dims}; {note}" if note else dims
            self.stack.setCurrentWidget(self._scroll)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def _drop_model(self) -> None:
        old = self.table.model()
        if old is not None:
            self.table.setModel(None)
            old.deleteLater()
        self.text.clear()
        self.image.set_image(QImage())
