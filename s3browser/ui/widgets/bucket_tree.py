"""The bucket tree view: a click (or Enter) opens the bucket or folder in the table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTreeView, QWidget

from s3browser.ui.models.bucket_model import BucketTreeModel
from s3browser.ui.widgets.icons import icon


class BucketTree(QTreeView):
    location_selected = Signal(str, str)  # bucket, prefix
    bucket_properties_requested = Signal(str)
    copy_uri_requested = Signal(str)

    def __init__(self, model: BucketTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree_model = model
        self.setModel(model)
        self.setAccessibleName("Buckets and folders")
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAnimated(False)
        self.setExpandsOnDoubleClick(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(40)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.clicked.connect(self._open)
        self._target: tuple[str, str] | None = None
        # Revealing a location continues when the level it waits for arrives.
        model.rowsInserted.connect(lambda *_: QTimer.singleShot(0, self._reveal))

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            bucket, prefix = self.tree_model.location(index)
            self.location_selected.emit(bucket, prefix)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def show_location(self, bucket: str, prefix: str) -> None:
        """Select the node of the location, expanding its ancestors as they load.

        Only the ancestors are expanded (each costs one delimiter listing); the folder
        itself stays collapsed, so a huge folder is not listed twice.
        """
        self._target = (bucket, prefix) if bucket else None
        if self._target is None:
            self.clearSelection()
            return
        self._reveal()

    def _reveal(self) -> None:
        if self._target is None:
            return
        bucket, prefix = self._target
        index = self.tree_model.index_for(bucket, prefix)
        if not index.isValid():
            return  # the buckets are not listed yet: rowsInserted brings us back
        self.blockSignals(True)
        try:
            self.setCurrentIndex(index)
            self.scrollTo(index)
        finally:
            self.blockSignals(False)
        if self.tree_model.location(index)[1] == prefix:
            self._target = None
        elif not self.isExpanded(index):
            self.expand(index)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if index.isValid():
            bucket, prefix = self.tree_model.location(index)
            menu.addAction(
                icon("forward"), "Open", lambda: self.location_selected.emit(bucket, prefix)
            )
            menu.addAction(icon("refresh"), "Refresh", lambda: self.tree_model.refresh(index))
            menu.addAction(
                icon("copy"),
                "Copy S3 URI",
                lambda: self.copy_uri_requested.emit(f"s3://{bucket}/{prefix}"),
            )
            if not prefix:
                menu.addAction(
                    icon("info"),
                    "Bucket properties",
                    lambda: self.bucket_properties_requested.emit(bucket),
                )
        else:
            menu.addAction(icon("refresh"), "Refresh buckets", lambda: self.tree_model.refresh())
        menu.popup(self.viewport().mapToGlobal(pos))
