"""The proxy between the object table view and its model.

Views, selections and actions talk to this proxy, so the way rows are ordered and
filtered can change without touching them. It does not sort or filter row by row:
``QSortFilterProxyModel`` would call ``lessThan``/``data`` in Python for every
comparison and every row, seconds of frozen window on a 200,000-key folder. Instead
it hands the request to the source model, which reorders its index arrays in bulk
and reports one layout change; the proxy's own mapping stays the identity.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from s3browser.ui.models.object_model import ObjectTableModel, RowRef


class ObjectSortProxy(QSortFilterProxyModel):
    """Sorting (header clicks) and type-to-filter, delegated to :class:`ObjectTableModel`."""

    def __init__(self, source: ObjectTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(False)
        self.setSourceModel(source)
        self._source = source

    @property
    def source(self) -> ObjectTableModel:
        return self._source

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)

    def set_filter_text(self, text: str) -> None:
        """Show only names containing ``text``, ignoring case."""
        self._source.set_filter_text(text)

    def row_ref(self, row: int) -> RowRef | None:
        source = self.mapToSource(self.index(row, 0))
        return self._source.row_ref(source.row()) if source.isValid() else None

    def row_of_key(self, bucket: str, key: str) -> int:
        row = self._source.row_of_key(bucket, key)
        if row < 0:
            return -1
        return self.mapFromSource(self._source.index(row, 0)).row()

    def canFetchMore(self, parent: QModelIndex) -> bool:  # type: ignore[override]
        return self._source.canFetchMore(self.mapToSource(parent))

    def fetchMore(self, parent: QModelIndex) -> None:  # type: ignore[override]
        self._source.fetchMore(self.mapToSource(parent))
