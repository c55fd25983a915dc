"""The transfers dock: a table of downloads with a progress bar per row and their controls.

The panel is a view: it shows :class:`TransfersModel` and turns button presses into
calls on the engine's :class:`TransferManager` (pause, resume, cancel, retry, clear
finished), which are plain non-blocking calls. Finished rows can be dragged straight
to a file manager (file URLs); "Show in folder" opens the file's folder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.transfers.models import ItemProgress, TransferState
from s3browser.ui.models.transfers_model import (
    COL_ETA,
    COL_NAME,
    COL_PROGRESS,
    COL_SIZE,
    COL_SPEED,
    COL_STATUS,
    ProgressRole,
    TransfersModel,
)

if TYPE_CHECKING:
    from s3browser.core.transfers import TransferManager

S = TransferState
_Index = QModelIndex | QPersistentModelIndex


class ProgressDelegate(QStyledItemDelegate):
    """Paints the Progress column as the style's own progress bar (light/dark aware)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        p: ItemProgress | None = index.data(ProgressRole)
        if p is None:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else QApplication.style()
        if option.state & QStyle.StateFlag.State_Selected:  # keep the selection visible
            painter.fillRect(option.rect, option.palette.highlight())
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.palette = option.palette
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.minimum, bar.maximum = 0, 1000
        fraction = p.fraction
        if fraction is None:  # size unknown yet: an empty bar, not a busy animation
            bar.progress = 0
        else:
            bar.progress = int(fraction * 1000)
        bar.textVisible = True
        bar.text = "" if fraction is None else f"{fraction * 100:.0f}%"
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


class TransfersPanel(QWidget):
    """Toolbar (pause, resume, cancel, retry, show in folder, clear finished) over the table."""

    def __init__(self, model: TransfersModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.manager: TransferManager | None = None
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setAccessibleName("Transfers")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setDragEnabled(True)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.table.setItemDelegateForColumn(COL_PROGRESS, ProgressDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for col, width in ((COL_NAME, 240), (COL_SIZE, 80), (COL_PROGRESS, 150), (COL_SPEED, 90),
                           (COL_ETA, 60)):  # fmt: skip
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(COL_STATUS, QHeaderView.ResizeMode.Stretch)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _i: self.show_in_folder())

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.pause_action = self._add("Pause", self.pause, "Stop; the partial file is kept")
        self.resume_action = self._add("Resume", self.resume, "Continue from where it stopped")
        self.cancel_action = self._add("Cancel", self.cancel, "Stop and delete the partial file")
        self.retry_action = self._add("Retry", self.retry, "Try a failed or cancelled one again")
        self.toolbar.addSeparator()
        self.show_action = self._add("Show in folder", self.show_in_folder, "Open its folder")
        self.clear_action = self._add(
            "Clear finished", self.clear_finished, "Remove done, failed and cancelled rows"
        )
        self.cancel_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.cancel_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.cancel_action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)
        # Button states follow the selection and the rows, at most ~20 times a second: a
        # 10,000-row batch must not re-check every row on every model signal.
        self._actions_timer = QTimer(self)
        self._actions_timer.setSingleShot(True)
        self._actions_timer.setInterval(50)
        self._actions_timer.timeout.connect(self.update_actions)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved, model.modelReset):
            signal.connect(self._actions_timer.start)
        self.open_folder: Callable[[Path], None] = _open_folder
        self.update_actions()

    def _add(self, text: str, slot: Callable[[], None], tip: str) -> QAction:
        action = self.toolbar.addAction(text)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def set_manager(self, manager: TransferManager | None) -> None:
        self.manager = manager
        self.update_actions()

    # -- selection --------------------------------------------------------------------
    def selected(self) -> list[ItemProgress]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.item(r) for r in rows]

    def _targets(self, states: tuple[TransferState, ...]) -> list[int]:
        return [p.item_id for p in self.selected() if p.state in states]

    def update_actions(self) -> None:
        live = self.manager is not None
        chosen = self.selected()
        states = {p.state for p in chosen}
        self.pause_action.setEnabled(live and bool(states & {S.QUEUED, S.RUNNING}))
        self.resume_action.setEnabled(live and S.PAUSED in states)
        self.cancel_action.setEnabled(
            live and bool(states & {S.QUEUED, S.RUNNING, S.PAUSED, S.FAILED})
        )
        self.retry_action.setEnabled(live and bool(states & {S.FAILED, S.CANCELLED}))
        self.show_action.setEnabled(len(chosen) >= 1)
        finished = any(p.state.is_final for p in self.model.items())
        self.clear_action.setEnabled(live and finished)

    # -- actions ----------------------------------------------------------------------
    def pause(self) -> None:
        if self.manager is not None:
            for item_id in self._targets((S.QUEUED, S.RUNNING)):
                self.manager.pause(item_id)

    def resume(self) -> None:
        if self.manager is not None:
            for item_id in self._targets((S.PAUSED,)):
                self.manager.resume(item_id)

    def cancel(self) -> None:
        if self.manager is not None:
            for item_id in self._targets((S.QUEUED, S.RUNNING, S.PAUSED, S.FAILED)):
                self.manager.cancel(item_id)

    def retry(self) -> None:
        if self.manager is not None:
            for item_id in self._targets((S.FAILED, S.CANCELLED)):
                self.manager.retry(item_id)

    def clear_finished(self) -> None:
        if self.manager is not None:
            gone = self.manager.clear_finished()
            self.model.remove_items(set(gone))
            self.update_actions()

    def show_in_folder(self) -> None:
        chosen = self.selected()
        if chosen:
            path = chosen[0].path
            self.open_folder(path.parent if not path.is_dir() else path)

    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in (self.pause_action, self.resume_action, self.cancel_action,
                       self.retry_action, self.show_action, self.clear_action):  # fmt: skip
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(pos))


def _open_folder(folder: Path) -> None:
    """Ask the desktop to show the folder (xdg-open / Finder / Explorer); never blocks."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
