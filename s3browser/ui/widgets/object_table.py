"""The object table view: keyboard, double-click and the context menu.

The view only turns gestures into signals carrying :class:`RowRef` values; the main
window decides what they do (navigation, clipboard, transfers, details).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from s3browser.ui.models.object_model import RowRef
from s3browser.ui.models.rows import COL_CLASS, COL_ETAG, COL_MODIFIED, COL_NAME, COL_SIZE
from s3browser.ui.models.sort_proxy import ObjectSortProxy
from s3browser.ui.widgets.icons import icon

LARGE_SELECTION = 5000
PRESIGN_CHOICES = (("1 hour", 3600), ("1 day", 24 * 3600), ("7 days", 7 * 24 * 3600))


NARROW_TABLE = 640  # px of viewport below which the ETag column gives way to the names


class ObjectTable(QTableView):
    open_requested = Signal(object)  # RowRef
    up_requested = Signal()
    download_requested = Signal(list)  # list[RowRef]
    copy_uri_requested = Signal(list)
    copy_https_requested = Signal(list)
    copy_presigned_requested = Signal(list, int)  # refs, seconds
    properties_requested = Signal(object)  # RowRef | None

    def __init__(self, proxy: ObjectSortProxy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self._placeholder = ""
        self.setModel(proxy)
        self.setAccessibleName("Objects")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        vertical = self.verticalHeader()
        vertical.hide()
        # Fixed row heights: the view never measures rows, whatever their number.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        widths = {COL_NAME: 300, COL_SIZE: 80, COL_MODIFIED: 130, COL_CLASS: 110, COL_ETAG: 120}
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.setSortingEnabled(True)
        self.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.doubleClicked.connect(self._activated)
        proxy.source.about_to_reorder.connect(self._drop_large_selection)
        proxy.source.modelReset.connect(self._fit_columns_to_mode)
        self._properties_action = QAction("Properties", self)
        self._properties_action.setShortcut(QKeySequence("Alt+Return"))
        self._properties_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._properties_action.triggered.connect(
            lambda: self.properties_requested.emit(self.current_ref())
        )
        self.addAction(self._properties_action)
        self._copy_action = QAction("Copy S3 URI", self)
        self._copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self._copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._copy_action.triggered.connect(self._copy_uri)
        self.addAction(self._copy_action)

    # -- an empty table says why ----------------------------------------------------
    def set_placeholder(self, text: str) -> None:
        """Text shown in the middle of the table while it has no rows."""
        if text != self._placeholder:
            self._placeholder = text
            self.viewport().update()

    @property
    def placeholder(self) -> str:
        return self._placeholder

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._placeholder and self.proxy.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(
                self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            )
            painter.drawText(
                self.viewport().rect().adjusted(20, 20, -20, -20),
                int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                self._placeholder,
            )
            painter.end()

    def _fit_columns_to_mode(self) -> None:
        """The bucket list has no size or ETag: hide those empty columns there, so the
        bucket names get the room (on a small screen they were cut to "demo-…ytics")."""
        root = self.proxy.source.mode == "root"
        # A narrow table (a 1280x720 screen with both side panes) gives the names the
        # ETag column's room: the ETag is in the details pane anyway.
        narrow = self.viewport().width() < NARROW_TABLE
        hidden = {COL_SIZE: root, COL_ETAG: root or narrow}
        for column, hide in hidden.items():
            if self.isColumnHidden(column) != hide:
                self.setColumnHidden(column, hide)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns_to_mode()

    def _drop_large_selection(self) -> None:
        """Before a re-sort: forget a selection of thousands of rows.

        Qt keeps a selection across a layout change by turning every selected row into
        a persistent index and moving each one: with 200,000 rows selected (Ctrl+A) a
        sort took 12 s. A large selection is dropped instead; the current row stays.
        """
        selection = self.selectionModel().selection()
        rows = sum(selection.at(i).height() for i in range(selection.count()))
        if rows > LARGE_SELECTION:
            self.selectionModel().clearSelection()

    # -- selection -------------------------------------------------------------------
    def selected_refs(self) -> list[RowRef]:
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        refs = [self.proxy.row_ref(row) for row in rows]
        return [ref for ref in refs if ref is not None]

    def current_ref(self) -> RowRef | None:
        index = self.currentIndex()
        return self.proxy.row_ref(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        if 0 <= row < self.proxy.rowCount():
            index = self.proxy.index(row, 0)
            self.setCurrentIndex(index)
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    # -- gestures --------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        ref = self.proxy.row_ref(index.row())
        if ref is not None:
            self.open_requested.emit(ref)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            ref = self.current_ref()
            if ref is not None:
                self.open_requested.emit(ref)
            return
        if key == Qt.Key.Key_Backspace and not event.modifiers():
            self.up_requested.emit()
            return
        super().keyPressEvent(event)

    def _copy_uri(self) -> None:
        refs = self.selected_refs()
        if refs:
            self.copy_uri_requested.emit(refs)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if index.isValid() and not self.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.selectRow(index.row())
        refs = self.selected_refs()
        menu = self.build_menu(refs)
        menu.popup(self.viewport().mapToGlobal(pos))

    def build_menu(self, refs: list[RowRef]) -> QMenu:
        """The context menu for ``refs`` (kept separate so tests can inspect it)."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        objects = [r for r in refs if r.kind == "object"]
        single = refs[0] if len(refs) == 1 else None
        if single is not None and single.kind != "object":
            menu.addAction(icon("forward"), "Open", lambda: self.open_requested.emit(single))
        download = menu.addAction(
            icon("download"), "Download…", lambda: self.download_requested.emit(refs)
        )
        download.setEnabled(bool(refs) and all(r.kind != "bucket" for r in refs))
        menu.addSeparator()
        copy_uri = menu.addAction(
            icon("copy"), "Copy S3 URI", lambda: self.copy_uri_requested.emit(refs)
        )
        copy_uri.setEnabled(bool(refs))
        copy_https = menu.addAction(
            icon("link"), "Copy HTTPS URL", lambda: self.copy_https_requested.emit(refs)
        )
        copy_https.setEnabled(bool(refs))
        presign = menu.addMenu(icon("link"), "Copy presigned URL")
        presign.setEnabled(bool(objects) and len(objects) == len(refs))
        for label, seconds in PRESIGN_CHOICES:
            action = presign.addAction(f"Valid for {label}")
            action.setData(seconds)
        presign.triggered.connect(
            lambda action: self.copy_presigned_requested.emit(objects, int(action.data()))
        )
        menu.addSeparator()
        menu.addAction(
            icon("info"),
            "Properties",
            lambda: self.properties_requested.emit(single or (refs[0] if refs else None)),
        )
        return menu
