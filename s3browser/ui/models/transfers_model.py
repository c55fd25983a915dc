"""The transfers table: one row per download, fed by the engine's throttled progress events.

The engine (``core.transfers.TransferManager``) already sends at most ~10 events a
second, each carrying only the items that changed; :meth:`TransfersModel.apply`
turns one event into at most one ``beginInsertRows`` (new items, in a batch) and one
``dataChanged`` over the changed rows, so a 10,000-file download stays cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from s3browser.core.transfers.models import ItemProgress, ProgressEvent, TransferState
from s3browser.ui.widgets.details_format import human_size

_Index = QModelIndex | QPersistentModelIndex

COL_NAME, COL_SIZE, COL_PROGRESS, COL_SPEED, COL_ETA, COL_STATUS = range(6)
TITLES = ("Name", "Size", "Progress", "Speed", "ETA", "Status")

MAX_REMOVE_RUNS = 32

# The item's ItemProgress, for the delegate and the panel's actions.
ProgressRole = Qt.ItemDataRole.UserRole + 1

_STATE_TEXT = {
    TransferState.QUEUED: "Queued",
    TransferState.RUNNING: "Downloading",
    TransferState.PAUSED: "Paused",
    TransferState.DONE: "Done",
    TransferState.FAILED: "Failed",
    TransferState.CANCELLED: "Cancelled",
    TransferState.SKIPPED: "Skipped",
}


def speed_text(speed: float) -> str:
    return f"{human_size(int(speed))}/s" if speed >= 1 else ""


def eta_text(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    s = int(seconds + 0.5)
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}h {s % 3600 // 60:02d}m"


def status_text(p: ItemProgress) -> str:
    if p.waiting_for_answer:
        return "Waiting for your answer: the file exists"
    text = _STATE_TEXT[p.state]
    if p.message and p.state in (TransferState.FAILED, TransferState.SKIPPED):
        return p.message
    if p.state is TransferState.DONE and p.message:
        return f"{text} ({p.message})"
    if p.state is TransferState.DONE:
        name = Path(p.path).name
        if name != (p.key.rstrip("/").rsplit("/", 1)[-1] or p.key):
            return f"{text}: saved as {name}"  # "keep both", or a name mapped to be safe
    return text


class TransfersModel(QAbstractTableModel):
    """Rows in the order items were queued; finished rows stay until cleared."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ItemProgress] = []
        self._row_of: dict[int, int] = {}

    # -- feeding ----------------------------------------------------------------------
    def apply(self, event: ProgressEvent) -> None:
        new: list[ItemProgress] = []
        first = last = -1
        for p in event.changed:
            row = self._row_of.get(p.item_id)
            if row is None:
                new.append(p)
                continue
            self._rows[row] = p
            first = row if first < 0 else min(first, row)
            last = max(last, row)
        if first >= 0:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(TITLES) - 1))
        if new:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            for offset, p in enumerate(new):
                self._row_of[p.item_id] = start + offset
                self._rows.append(p)
            self.endInsertRows()

    def remove_items(self, item_ids: set[int]) -> None:
        """Drop rows (clear finished), one removal per contiguous run, from the bottom up."""
        rows = sorted({self._row_of[i] for i in item_ids if i in self._row_of}, reverse=True)
        runs: list[list[int]] = []  # [start, end], bottom up
        for row in rows:
            if runs and runs[-1][0] == row + 1:
                runs[-1][0] = row
            else:
                runs.append([row, row])
        if len(runs) > MAX_REMOVE_RUNS:
            # Scattered rows: one reset beats thousands of removals (and their signals).
            gone = set(rows)
            self.beginResetModel()
            self._rows = [p for row, p in enumerate(self._rows) if row not in gone]
            self.endResetModel()
        else:
            for start, end in runs:
                self.beginRemoveRows(QModelIndex(), start, end)
                del self._rows[start : end + 1]
                self.endRemoveRows()
        self._row_of = {p.item_id: row for row, p in enumerate(self._rows)}

    def item(self, row: int) -> ItemProgress:
        return self._rows[row]

    def items(self) -> list[ItemProgress]:
        return list(self._rows)

    # -- Qt model API -----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return TITLES[section] if 0 <= section < len(TITLES) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._rows[index.row()].state is TransferState.DONE:
            flags |= Qt.ItemFlag.ItemIsDragEnabled  # a finished file can be dragged out
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        p = self._rows[index.row()]
        col = index.column()
        if role == ProgressRole:
            return p
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return p.key.rstrip("/").rsplit("/", 1)[-1] or p.key
            if col == COL_SIZE:
                return human_size(p.bytes_total) if p.bytes_total is not None else ""
            if col == COL_PROGRESS:
                fraction = p.fraction
                return "" if fraction is None else f"{fraction * 100:.0f}%"
            if col == COL_SPEED:
                return speed_text(p.speed) if p.state is TransferState.RUNNING else ""
            if col == COL_ETA:
                return eta_text(p.eta) if p.state is TransferState.RUNNING else ""
            if col == COL_STATUS:
                return status_text(p)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"s3://{p.bucket}/{p.key}\n→ {p.path}" + (f"\n{p.message}" if p.message else "")
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col == COL_STATUS
            and p.state is TransferState.FAILED
        ):
            # Red mixed with the palette's text colour: readable on light and dark bases.
            text = QGuiApplication.palette().color(QPalette.ColorRole.Text)
            return QColor(
                (text.red() + 210) // 2, (text.green() + 30) // 2, (text.blue() + 30) // 2
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_SIZE, COL_SPEED, COL_ETA):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Any) -> QMimeData:
        """Finished files as file URLs: drag them on to a file manager, an editor, a mail."""
        paths: list[Path] = []
        for index in indexes:
            p = self._rows[index.row()]
            if p.state is TransferState.DONE and p.path not in paths:
                paths.append(p.path)
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction
