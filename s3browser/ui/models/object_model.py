"""The object table: one listing (or one search) fed page by page into a flat model.

Qt's lazy-model protocol drives the listing: ``canFetchMore`` says whether another
page may exist, ``fetchMore`` starts exactly one ListObjectsV2 call, and the page
arrives as one ``beginInsertRows`` batch. Only one fetch runs at a time; an error
clears the flag and stops the listing until :meth:`retry`, which resumes after the
last key instead of starting over. With ``auto_fetch`` the model asks for the next
page itself, so counts and sorting cover the whole folder without the user scrolling.

Rows live in a :class:`RowStore` (column arrays); the model keeps two index arrays,
the visible folders and the visible objects, in display order. Folders always come
first. Sorting and the type-to-filter box recompute those arrays in bulk: a
``QSortFilterProxyModel`` would call back into Python for every row and every
comparison, which on a few hundred thousand rows freezes the window for seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from array import array
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from s3browser.core.errors import S3BrowserError
from s3browser.core.models import ListingPage, S3Bucket, S3Object
from s3browser.ui.models.format import epoch_from_iso, human_size, local_time
from s3browser.ui.models.rows import (
    COL_CLASS,
    COL_ETAG,
    COL_MODIFIED,
    COL_NAME,
    COL_SIZE,
    COLUMN_TITLES,
    RowStore,
)
from s3browser.ui.tasks import Generation, TaskGroup

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex

KEY_ROLE = (
    Qt.ItemDataRole.UserRole + 1
)  # the full key (prefixes end in "/"); bucket name for buckets
BUCKET_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3  # "bucket", "folder" or "object"
SIZE_ROLE = Qt.ItemDataRole.UserRole + 4  # bytes, as an int

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True, slots=True)
class RowRef:
    """What a row stands for, for actions (open, copy URI, download, properties)."""

    kind: str  # "bucket", "folder" or "object"
    bucket: str
    key: str  # "" for a bucket; ends in "/" for a folder
    size: int = 0

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


class ObjectTableModel(QAbstractTableModel):
    """Buckets (at the root), a folder's listing, or search results."""

    page_loaded = Signal()  # rows were added (throttle what you do with it)
    listing_finished = Signal()  # the whole folder (or search) is in the model
    listing_failed = Signal(object)  # an S3BrowserError; retry() resumes
    busy_changed = Signal(bool)
    folders_listed = Signal(str, str, list)  # bucket, prefix, the folders' full prefixes
    about_to_reorder = Signal()  # before a sort or filter change rearranges every row

    def __init__(self, parent: Any = None, *, page_size: int | None = None) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self.auto_fetch = True
        self.mode = "empty"  # "empty", "root", "listing" or "search"
        self.bucket = ""
        self.prefix = ""
        self.multi_bucket = False
        self._store = RowStore()
        self._fvis: array[int] = array("i")
        self._ovis: array[int] = array("i")
        self._needle = ""
        self._sort_column = COL_NAME
        self._descending = False
        self._resort_pending = False
        self._tasks = TaskGroup("object-table")
        self._generation = Generation()
        self._session: Any = None
        self._pages: AsyncIterator[ListingPage] | None = None
        self._fetch_task: asyncio.Task[None] | None = None
        self._fetching = False
        self._exhausted = True
        self._error: S3BrowserError | None = None
        self._last_key = ""
        self._icons: dict[str, Any] = {}
        self.bucket_regions: dict[str, str] = {}

    # -- what is shown ---------------------------------------------------------------
    @property
    def store(self) -> RowStore:
        return self._store

    @property
    def object_count(self) -> int:
        return self._store.object_count

    @property
    def folder_count(self) -> int:
        return self._store.folder_count

    @property
    def total_size(self) -> int:
        return self._store.total_size

    @property
    def is_loading(self) -> bool:
        return self._fetching or (self.mode == "search" and self._fetch_task is not None)

    @property
    def is_complete(self) -> bool:
        return self._exhausted and self._error is None

    @property
    def error(self) -> S3BrowserError | None:
        return self._error

    # -- Qt model API ----------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._fvis) + len(self._ovis)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_TITLES)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMN_TITLES):
            if role == Qt.ItemDataRole.DisplayRole:
                if self.mode == "root":
                    return ("Bucket", "", "Created", "Region", "")[section]
                return COLUMN_TITLES[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == COL_SIZE:
                return _RIGHT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = index.row()
        col = index.column()
        nf = len(self._fvis)
        if row < nf:
            return self._folder_data(self._fvis[row], col, role)
        if row - nf >= len(self._ovis):
            return None
        return self._object_data(self._ovis[row - nf], col, role)

    def _folder_data(self, i: int, col: int, role: int) -> Any:
        store = self._store
        name = store.folder_names[i]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                return name
            if self.mode == "root":
                if col == COL_MODIFIED:
                    return local_time(store.folder_times[i])
                if col == COL_CLASS:
                    return self.bucket_regions.get(name, "")
            return ""
        if role == Qt.ItemDataRole.DecorationRole and col == COL_NAME:
            return self._icon("bucket" if self.mode == "root" else "folder")
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NAME:
            return (
                f"s3://{name}/"
                if self.mode == "root"
                else f"s3://{self.bucket}/{self.prefix}{name}"
            )
        if role == KEY_ROLE:
            return name if self.mode == "root" else self.prefix + name
        if role == BUCKET_ROLE:
            return name if self.mode == "root" else self.bucket
        if role == KIND_ROLE:
            return "bucket" if self.mode == "root" else "folder"
        if role == SIZE_ROLE:
            return 0
        return None

    def _object_data(self, i: int, col: int, role: int) -> Any:
        store = self._store
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_NAME:
                if self.multi_bucket:
                    return f"{store.bucket(i)}/{store.names[i]}"
                return store.names[i]
            if col == COL_SIZE:
                return human_size(store.sizes[i])
            if col == COL_MODIFIED:
                return local_time(store.mtimes[i])
            if col == COL_CLASS:
                return store.storage_class(i)
            if col == COL_ETAG:
                return store.etag(i)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_SIZE:
            return _RIGHT
        if role == Qt.ItemDataRole.DecorationRole and col == COL_NAME:
            return self._icon("file")
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_NAME:
                return f"s3://{store.bucket(i)}/{self._key(i)}"
            if col == COL_SIZE:
                return f"{store.sizes[i]:,} bytes"
            return None
        if role == KEY_ROLE:
            return self._key(i)
        if role == BUCKET_ROLE:
            return store.bucket(i)
        if role == KIND_ROLE:
            return "object"
        if role == SIZE_ROLE:
            return store.sizes[i]
        return None

    def _key(self, i: int) -> str:
        name = self._store.names[i]
        return name if self.multi_bucket else self.prefix + name

    def _icon(self, name: str) -> Any:
        icon = self._icons.get(name)
        if icon is None:
            from s3browser.ui.widgets.icons import icon as load_icon

            icon = self._icons[name] = load_icon(name)
        return icon

    def row_ref(self, row: int) -> RowRef | None:
        """The bucket, folder or object shown in ``row`` (a row of this model)."""
        nf = len(self._fvis)
        if 0 <= row < nf:
            name = self._store.folder_names[self._fvis[row]]
            if self.mode == "root":
                return RowRef("bucket", name, "")
            return RowRef("folder", self.bucket, self.prefix + name)
        if nf <= row < self.rowCount():
            i = self._ovis[row - nf]
            return RowRef("object", self._store.bucket(i), self._key(i), self._store.sizes[i])
        return None

    def row_of_key(self, bucket: str, key: str) -> int:
        """The row showing ``key`` of ``bucket`` (a folder key ends in "/"), or -1."""
        store = self._store
        if key.endswith("/") and self.mode == "listing" and key.startswith(self.prefix):
            name = key[len(self.prefix) :]
            for row, i in enumerate(self._fvis):
                if store.folder_names[i] == name:
                    return row
            return -1
        name = key if self.multi_bucket else key[len(self.prefix) :]
        for pos, i in enumerate(self._ovis):
            if store.names[i] == name and store.bucket(i) == bucket:
                return len(self._fvis) + pos
        return -1

    # -- lazy fetching ---------------------------------------------------------------
    def canFetchMore(self, parent: AnyIndex) -> bool:
        return (
            not parent.isValid()
            and self._pages is not None
            and not self._fetching
            and not self._exhausted
            and self._error is None
        )

    def fetchMore(self, parent: AnyIndex) -> None:
        """Start fetching exactly one listing page (if none is in flight)."""
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        self.busy_changed.emit(True)
        generation = self._generation.value
        self._fetch_task = self._tasks.start(
            self._fetch_page(generation), on_error=self._unexpected, name="list-page"
        )

    async def _fetch_page(self, generation: int) -> None:
        pages = self._pages
        if pages is None:
            return
        try:
            page = await anext(pages)
        except StopAsyncIteration:
            page = None
        except S3BrowserError as err:
            if self._generation.is_current(generation):
                self._fetching = False
                self._fetch_task = None
                self._error = err
                self.busy_changed.emit(False)
                self.listing_failed.emit(err)
            return
        except asyncio.CancelledError:
            raise
        if not self._generation.is_current(generation):
            return
        # Still "fetching" while rows go in: a view reacting to the insert must not
        # start a second fetch (or one past the last page).
        if page is not None:
            self._add_page(page)
            if page.is_last:
                self._exhausted = True
        else:
            self._exhausted = True
        self._fetching = False
        self._fetch_task = None
        if self._exhausted:
            self._pages = None
            self._finish()
        elif self.auto_fetch:
            self.fetchMore(QModelIndex())
        else:
            self.busy_changed.emit(False)

    def _unexpected(self, exc: BaseException) -> None:
        """A bug, not an S3 error: log it with its traceback, show one sentence."""
        log.error("listing failed unexpectedly", exc_info=exc)
        self._fetching = False
        self._fetch_task = None
        self._error = S3BrowserError(
            "The listing stopped because of an internal error: see the log."
        )
        self.busy_changed.emit(False)
        self.listing_failed.emit(self._error)

    def _finish(self) -> None:
        self._fetch_task = None
        if self._resort_pending:
            self._resort_pending = False
            self._apply_order()
        self.busy_changed.emit(False)
        self.listing_finished.emit()

    def _add_page(self, page: ListingPage) -> None:
        cut = len(self.prefix)
        folders = [p.prefix[cut:] for p in page.prefixes]
        self._add_rows(folders, page.objects, cut)
        if page.prefixes:
            self.folders_listed.emit(self.bucket, self.prefix, [p.prefix for p in page.prefixes])
        if page.prefixes or page.objects:
            last_folder = page.prefixes[-1].prefix if page.prefixes else ""
            last_object = page.objects[-1].key if page.objects else ""
            self._last_key = max(self._last_key, last_folder, last_object)

    def _add_rows(self, folders: list[str], objects: list[S3Object], cut: int) -> None:
        """Append to the store and insert the visible part: at most two row batches."""
        store = self._store
        f_start = store.folder_count
        o_start = store.object_count
        store.add_folders(folders)
        store.add_objects(objects, cut)
        natural = self._sort_column == COL_NAME
        if folders:
            new = store.folder_order(self._needle, self._descending, f_start)
            if new:
                first = 0 if self._descending else len(self._fvis)
                self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
                self._fvis[first:first] = new
                self.endInsertRows()
        if objects:
            # Keys arrive in name order: in the name sort a page lands in one block.
            # In any other sort it is appended and put in place when the listing ends.
            column = self._sort_column if natural else COL_NAME
            new = store.object_order(self._needle, column, self._descending and natural, o_start)
            if new:
                at = 0 if (natural and self._descending) else len(self._ovis)
                first = len(self._fvis) + at
                self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
                self._ovis[at:at] = new
                self.endInsertRows()
                if not natural:
                    self._resort_pending = True
        self.page_loaded.emit()

    # -- starting and stopping -------------------------------------------------------
    def _reset(self, mode: str) -> int:
        """Forget everything shown and drop any answer still on its way."""
        generation = self._generation.next()
        if self._fetch_task is not None:
            self._fetch_task.cancel()  # closes the page iterator it is awaiting
        elif self._pages is not None:
            pages = self._pages
            aclose = getattr(pages, "aclose", None)
            if aclose is not None:
                self._tasks.start(aclose(), name="close-listing")
        was_busy = self._fetching or self._fetch_task is not None
        self._pages = None
        self._fetch_task = None
        self._fetching = False
        self._exhausted = True
        self._error = None
        self._last_key = ""
        self._resort_pending = False
        self.beginResetModel()
        self.mode = mode
        self._store = RowStore()
        self._fvis = array("i")
        self._ovis = array("i")
        self.endResetModel()
        if was_busy:
            self.busy_changed.emit(False)
        return generation

    def clear(self) -> None:
        self._reset("empty")
        self.bucket = ""
        self.prefix = ""
        self.multi_bucket = False

    def show_buckets(self, buckets: list[S3Bucket]) -> None:
        """The root: every bucket as a folder-like row."""
        self._reset("root")
        self.bucket = ""
        self.prefix = ""
        self.multi_bucket = False
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMN_TITLES) - 1)
        for b in buckets:
            if b.region:
                self.bucket_regions[b.name] = b.region
        self._store.add_folders(
            [b.name for b in buckets], [epoch_from_iso(b.creation_date) for b in buckets]
        )
        self._apply_order()
        self.listing_finished.emit()

    def set_bucket_region(self, bucket: str, region: str) -> None:
        self.bucket_regions[bucket] = region
        if self.mode == "root":
            for row, i in enumerate(self._fvis):
                if self._store.folder_names[i] == bucket:
                    index = self.index(row, COL_CLASS)
                    self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
                    break

    def start_listing(self, session: Any, bucket: str, prefix: str) -> None:
        """Show the folder ``prefix`` of ``bucket``; pages arrive through fetchMore."""
        was_root = self.mode == "root"
        self._reset("listing")
        self.bucket = bucket
        self.prefix = prefix
        self.multi_bucket = False
        self._session = session
        self._pages = session.iter_pages(bucket, prefix, page_size=self.page_size)
        self._exhausted = False
        if was_root:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMN_TITLES) - 1)
        self.fetchMore(QModelIndex())

    def retry(self) -> None:
        """Resume a listing that failed, after the last key that arrived."""
        if self.mode != "listing" or self._error is None or self._session is None:
            return
        from s3browser.core import listing

        self._error = None
        self._pages = listing.iter_pages(
            self._session.pool,
            self.bucket,
            self.prefix,
            delimiter="/",
            page_size=self.page_size,
            start_after=self._last_key or None,
        )
        self._exhausted = False
        self.fetchMore(QModelIndex())

    def start_search(
        self,
        session: Any,
        query: Any,
        on_error: Callable[[str, S3BrowserError], None] | None = None,
    ) -> None:
        """Stream the results of a server-side search into the table."""
        self._reset("search")
        self.bucket = query.bucket or ""
        self.prefix = query.prefix if query.bucket else ""
        self.multi_bucket = not query.bucket
        self._session = session
        self._exhausted = False
        self._fetching = True
        self.busy_changed.emit(True)
        generation = self._generation.value
        self._fetch_task = self._tasks.start(
            self._run_search(generation, session.search(query, on_error=on_error)),
            on_error=self._unexpected,
            name="search",
        )

    async def _run_search(self, generation: int, results: AsyncIterator[S3Object]) -> None:
        batch: list[S3Object] = []
        last_flush = time.monotonic()
        cut = len(self.prefix)
        try:
            async for obj in results:
                batch.append(obj)
                now = time.monotonic()
                if len(batch) >= 1000 or now - last_flush > 0.1:
                    self._add_rows([], batch, cut)
                    batch = []
                    last_flush = now
        except S3BrowserError as err:
            if self._generation.is_current(generation):
                if batch:
                    self._add_rows([], batch, cut)
                self._fetching = False
                self._fetch_task = None
                self._error = err
                self._exhausted = True
                self.busy_changed.emit(False)
                self.listing_failed.emit(err)
            return
        finally:
            aclose = getattr(results, "aclose", None)
            if aclose is not None:
                await aclose()
        if not self._generation.is_current(generation):
            return
        if batch:
            self._add_rows([], batch, cut)
        self._fetching = False
        self._exhausted = True
        self._finish()

    def stop(self) -> None:
        """Stop a running search (or listing) and keep what has arrived."""
        task = self._fetch_task
        if task is None:
            return
        self._generation.next()
        task.cancel()
        self._fetch_task = None
        self._fetching = False
        self._pages = None
        self._exhausted = True
        self._error = None
        if self._resort_pending:
            self._resort_pending = False
            self._apply_order()
        self.busy_changed.emit(False)
        self.listing_finished.emit()

    async def close(self) -> None:
        """Cancel every request and close the listing (on window close)."""
        self._generation.next()
        pages, self._pages = self._pages, None
        await self._tasks.close()
        aclose = getattr(pages, "aclose", None)
        if aclose is not None:
            try:
                await aclose()
            except Exception:  # already closed by the cancellation, or failed
                log.debug("closing the listing failed", exc_info=True)

    # -- sorting and filtering ---------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        column = column if 0 <= column < len(COLUMN_TITLES) else COL_NAME
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self._sort_column, self._descending):
            return
        self._sort_column = column
        self._descending = descending
        self._apply_order()

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def filter_text(self) -> str:
        return self._needle

    def set_filter_text(self, text: str) -> None:
        """Show only rows whose name contains ``text`` (ignoring case)."""
        needle = text.casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self._apply_order()

    def _folder_order(self) -> array[int]:
        """Folders in name order; buckets (the root) also by creation time or region."""
        store = self._store
        column = self._sort_column
        if self.mode == "root" and column in (COL_MODIFIED, COL_CLASS):
            times, names, regions = store.folder_times, store.folder_names, self.bucket_regions
            key = (
                times.__getitem__
                if column == COL_MODIFIED
                else (lambda i: regions.get(names[i], ""))
            )
            picked = sorted(
                store.folder_order(self._needle, False), key=key, reverse=self._descending
            )
            return array("i", picked)
        return store.folder_order(self._needle, self._descending and column == COL_NAME)

    def _apply_order(self) -> None:
        """Recompute which rows show and in what order, as one layout change."""
        self.about_to_reorder.emit()
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        # Where each selected/current row's item lives: (is_folder, store index).
        nf = len(self._fvis)
        items = [
            (i.row() < nf, self._fvis[i.row()] if i.row() < nf else self._ovis[i.row() - nf])
            if 0 <= i.row() < self.rowCount()
            else None
            for i in old
        ]
        store = self._store
        self._fvis = self._folder_order()
        self._ovis = store.object_order(self._needle, self._sort_column, self._descending)
        if old:
            wanted_f = {ix for item in items if item and item[0] for ix in (item[1],)}
            wanted_o = {ix for item in items if item and not item[0] for ix in (item[1],)}
            f_rows = {ix: r for r, ix in enumerate(self._fvis) if ix in wanted_f}
            nf = len(self._fvis)
            o_rows = {ix: nf + r for r, ix in enumerate(self._ovis) if ix in wanted_o}
            new_indexes = []
            for item, index in zip(items, old, strict=True):
                row = -1
                if item is not None:
                    row = (f_rows if item[0] else o_rows).get(item[1], -1)
                new_indexes.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
            self.changePersistentIndexList(old, new_indexes)
        self.layoutChanged.emit()
