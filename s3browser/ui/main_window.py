"""The main window: bucket tree, path bar, search bar, object table, details dock.

The window wires widgets to models and models to the core. It owns the current
connection (an :class:`S3Session` opened in an ``AsyncExitStack``), the location and
the history; every S3 call runs as a task of a :class:`TaskGroup`, so closing the
window cancels and awaits all of them before the session closes.

Hooks for other parts of the app:

- :meth:`set_connection` (settings, a seed credentials dict, or an open session):
  the connect dialog / profile switcher calls it.
- :attr:`download_requested` (a list of :class:`RowRef`): the transfers work wires it.
- :attr:`connect_requested`: the File > Connect… menu item; the credentials work wires it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import AsyncExitStack
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.errors import (
    AuthenticationError,
    ClockSkewError,
    InvalidInputError,
    S3BrowserError,
)
from s3browser.core.s3url import S3Location, parse_s3_url
from s3browser.ui.models.bucket_model import BucketTreeModel
from s3browser.ui.models.format import human_size
from s3browser.ui.models.history import History
from s3browser.ui.models.object_model import ObjectTableModel, RowRef
from s3browser.ui.models.sort_proxy import ObjectSortProxy
from s3browser.ui.tasks import Generation, TaskGroup
from s3browser.ui.widgets.bucket_tree import BucketTree
from s3browser.ui.widgets.details_format import LISTING_FAILED
from s3browser.ui.widgets.details_pane import DetailsPane
from s3browser.ui.widgets.error_banner import ErrorBanner
from s3browser.ui.widgets.icons import app_icon, icon
from s3browser.ui.widgets.object_table import ObjectTable
from s3browser.ui.widgets.path_bar import PathBar
from s3browser.ui.widgets.search_bar import SearchBar
from s3browser.ui.widgets.status import StatusBar

log = logging.getLogger(__name__)

APP_NAME = "s3browser"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


class MainWindow(QMainWindow):
    download_requested = Signal(list)  # list[RowRef]
    connect_requested = Signal()
    credentials_rejected = Signal(str)  # expired or refused credentials: offer to reconnect
    location_changed = Signal(str)  # the s3:// URI now shown
    closed = Signal()

    def __init__(self, settings: QSettings | None = None, *, defer_transfers: bool = False) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.settings = settings or QSettings(APP_NAME, APP_NAME)
        self.session: Any = None
        self._conn_stack: AsyncExitStack | None = None
        self._tasks = TaskGroup("main-window")
        self._connection = Generation()
        self.history = History()
        self._location = S3Location("")
        self._pending_select: tuple[str, str] | None = None
        self._search_skipped: list[str] = []
        self._activity = ""
        self._retries = 0  # botocore retries on this connection (ClientPool.on_retry)
        self._build()
        self._build_menus()
        self._connect_signals()
        # Issue 5: the Transfers dock, Download, drag-out. The app installs it right after
        # the first paint (install_transfers): its modules cost ~0.15 s of start-up.
        self.transfers: Any = None
        self._settings_restored = False
        if not defer_transfers:
            self.install_transfers()
        self._restore_settings()
        self._update_navigation()
        self._refresh_status()

    def install_transfers(self) -> Any:
        """Create the transfers controller (once); its dock takes its saved place."""
        if self.transfers is None:
            from s3browser.ui.transfers_wiring import install_transfers

            late = self._settings_restored
            self.transfers = install_transfers(self)
            state = self.settings.value("window/state")
            if late and isinstance(state, QByteArray):
                # The saved layout was restored before this dock existed: apply it again
                # so the dock returns where the user left it (the others stay put).
                self.restoreState(state)
            if self.session is not None:
                self.transfers.set_session(self.session)
        return self.transfers

    # -- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        self.tree_model = BucketTreeModel(self)
        self.object_model = ObjectTableModel(self)
        self.proxy = ObjectSortProxy(self.object_model, self)
        self.path_bar = PathBar(self)
        self.search_bar = SearchBar(self)
        self.banner = ErrorBanner(self)
        self.tree = BucketTree(self.tree_model, self)
        self.table = ObjectTable(self.proxy, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([290, 900])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.path_bar)
        layout.addWidget(self.search_bar)
        banner_box = QWidget(central)
        banner_layout = QVBoxLayout(banner_box)
        banner_layout.setContentsMargins(6, 0, 6, 4)
        banner_layout.addWidget(self.banner)
        layout.addWidget(banner_box)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.details = DetailsPane(self)
        self.details_dock = QDockWidget("Details", self)
        self.details_dock.setObjectName("detailsDock")
        self.details_dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)
        self.details_dock.setMinimumWidth(240)
        self.resizeDocks([self.details_dock], [320], Qt.Orientation.Horizontal)
        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(100)  # at most ten status refreshes a second
        self._status_timer.timeout.connect(self._status_tick)
        self._details_timer = QTimer(self)
        self._details_timer.setSingleShot(True)
        self._details_timer.setInterval(120)  # keyboard scrolling: ask for the row it stops on
        self._details_timer.timeout.connect(self._update_details)
        self._details_refreshed = 0.0
        self._filter_text = ""
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.table.setFocus()

    def _action(self, text: str, shortcut: Any, slot: Any, name: str = "") -> QAction:
        action = QAction(text, self)
        if name:
            action.setIcon(icon(name))
        if shortcut:
            if isinstance(shortcut, list | tuple):
                action.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.connect_action = self._action(
            "&Connect…", "Ctrl+Shift+O", self.connect_requested.emit, "connect"
        )
        file_menu.addAction(self.connect_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", QKeySequence.StandardKey.Quit, self.close))
        go = bar.addMenu("&Go")
        self.back_action = self._action("&Back", "Alt+Left", self.go_back, "back")
        self.forward_action = self._action("&Forward", "Alt+Right", self.go_forward, "forward")
        self.up_action = self._action("&Up", "Alt+Up", self.go_up, "up")
        self.root_action = self._action(
            "All &buckets", "Alt+Home", lambda: self.go(S3Location("")), "home"
        )
        self.location_action = self._action("&Location…", "Ctrl+L", self.path_bar.start_editing)
        self.refresh_action = self._action("&Refresh", "F5", self.refresh, "refresh")
        self.find_action = self._action("&Search…", "Ctrl+F", self.search_bar.focus, "search")
        for action in (
            self.back_action,
            self.forward_action,
            self.up_action,
            self.root_action,
            None,
            self.location_action,
            self.find_action,
            self.refresh_action,
        ):
            if action is None:
                go.addSeparator()
            else:
                go.addAction(action)
        view = bar.addMenu("&View")
        toggle = self.details_dock.toggleViewAction()
        toggle.setShortcut(QKeySequence("F9"))
        view.addAction(toggle)
        view.addAction(self._action("Focus &bucket tree", "Ctrl+1", lambda: self.tree.setFocus()))
        view.addAction(self._action("Focus &object table", "Ctrl+2", lambda: self.table.setFocus()))
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About s3browser", None, self._about))

    def _connect_signals(self) -> None:
        self.path_bar.location_entered.connect(self.go_to_text)
        self.path_bar.crumb_clicked.connect(self.go)
        self.path_bar.back_clicked.connect(self.go_back)
        self.path_bar.forward_clicked.connect(self.go_forward)
        self.path_bar.up_clicked.connect(self.go_up)
        self.path_bar.refresh_clicked.connect(self.refresh)
        self.search_bar.filter_changed.connect(self._filter_changed)
        self.search_bar.search_requested.connect(self.start_search)
        self.search_bar.stop_requested.connect(self.stop_search)
        self.search_bar.results_wanted.connect(self._focus_table)
        self.tree.location_selected.connect(lambda b, p: self.go(S3Location(b, p)))
        self.tree.copy_uri_requested.connect(lambda uri: self._copy_text([uri], "S3 URI"))
        self.tree.bucket_properties_requested.connect(self._bucket_properties)
        self.tree_model.buckets_loaded.connect(self._buckets_loaded)
        self.tree_model.region_found.connect(self._region_found)
        self.tree_model.load_failed.connect(
            lambda err: self.show_error(str(err), self.tree_model.retry_failed)
        )
        self.tree_model.load_failed.connect(self._check_credentials)
        self.table.open_requested.connect(self.open_ref)
        self.table.up_requested.connect(self.go_up)
        self.table.download_requested.connect(self.download_requested)
        self.table.copy_uri_requested.connect(
            lambda refs: self._copy_text([r.uri for r in refs], "S3 URI")
        )
        self.table.copy_https_requested.connect(self._copy_https)
        self.table.copy_presigned_requested.connect(self._copy_presigned)
        self.table.properties_requested.connect(self.show_properties)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._details_timer.start())
        self.object_model.page_loaded.connect(self._page_loaded)
        self.object_model.folders_listed.connect(self.tree_model.merge_folders)
        self.object_model.busy_changed.connect(self._busy_changed)
        self.object_model.listing_finished.connect(self._listing_finished)
        self.object_model.listing_failed.connect(self._listing_failed)
        self.object_model.modelReset.connect(self._update_placeholder)
        self.object_model.layoutChanged.connect(self._status_changed)

    # -- connection ------------------------------------------------------------------
    def set_connection(self, target: Any, location: str | None = None) -> asyncio.Task[None]:
        """Connect to ``target`` (ConnectionSettings, a seed credentials dict or an open
        S3Session, which the caller keeps owning) and show ``location`` or the buckets."""
        return self._tasks.start(self.open_connection(target, location), on_error=self._task_failed)

    async def open_connection(self, target: Any, location: str | None = None) -> None:
        from s3browser.core.session import S3Session

        generation = self._connection.next()
        self.set_activity("Connecting…", busy=True)
        await self._disconnect()
        if isinstance(target, S3Session):
            session = target
        else:
            stack = AsyncExitStack()
            try:
                session = await stack.enter_async_context(S3Session(target))
            except BaseException:
                await stack.aclose()
                raise
            self._conn_stack = stack
        if not self._connection.is_current(generation):
            return
        self.session = session
        self._retries = 0
        pool = getattr(session, "pool", None)
        if pool is not None:
            pool.on_retry = self._retried  # shown by the throttled status refresh
        self.tree_model.set_session(session)
        self.details.set_session(session)
        if self.transfers is not None:
            self.transfers.set_session(session)
        self.status.set_connection("identity: checking…", session.endpoint_label, session.region)
        self._tasks.start(self._identify(session, generation), on_error=self._task_failed)
        self.set_activity("", busy=False)
        start = S3Location("")
        if location:
            try:
                start = parse_s3_url(location, require_bucket=False)
            except InvalidInputError as err:
                self.show_error(str(err))
        self.go(start)

    async def _identify(self, session: Any, generation: int) -> None:
        try:
            identity = await session.identify()
        except S3BrowserError as err:
            if self._connection.is_current(generation):
                self._check_credentials(err)
                self.status.identity.setText("identity: unknown")
                self.show_error(
                    str(err),
                    lambda: self._tasks.start(
                        self._identify(session, generation), on_error=self._task_failed
                    ),
                )
            return
        if self._connection.is_current(generation):
            self.status.identity.setText(identity.label)
            self.status.identity.setToolTip(f"Who the endpoint says you are: {identity.label}")

    async def _disconnect(self) -> None:
        self.stop_search()
        self.object_model.clear()
        self.tree_model.set_session(None)
        self.details.set_session(None)
        if self.transfers is not None:
            self.transfers.set_session(None)
        self.session = None
        self._retries = 0
        self.status.set_retries(0)
        stack, self._conn_stack = self._conn_stack, None
        if stack is not None:
            await stack.aclose()

    async def shutdown(self) -> None:
        """Cancel every request and close the connection (before the loop ends)."""
        self._connection.next()
        self._status_timer.stop()
        self._details_timer.stop()
        await self.object_model.close()
        await self.tree_model.close()
        await self.details.aclose()
        if self.transfers is not None:
            await self.transfers.aclose()
        await self._tasks.close()
        await self._disconnect()

    # -- navigation ------------------------------------------------------------------
    @property
    def location(self) -> S3Location:
        return self._location

    def go_to_text(self, text: str) -> None:
        try:
            location = parse_s3_url(text, require_bucket=False)
        except InvalidInputError as err:
            self.show_error(str(err))
            self.path_bar.edit.setToolTip(str(err))
            return
        self.path_bar.edit.setToolTip("")
        self.go(location)
        self.table.setFocus()

    def go(self, location: S3Location, *, record: bool = True) -> None:
        """Show ``location``: the bucket list, a folder, or an object's folder (selected)."""
        if location.bucket and not location.is_prefix:
            self._pending_select = (location.bucket, location.key)
            location = location.parent()
        else:
            self._pending_select = None
        if record:
            self.history.visit(location)
        self._location = location
        self.banner.dismiss()
        self.search_bar.set_searching(False)
        self.search_bar.set_count("")
        self._clear_filter()
        self.path_bar.set_location(location)
        self.setWindowTitle(f"{location.uri()} — {APP_NAME}")
        self.tree.show_location(location.bucket, location.key)
        self._update_navigation()
        self._start_listing()
        self.location_changed.emit(location.uri())

    def _start_listing(self) -> None:
        location = self._location
        if self.session is None:
            self.object_model.clear()
        elif not location.bucket:
            self.object_model.show_buckets(self.tree_model.buckets)
            for bucket, region in self._known_regions().items():
                self.object_model.set_bucket_region(bucket, region)
        else:
            self.object_model.start_listing(self.session, location.bucket, location.key)
        self.status.set_region(self._region_of(location.bucket))
        self._update_placeholder()
        self._status_changed()
        self._update_details()

    def _update_navigation(self) -> None:
        can_up = bool(self._location.bucket)
        self.path_bar.set_history_state(self.history.can_back(), self.history.can_forward(), can_up)
        self.back_action.setEnabled(self.history.can_back())
        self.forward_action.setEnabled(self.history.can_forward())
        self.up_action.setEnabled(can_up)

    def go_back(self) -> None:
        location = self.history.back()
        if location is not None:
            self.go(location, record=False)

    def go_forward(self) -> None:
        location = self.history.forward()
        if location is not None:
            self.go(location, record=False)

    def go_up(self) -> None:
        """Backspace: the enclosing folder, with the folder we came from selected."""
        child = self._location
        if not child.bucket:
            return
        self.go(child.parent())
        if child.key:
            self._pending_select = (child.bucket, child.key)
        else:
            self._select_bucket_row(child.bucket)

    def _select_bucket_row(self, bucket: str) -> None:
        for row in range(self.proxy.rowCount()):
            ref = self.proxy.row_ref(row)
            if ref is not None and ref.kind == "bucket" and ref.bucket == bucket:
                self.table.select_row(row)
                return

    def refresh(self) -> None:
        """F5: list the current place again (at the root: the buckets too)."""
        if self.session is None:
            return
        if not self._location.bucket:
            self.tree_model.refresh()
        else:
            index = self.tree_model.index_for(self._location.bucket, self._location.key)
            bucket, prefix = self.tree_model.location(index)
            if index.isValid() and (bucket, prefix) == (self._location.bucket, self._location.key):
                self.tree_model.refresh(index)
        self.go(self._location, record=False)

    def open_ref(self, ref: RowRef) -> None:
        """Enter / double-click: open a bucket or folder; a search result opens its folder."""
        if ref.kind == "bucket":
            self.go(S3Location(ref.bucket))
        elif ref.kind == "folder" or self.object_model.mode == "search":
            self.go(S3Location(ref.bucket, ref.key))
        else:
            self.show_properties(ref)

    def show_properties(self, ref: RowRef | None) -> None:
        self.details_dock.show()
        self.details_dock.raise_()
        self.details.tabs.setCurrentWidget(self.details.details_view)  # even from Preview
        if ref is not None:
            self._show_details(ref)
        self.details.setFocus()

    def _bucket_properties(self, bucket: str) -> None:
        self.details_dock.show()
        self.details_dock.raise_()
        self.details.tabs.setCurrentWidget(self.details.details_view)
        self.details.show_bucket(bucket)

    # -- search ----------------------------------------------------------------------
    def _filter_changed(self, text: str) -> None:
        """Type-to-filter: at once on small listings; on huge ones after a short pause,
        so a fast typist does not wait for a re-filter of every row on every key."""
        self._filter_text = text
        if self.object_model.mode == "search":
            return  # the field holds the search's pattern: editing it does not hide results
        big = self.object_model.object_count + self.object_model.folder_count > 50_000
        self._filter_timer.start(150 if big else 0)

    def _clear_filter(self, *, keep_text: bool = False) -> None:
        self._filter_timer.stop()
        self._filter_text = ""
        if not keep_text:
            self.search_bar.clear_filter()
        self.object_model.set_filter_text("")

    def _apply_filter(self) -> None:
        self.proxy.set_filter_text(self._filter_text)
        self._update_placeholder()
        self._status_changed()

    def start_search(self, pattern: str, mode: str, scope: str) -> None:
        if self.session is None:
            return
        from s3browser.core.search import SearchQuery

        bucket = self._location.bucket if scope == "folder" and self._location.bucket else None
        prefix = self._location.key if bucket else ""
        query = SearchQuery(pattern, mode, bucket=bucket, prefix=prefix)  # type: ignore[arg-type]
        self.banner.dismiss()
        self._search_skipped = []
        self._clear_filter(keep_text=True)  # the pattern stays visible, to refine or re-run
        self.object_model.start_search(self.session, query, on_error=self._search_bucket_failed)
        self.search_bar.set_searching(True)
        where = f"s3://{bucket}/{prefix}" if bucket else "all buckets"
        self.setWindowTitle(f"Search {pattern!r} in {where} — {APP_NAME}")
        self._update_placeholder()
        self._status_changed()

    def _focus_table(self) -> None:
        """Keyboard path from the filter/search field to the rows (Down arrow)."""
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.table.selected_refs():
            self.table.select_row(0)

    def _search_bucket_failed(self, bucket: str, err: S3BrowserError) -> None:
        self._search_skipped.append(bucket)
        names = ", ".join(self._search_skipped)
        self.show_error(f"Skipped {names}: {err}")

    def stop_search(self) -> None:
        if self.object_model.mode == "search" and self.object_model.is_loading:
            self.object_model.stop()
        self.search_bar.set_searching(False)

    # -- model events ----------------------------------------------------------------
    def _page_loaded(self) -> None:
        self._status_changed()
        if self._pending_select is not None:
            bucket, key = self._pending_select
            row = self.proxy.row_of_key(bucket, key)
            if row >= 0:
                self._pending_select = None
                self.table.select_row(row)

    def _busy_changed(self, busy: bool) -> None:
        model = self.object_model
        if busy:
            what = "Searching" if model.mode == "search" else "Listing"
            where = self._location.uri() if model.mode != "search" else "S3"
            self.set_activity(f"{what} {where}…", busy=True)
        else:
            self.set_activity("", busy=False)
        self._update_placeholder()
        self._status_changed()

    def _listing_finished(self) -> None:
        self.search_bar.set_searching(False)
        self._pending_select = None if self.object_model.mode != "listing" else self._pending_select
        self._update_placeholder()
        self._status_changed()
        self._details_timer.start()

    def _listing_failed(self, err: S3BrowserError) -> None:
        self._check_credentials(err)
        self.search_bar.set_searching(False)
        self.show_error(
            str(err), self.object_model.retry if self.object_model.mode == "listing" else None
        )
        self._update_placeholder()
        self._status_changed()
        self._details_timer.start()

    def _buckets_loaded(self, buckets: list[Any]) -> None:
        if (
            self.session is not None
            and not self._location.bucket
            and self.object_model.mode != "search"
        ):
            self._start_listing()
        self.tree.show_location(self._location.bucket, self._location.key)

    def _known_regions(self) -> dict[str, str]:
        return {b.name: b.region for b in self.tree_model.buckets if b.region}

    def _region_found(self, bucket: str, region: str) -> None:
        for b in self.tree_model.buckets:
            if b.name == bucket:
                b.region = region
        self.object_model.set_bucket_region(bucket, region)
        if bucket == self._location.bucket:
            self.status.set_region(region)

    def _region_of(self, bucket: str) -> str:
        if self.session is None:
            return ""
        region = self._known_regions().get(bucket, "") if bucket else ""
        return region or self.session.region

    # -- status, activity and errors ---------------------------------------------------
    def set_activity(self, text: str, busy: bool = False) -> None:
        """What the app is doing now (the busy indicator runs while ``busy``)."""
        self._activity = text
        self.status.set_activity(text, busy)
        self._update_placeholder()

    def show_error(self, message: str, retry: Any = None) -> None:
        self.banner.show_error(message, retry)

    def _check_credentials(self, err: BaseException) -> None:
        """Expired or rejected credentials: the connections UI offers to reconnect."""
        if isinstance(err, AuthenticationError) and not isinstance(err, ClockSkewError):
            self.credentials_rejected.emit(str(err))

    def _task_failed(self, exc: BaseException) -> None:
        self._check_credentials(exc)
        if isinstance(exc, S3BrowserError):
            self.show_error(str(exc))
        else:
            log.error("a task of the main window failed", exc_info=exc)
            self.show_error("Something went wrong inside s3browser: see the log for details.")
        self.set_activity("", busy=False)

    def _retried(self, count: int) -> None:
        """A request was sent again: the count shows at the next status refresh (<= 10/s)."""
        self._retries = count
        self._status_changed()

    def _status_changed(self) -> None:
        """Mark the status stale; the timer redraws it at most ten times a second."""
        self._status_dirty = True
        if not self._status_timer.isActive():
            self._refresh_status()
            self._status_dirty = False
            self._status_timer.start()

    def _status_tick(self) -> None:
        if self._status_dirty:
            self._status_dirty = False
            self._refresh_status()
        elif not self.object_model.is_loading:
            self._status_timer.stop()

    def _refresh_status(self) -> None:
        model = self.object_model
        now = time.monotonic()
        if model.mode == "listing" and now - self._details_refreshed > 1.0:
            # The folder's "listed so far" figures in the details pane, once a second.
            self._details_refreshed = now
            if not self.table.selectionModel().hasSelection():
                self._update_details()
        shown = self.proxy.rowCount()
        if model.mode == "root":
            text = _count(model.folder_count, "bucket") if self.tree_model.root_loaded else ""
        elif model.mode == "listing":
            text = (
                f"{_count(model.object_count, 'object')}, {_count(model.folder_count, 'folder')}, "
                f"{human_size(model.total_size)}"
            )
            if model.is_loading:
                text += " so far"
            elif model.error is not None:
                text = "Not listed" if not model.rowCount() else text + " (incomplete)"
        elif model.mode == "search":
            text = f"{model.object_count:,} found" + (" so far" if model.is_loading else "")
            self.search_bar.set_count(text)
        else:
            text = ""
        if model.filter_text:
            text += f" · {shown:,} shown"
        self.status.set_count(text)
        self.status.set_retries(self._retries)

    def _update_placeholder(self) -> None:
        model = self.object_model
        if model.rowCount() > 0:
            text = ""
        elif self.session is None:
            text = self._activity or "Not connected."
        elif model.is_loading or (model.mode == "root" and not self.tree_model.root_loaded):
            text = "Searching…" if model.mode == "search" else "Loading…"
        elif model.error is not None:
            text = "The listing failed: see the message above."
        elif model.filter_text:
            text = "No names here contain the filter text; press Enter to search S3."
        elif model.mode == "search":
            text = "No keys match."
        elif model.mode == "root":
            text = "No buckets."
        else:
            text = "This folder is empty."
        self.table.set_placeholder(text)

    # -- details ---------------------------------------------------------------------
    def _update_details(self) -> None:
        refs = self.table.selected_refs()
        if len(refs) == 1:
            self._show_details(refs[0])
        elif len(refs) > 1:
            self.details.show_selection(refs)
        elif not refs and self._location.bucket and self.object_model.mode == "listing":
            model = self.object_model
            listed = model.error is None or model.object_count + model.folder_count > 0
            self.details.show_folder(
                self._location.bucket,
                self._location.key,
                model.object_count if listed else LISTING_FAILED,
                model.total_size if listed else -1,
            )
        elif not refs:
            self.details.clear()

    def _show_details(self, ref: RowRef) -> None:
        if ref.kind == "bucket":
            self.details.show_bucket(ref.bucket)
        elif ref.kind == "folder":
            # Not listed yet: the pane shows the folder without counts (-1: unknown).
            self.details.show_folder(ref.bucket, ref.key, -1, -1)
        else:
            self.details.show_object(ref.bucket, ref.key)

    # -- clipboard -------------------------------------------------------------------
    def _copy_text(self, lines: list[str], what: str) -> None:
        QGuiApplication.clipboard().setText("\n".join(lines))
        plural = "s" if len(lines) != 1 else ""
        self.status.showMessage(f"Copied {len(lines)} {what}{plural} to the clipboard", 4000)

    def _copy_https(self, refs: list[RowRef]) -> None:
        if self.session is not None:
            self._copy_text([self.session.https_url(r.bucket, r.key) for r in refs], "HTTPS URL")

    def _copy_presigned(self, refs: list[RowRef], seconds: int) -> None:
        if self.session is not None and refs:
            self._tasks.start(
                self._presign(self.session, refs, seconds), on_error=self._task_failed
            )

    async def _presign(self, session: Any, refs: list[RowRef], seconds: int) -> None:
        urls = [await session.presigned_url(r.bucket, r.key, seconds) for r in refs]
        hours = seconds // 3600
        label = f"{hours // 24} day" if hours >= 24 else f"{hours} hour"
        label += "s" if hours not in (1, 24) else ""
        self._copy_text(urls, f"presigned URL (valid {label})")

    # -- window state ----------------------------------------------------------------
    def _restore_settings(self) -> None:
        self._settings_restored = True
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            self.resize(
                min(1600, int(screen.width() * 0.92)), min(1000, int(screen.height() * 0.9))
            )
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = s.value("table/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)

    def last_location(self) -> str:
        value = self.settings.value("window/last_location", "")
        return value if isinstance(value, str) else ""

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.setValue("window/last_location", self._location.uri())
        s.sync()

    def changeEvent(self, event: QEvent) -> None:
        """Light/dark switch of the system palette: re-tint what was drawn for the old one."""
        if event.type() == QEvent.Type.PaletteChange:
            self.banner.apply_palette()
            self.path_bar.retint()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        event.accept()
        self.closed.emit()

    def _about(self) -> None:
        from s3browser._version import __version__

        box = QMessageBox(self)
        box.setWindowTitle("About s3browser")
        box.setText(f"s3browser {__version__}\nA desktop browser for S3 and S3-compatible storage.")
        box.open()  # never exec() inside the qasync loop
