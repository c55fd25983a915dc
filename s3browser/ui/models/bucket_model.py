"""The bucket tree: buckets at the top, folders below them, each level listed lazily.

A level is listed when the view first asks for it (``fetchMore`` on expansion), with
the delimiter, keeping only the common prefixes. A folder holding hundreds of
thousands of keys and no sub-folders would otherwise cost hundreds of requests just to
learn it has no children, so a level stops after :data:`MAX_FOLDER_PAGES` pages; the
object table lists the rest when the folder is opened.

Bucket regions come from the bucket listing when the server includes them, otherwise
from one HeadBucket per bucket, in the background, one at a time.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from s3browser.core.errors import S3BrowserError
from s3browser.core.models import S3Bucket
from s3browser.ui.tasks import Generation, TaskGroup

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
MAX_FOLDER_PAGES = 10

UNLOADED, LOADING, LOADED, FAILED = range(4)
BUCKET_ROLE = Qt.ItemDataRole.UserRole + 2
PREFIX_ROLE = Qt.ItemDataRole.UserRole + 5


class _Node:
    """One bucket or folder; ``prefix`` is "" for a bucket and ends in "/" for a folder."""

    __slots__ = (
        "bucket",
        "children",
        "error",
        "name",
        "parent",
        "partial",
        "prefix",
        "region",
        "row",
        "state",
        "token",
    )

    def __init__(self, parent: _Node | None, row: int, bucket: str, prefix: str, name: str) -> None:
        self.parent = parent
        self.row = row
        self.bucket = bucket
        self.prefix = prefix
        self.name = name
        self.children: list[_Node] = []
        self.state = UNLOADED
        self.region = ""
        self.error = ""
        self.token = 0  # bumped by a refresh: an older listing of this level stops
        self.partial = False  # the level stopped at MAX_FOLDER_PAGES: more folders may exist

    @property
    def is_root(self) -> bool:
        return self.parent is None


class BucketTreeModel(QAbstractItemModel):
    """Lazy tree of buckets and folders for one S3 session."""

    buckets_loaded = Signal(list)  # list[S3Bucket]
    region_found = Signal(str, str)  # bucket, region
    load_failed = Signal(object)  # S3BrowserError

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node(None, 0, "", "", "")
        self._session: Any = None
        self._tasks = TaskGroup("bucket-tree")
        self._generation = Generation()
        self.buckets: list[S3Bucket] = []
        self.page_size: int | None = None  # keys per folder-listing page (None: the core's)

    # -- session -------------------------------------------------------------------
    def set_session(self, session: Any) -> None:
        """Show the buckets of ``session`` (None: show nothing)."""
        self._generation.next()
        self._tasks.cancel_all()
        self.beginResetModel()
        self._session = session
        self._root = _Node(None, 0, "", "", "")
        self.buckets = []
        self.endResetModel()
        if session is not None:
            self.fetchMore(QModelIndex())

    @property
    def root_loaded(self) -> bool:
        """True once the bucket list has arrived (or failed): "loading" is over."""
        return self._root.state in (LOADED, FAILED)

    def refresh(self, index: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        """List a level again (the root: all buckets); its sub-levels are forgotten."""
        if not index.isValid():
            self.set_session(self._session)
            return
        node = self._node(index)
        if node.children:
            self.beginRemoveRows(self._index_of(node), 0, len(node.children) - 1)
            node.children = []
            self.endRemoveRows()
        node.state = UNLOADED
        node.error = ""
        node.token += 1
        self.fetchMore(index)

    def merge_folders(self, bucket: str, prefix: str, prefixes: list[str]) -> None:
        """Folders the object table found in ``bucket``/``prefix``.

        Only used for a level this model stopped listing early (``partial``): the
        table lists the whole folder anyway, so the tree gets the rest for free.
        """
        index = self.index_for(bucket, prefix)
        node = self._node(index)
        if not index.isValid() or node.prefix != prefix or not node.partial:
            return
        known = {child.prefix for child in node.children}
        cut = len(prefix)
        start = len(node.children)
        new = [p for p in prefixes if p not in known]
        self._append(
            node,
            [_Node(node, start + i, bucket, p, p[cut:].rstrip("/")) for i, p in enumerate(new)],
        )

    def retry_failed(self) -> None:
        """List again every level whose listing failed (the bucket list included)."""
        if self._root.state == FAILED:
            self.refresh()
            return
        stack = list(self._root.children)
        while stack:
            node = stack.pop()
            if node.state == FAILED:
                self.refresh(self._index_of(node))
            stack.extend(node.children)

    async def close(self) -> None:
        self._generation.next()
        await self._tasks.close()

    # -- lookups ---------------------------------------------------------------------
    def _node(self, index: AnyIndex) -> _Node:
        if not index.isValid():
            return self._root
        node: _Node = index.internalPointer()
        return node

    def _index_of(self, node: _Node, column: int = 0) -> QModelIndex:
        if node.is_root:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def index_for(self, bucket: str, prefix: str = "") -> QModelIndex:
        """The deepest loaded node on the way to ``bucket``/``prefix``."""
        node = next((b for b in self._root.children if b.bucket == bucket), None)
        if node is None:
            return QModelIndex()
        while prefix and node is not None:
            child = next((c for c in node.children if prefix.startswith(c.prefix)), None)
            if child is None:
                break
            node = child
        return self._index_of(node)

    def location(self, index: AnyIndex) -> tuple[str, str]:
        node = self._node(index)
        return node.bucket, node.prefix

    # -- Qt model API ----------------------------------------------------------------
    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if 0 <= row < len(node.children) and 0 <= column < 2:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node.is_root:
            return QModelIndex()
        return self._index_of(node)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 2

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return False
        node = self._node(parent)
        if node.children:
            return True
        return node.state in (UNLOADED, LOADING) and (node.is_root or self._session is not None)

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() and parent.column() != 0:
            return False
        return self._session is not None and self._node(parent).state == UNLOADED

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._node(parent)
        node.state = LOADING
        generation = self._generation.value
        token = node.token
        coro = (
            self._load_buckets(generation)
            if node.is_root
            else self._load_folders(node, generation, token)
        )
        self._tasks.start(coro, on_error=lambda exc: self._failed(node, generation, token, exc))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Buckets", "Region")[section] if 0 <= section < 2 else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return node.name
            return node.region if not node.prefix else None
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            from s3browser.ui.widgets.icons import icon

            return icon("bucket" if not node.prefix else "folder")
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"s3://{node.bucket}/{node.prefix}"
            if node.error:
                return f"{where}\n{node.error}"
            lines = [where]
            if not node.prefix and node.region:
                lines.append(f"Region: {node.region}")
            if node.partial:
                lines.append("More folders may exist: open this folder to list them all.")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.ForegroundRole and (node.error or col == 1):
            return QApplication.palette().brush(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.FontRole and node.error and col == 0:
            font = QFont()
            font.setItalic(True)
            return font
        if role == BUCKET_ROLE:
            return node.bucket
        if role == PREFIX_ROLE:
            return node.prefix
        return None

    # -- loading ---------------------------------------------------------------------
    def _failed(self, node: _Node, generation: int, token: int, exc: BaseException) -> None:
        if not self._generation.is_current(generation) or node.token != token:
            return
        if isinstance(exc, S3BrowserError):
            err = exc
        else:
            log.error("loading the bucket tree failed", exc_info=exc)
            err = S3BrowserError(
                "Loading the folders failed because of an internal error: see the log."
            )
        node.state = FAILED
        node.error = str(err)
        if not node.is_root:
            index = self._index_of(node)
            self.dataChanged.emit(index, self._index_of(node, 1))
        self.load_failed.emit(err)

    def _append(self, node: _Node, children: list[_Node]) -> None:
        if not children:
            return
        first = len(node.children)
        self.beginInsertRows(self._index_of(node), first, first + len(children) - 1)
        node.children.extend(children)
        self.endInsertRows()

    async def _load_buckets(self, generation: int) -> None:
        session = self._session
        buckets: list[S3Bucket] = await session.list_buckets()
        if not self._generation.is_current(generation):
            return
        root = self._root
        root.state = LOADED
        self.buckets = buckets
        nodes = []
        for row, b in enumerate(buckets):
            node = _Node(root, row, b.name, "", b.name)
            node.region = b.region
            nodes.append(node)
        self._append(root, nodes)
        self.buckets_loaded.emit(buckets)
        for node in nodes:
            if node.region:
                continue
            try:
                region = await session.bucket_region(node.bucket)
            except S3BrowserError as err:
                log.info("region of %s unknown: %s", node.bucket, err)
                region = "unknown"
            if not self._generation.is_current(generation):
                return
            node.region = region
            index = self._index_of(node, 1)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
            self.region_found.emit(node.bucket, region)

    async def _load_folders(self, node: _Node, generation: int, token: int) -> None:
        pages = self._session.iter_pages(node.bucket, node.prefix, page_size=self.page_size)
        try:
            count = 0
            async for page in pages:
                if not self._generation.is_current(generation) or node.token != token:
                    return
                cut = len(node.prefix)
                start = len(node.children)
                children = [
                    _Node(node, start + i, node.bucket, p.prefix, p.prefix[cut:].rstrip("/"))
                    for i, p in enumerate(page.prefixes)
                ]
                self._append(node, children)
                count += 1
                if count >= MAX_FOLDER_PAGES and not page.is_last:
                    node.partial = True
                    break
        finally:
            await pages.aclose()
        if self._generation.is_current(generation) and node.token == token:
            node.state = LOADED
            if not node.children:
                # The expander arrow goes away: there is nothing below.
                self.layoutAboutToBeChanged.emit()
                self.layoutChanged.emit()
