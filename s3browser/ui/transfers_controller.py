"""Downloads in the GUI: one object the main window creates, owning everything transfers add.

The window only has to create ``TransfersController(window, refs_provider)``, place
:attr:`download_action` in its menus/toolbar, connect its ``download_requested``
signal to :meth:`download_refs`, call :meth:`set_session` when the connection
changes and ``await controller.aclose()`` on shutdown. Everything else lives here:
the Transfers dock (:class:`TransfersPanel`), the engine (:class:`TransferManager`),
the folder chooser (non-modal, remembered in QSettings), the "file exists" question
(non-modal, awaited through a future), overall progress in the status bar, a
notification when a batch ends, and drag-out (:mod:`s3browser.ui.drag_out`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSystemTrayIcon,
    QToolButton,
)

from s3browser.core.transfers import (
    Batch,
    BatchResult,
    Conflict,
    ConflictAction,
    ConflictDecision,
    ProgressEvent,
    Source,
    TransferManager,
    TransferOptions,
    TransferState,
)
from s3browser.ui.models.transfers_model import TransfersModel, eta_text, speed_text
from s3browser.ui.tasks import TaskGroup
from s3browser.ui.transfers_resume import Interrupted, recall, remember
from s3browser.ui.widgets.details_format import human_size
from s3browser.ui.widgets.toast import Toast
from s3browser.ui.widgets.transfers_panel import TransfersPanel

if TYPE_CHECKING:
    from s3browser.core.session import S3Session

log = logging.getLogger(__name__)
S = TransferState
LAST_FOLDER_KEY = "transfers/last_folder"


class RefLike(Protocol):
    """What a selected table row must tell (the main window's ``RowRef`` fits)."""

    kind: str  # "bucket", "folder" or "object"
    bucket: str
    key: str
    size: int


def sources_of(refs: list[Any]) -> list[Source]:
    """Objects with their listed size (no HEAD needed), folders as prefixes; buckets are refused."""
    out = []
    for ref in refs:
        if ref.kind == "object":
            out.append(Source(ref.bucket, ref.key, size=ref.size))
        elif ref.kind == "folder":
            out.append(Source(ref.bucket, ref.key if ref.key.endswith("/") else ref.key + "/"))
    return out


class TransfersController(QObject):
    """Owns the engine, the Transfers dock and the Download action of one main window."""

    batch_finished = Signal(object, object)  # Batch, BatchResult

    def __init__(
        self,
        window: QMainWindow,
        refs_provider: Callable[[], list[Any]],
        settings: QSettings | None = None,
        *,
        table: QAbstractItemView | None = None,
        options: TransferOptions | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.refs_provider = refs_provider
        self.settings = settings or QSettings()
        self.manager: TransferManager | None = None
        self.options = options  # None: the engine chooses part sizes and concurrency
        self.endpoint = ""
        self.interrupted: list[Interrupted] = []  # offered for resuming, not resumed yet
        self.resume_file: Path | None = None  # None: the user state dir (tests change it)
        self._unsubscribe: Callable[[], None] | None = None
        self.tasks = TaskGroup("transfers")
        self.batch_labels: dict[int, str] = {}
        self.folder_dialog: QFileDialog | None = None
        self.conflict_box: QMessageBox | None = None
        self.download_button: QToolButton | None = None  # placed by transfers_wiring

        self.model = TransfersModel(self)
        self.panel = TransfersPanel(self.model)
        self.dock = QDockWidget("Transfers", window)
        self.dock.setObjectName("transfersDock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()  # appears with the first download

        self.download_action = QAction("&Download…", window)
        self.download_action.setShortcut(QKeySequence("Ctrl+D"))
        self.download_action.setToolTip("Download the selected objects or folders (Ctrl+D)")
        self.download_action.setObjectName("downloadAction")
        self.download_action.triggered.connect(self.download_selection)
        window.addAction(self.download_action)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(True)
        from s3browser.ui.widgets.status import StatusField

        self.progress_label = StatusField()  # elides: never widens the window
        status = window.statusBar()
        status.addPermanentWidget(self.progress_label)
        status.addPermanentWidget(self.progress)
        self.progress.hide()
        self.progress_label.hide()
        self.toast = Toast(window)
        self.toast.folder_clicked.connect(lambda folder: self.panel.open_folder(folder))
        self.tray: QSystemTrayIcon | None = None

        from s3browser.ui.drag_out import DragOut  # late: it imports this module's helpers

        self.drag_out = DragOut(self)
        if table is not None:
            self.drag_out.attach(table)

    # -- connection -------------------------------------------------------------------
    def set_session(self, session: S3Session | None) -> None:
        """A new connection gets a new engine; the old one pauses (its .part files stay)."""
        old, self.manager = self.manager, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if old is not None:
            self._remember_unfinished(old)
            self.tasks.start(old.close(), name="close-transfers")
        self.endpoint = session.endpoint_label if session is not None else ""
        if session is not None:
            self.manager = TransferManager(
                session, self.options, resolve_conflict=self.ask_conflict
            )
            self._unsubscribe = self.manager.subscribe(self._on_progress)
            self._offer_interrupted()
        self.panel.set_manager(self.manager)
        self.download_action.setEnabled(session is not None)

    # -- downloads left unfinished last time ---------------------------------------------
    def _remember_unfinished(self, manager: TransferManager) -> None:
        """Queued, running and paused items survive a restart (the engine resumes .part files)."""
        entries = [
            Interrupted(self.endpoint, i.bucket, i.key, i.size, str(i.path))
            for i in manager.items.values()
            if i.state in (S.QUEUED, S.RUNNING, S.PAUSED)
        ]
        known = {(e.bucket, e.key, e.path) for e in entries}
        entries += [e for e in self.interrupted if (e.bucket, e.key, e.path) not in known]
        remember(self.endpoint, entries, self.resume_file)
        self.interrupted = []

    def _offer_interrupted(self) -> None:
        self.interrupted = recall(self.endpoint, self.resume_file)
        if not self.interrupted:
            return
        count = len(self.interrupted)
        folders = sorted({str(e.local.parent) for e in self.interrupted})
        where = folders[0] if len(folders) == 1 else f"{len(folders)} folders"
        self.toast.show_message(
            "Unfinished downloads",
            f"{count:,} download{'s' if count != 1 else ''} into {where} did not finish last "
            "time. Resume continues from the parts already downloaded.",
            None,
            action=("Resume", self.resume_interrupted),
        )

    def resume_interrupted(self) -> None:
        """Queue the remembered downloads again, each to its own local file."""
        entries, self.interrupted = self.interrupted, []
        by_folder: dict[Path, list[Source]] = {}
        for e in entries:
            source = Source(e.bucket, e.key, size=e.size, target=e.local)
            by_folder.setdefault(e.local.parent, []).append(source)
        for folder, sources in by_folder.items():
            self.download(sources, folder, label="the resumed downloads")

    async def aclose(self) -> None:
        """Pause running downloads (resumable later) and stop every task; before the loop ends."""
        self.drag_out.close()
        manager, self.manager = self.manager, None
        if self._unsubscribe is not None:
            self._unsubscribe()
        if manager is not None:
            self._remember_unfinished(manager)
            await manager.close()
        await self.tasks.close()

    # -- starting downloads -------------------------------------------------------------
    def download_selection(self) -> None:
        self.download_refs(self.refs_provider())

    def download_refs(self, refs: list[Any]) -> None:
        """Ask for a folder (non-modal), then queue ``refs`` into it."""
        sources = sources_of(refs)
        if not sources:
            self.window.statusBar().showMessage("Select objects or folders to download.", 5000)
            return
        if self.manager is None:
            self.window.statusBar().showMessage("Not connected: connect first.", 5000)
            return
        dialog = QFileDialog(self.window, "Download to folder", str(self.last_folder()))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setLabelText(QFileDialog.DialogLabel.Accept, "Download here")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda folder: self._folder_chosen(sources, folder))
        dialog.finished.connect(lambda _r: setattr(self, "folder_dialog", None))
        self.folder_dialog = dialog
        dialog.open()

    def _folder_chosen(self, sources: list[Source], folder: str) -> None:
        if not folder:
            return
        self.settings.setValue(LAST_FOLDER_KEY, folder)
        self.download(sources, Path(folder))

    def last_folder(self) -> Path:
        saved = self.settings.value(LAST_FOLDER_KEY, "")
        if saved and Path(str(saved)).is_dir():
            return Path(str(saved))
        downloads = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DownloadLocation
        )
        if downloads and Path(downloads).is_dir():
            return Path(downloads)
        return Path.home()

    def download(
        self,
        sources: list[Source],
        dest: Path,
        *,
        label: str = "",
        notify: bool | Callable[[Batch, BatchResult], None] = True,
        conflict: ConflictAction | None = None,
    ) -> Batch | None:
        """Queue a batch now (no dialog); the dock shows it and a notification ends it."""
        if self.manager is None or not sources:
            return None
        batch = self.manager.download(sources, dest, conflict=conflict)
        self.batch_labels[batch.id] = label or _describe(sources)
        self.dock.show()
        self.dock.raise_()
        self.tasks.start(self._watch(batch, notify), name=f"batch-{batch.id}")
        return batch

    async def _watch(
        self, batch: Batch, notify: bool | Callable[[Batch, BatchResult], None]
    ) -> None:
        result = await batch.wait()
        self.batch_finished.emit(batch, result)
        if callable(notify):
            notify(batch, result)
        elif notify:
            self.notify(batch, result)

    # -- feedback -----------------------------------------------------------------------
    def _on_progress(self, event: ProgressEvent) -> None:
        self.model.apply(event)
        paused = event.count(S.PAUSED)
        if event.total_items == 0 or (event.idle and not paused):
            self.progress.hide()
            self.progress_label.hide()
            return
        done = event.count(S.DONE) + event.count(S.SKIPPED)
        total = event.total_items - event.count(S.CANCELLED)
        if event.idle:
            # Everything left is paused: say so, or a paused batch is only in the panel.
            self.progress.hide()
            self.progress_label.setText(
                f"{paused:,} download{'s' if paused != 1 else ''} paused · {done:,} of {total:,} done"
            )
            self.progress_label.show()
            return
        fraction = event.bytes_done / event.bytes_total if event.bytes_total else 0.0
        self.progress.setValue(int(min(1.0, fraction) * 1000))
        self.progress.setFormat(f"{fraction * 100:.0f}%")
        parts = [f"Downloading {done:,} of {total:,}" + ("+" if event.listing else "")]
        if event.speed >= 1:
            parts.append(speed_text(event.speed))
        if event.eta is not None and not event.listing:
            parts.append(f"{eta_text(event.eta)} left")
        self.progress_label.setText(" · ".join(parts))
        self.progress.show()
        self.progress_label.show()

    def notify(self, batch: Batch, result: BatchResult) -> None:
        """Say how a batch ended: status bar, a toast with its folder, a tray message if any."""
        failed = result.count(S.FAILED)
        done = result.count(S.DONE)
        skipped = result.count(S.SKIPPED)
        label = self.batch_labels.get(batch.id, "the download")
        if failed or result.errors:
            first = next((i.message for i in result.items if i.state is S.FAILED), "")
            first = first or (result.errors[0] if result.errors else "")
            text = f"{failed:,} of {len(result.items):,} failed in {label}: {first}"
            title = "Download failed"
        elif result.count(S.CANCELLED) and not done:
            text, title = f"Cancelled {label}.", "Download cancelled"
        else:
            text = f"Downloaded {done:,} file{'s' if done != 1 else ''} ({human_size(result.bytes_done)})"
            if skipped:
                text += f", {skipped:,} skipped"
            text += f" to {batch.dest}"
            title = "Download complete"
        self.window.statusBar().showMessage(text, 15000)
        self.toast.show_message(title, text, batch.dest, error=bool(failed or result.errors))
        if self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.window.windowIcon(), self)
        if self.tray is not None and not self.window.isActiveWindow():
            self.tray.show()
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if failed
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(title, text, icon, 8000)

    # -- "the file exists" ----------------------------------------------------------------
    async def ask_conflict(self, conflict: Conflict) -> ConflictDecision:
        """A non-modal question (open(), never exec()) whose buttons resolve a future."""
        future: asyncio.Future[ConflictDecision] = asyncio.get_running_loop().create_future()
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("File exists")
        box.setText(f"“{conflict.path.name}” already exists in {conflict.path.parent}.")
        remote = human_size(conflict.remote_size) if conflict.remote_size is not None else "unknown"
        box.setInformativeText(
            f"Local file: {human_size(conflict.local_size)}. Object s3://{conflict.bucket}/"
            f"{conflict.key}: {remote}. Keep both saves the download under a new name."
        )
        both = box.addButton("Keep both", QMessageBox.ButtonRole.AcceptRole)
        over = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        skip = box.addButton("Skip", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(both)
        box.setEscapeButton(skip)
        apply_all = QCheckBox("Do the same for every file of this download")
        box.setCheckBox(apply_all)
        choices: dict[QPushButton, ConflictAction] = {
            both: ConflictAction.KEEP_BOTH,
            over: ConflictAction.OVERWRITE,
            skip: ConflictAction.SKIP,
        }

        def answered(button: Any) -> None:
            if not future.done():
                action = choices.get(button, ConflictAction.SKIP)
                future.set_result(ConflictDecision(action, apply_to_all=apply_all.isChecked()))

        box.buttonClicked.connect(answered)
        box.finished.connect(lambda _r: answered(None))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.conflict_box = box
        box.open()
        try:
            return await future
        finally:
            self.conflict_box = None
            if not future.done():  # cancelled (the app closes): take the question away
                future.cancel()
                with contextlib.suppress(RuntimeError):  # already deleted
                    box.close()


def _describe(sources: list[Source]) -> str:
    if len(sources) == 1:
        name = sources[0].key.rstrip("/").rsplit("/", 1)[-1] or sources[0].bucket
        return f"“{name}”"
    return f"{len(sources):,} items"
