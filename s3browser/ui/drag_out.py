"""Drag-out: objects dragged from the table onto a file manager, the desktop or any app.

Mechanism chosen: **staging folder + file URLs** (``text/uri-list``), for every
platform and every drop target. Why:

- A drop target (Qt, GTK, Electron, a file manager, a mail client) reads
  ``text/uri-list`` and copies the files itself, so the files must exist when the
  target asks. Offering file URLs works with every target on X11, Wayland, macOS and
  Windows; XDS (XdndDirectSave) only with the few X11 file managers that implement
  it, not at all on Wayland, and not with a plain Qt window like the test's target.
  XDS would need XCB-level code for Qt's hidden drag-owner window; left out (noted).
- The download starts the moment the drag starts (while the user moves the mouse),
  into a fresh staging folder, with progress in the Transfers panel like any other
  download. When the target asks for the data (the drop), ``retrieveData`` waits for
  the batch **in a nested Qt event loop** — the window keeps painting, the asyncio
  downloads keep running — for at most :data:`DROP_WAIT_MS`, below the ~5 s after
  which X11 targets give up on a selection request. Not ready by then: the drop is
  refused with a sentence, the download continues, and dragging the same selection
  again (or the finished rows of the Transfers panel) offers the ready files at once.
  Never blocking the GUI thread is what Cyberduck's drag-out (cyberduck#14450) lacks.
- A large drag — more than :data:`SMALL_BYTES`, more than :data:`SMALL_COUNT`
  objects, or any folder (its size is unknown until listed) — asks first,
  non-modally: prepare it for dragging in the background (then drag again), download
  it to a folder instead, or cancel.
- The user sees where the files went: the drop target shows them where they were
  dropped; the status bar and the toast name the staging folder they came from, and
  "Show in folder" on a Transfers row opens it.

Staging folders live under the user cache dir (``drag-out/``); ones older than a day
are removed at start-up (the target may still be copying right after a drop).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QEventLoop,
    QMimeData,
    QObject,
    QPoint,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QUrl,
)
from PySide6.QtGui import QDrag, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMessageBox

from s3browser.core.transfers import Batch, ConflictAction, Source, TransferState
from s3browser.ui.transfers_controller import sources_of
from s3browser.ui.widgets.details_format import human_size

if TYPE_CHECKING:
    from s3browser.ui.transfers_controller import TransfersController

log = logging.getLogger(__name__)

SMALL_BYTES = 64 * 1024 * 1024
SMALL_COUNT = 200
DROP_WAIT_MS = 4000
STAGING_MAX_AGE = 24 * 3600
REUSE_SECONDS = 600  # a small drag repeated within this time offers the same staged files
_serial = itertools.count(1)


def staging_root() -> Path:
    return Path(platformdirs.user_cache_dir("s3browser")) / "drag-out"


@dataclass
class Staged:
    """One drag's downloads: the batch and the folder it writes into."""

    batch: Batch
    folder: Path
    sources: list[Source]
    prepared: bool = False  # the user asked for it ("Prepare for dragging")
    created: float = field(default_factory=time.monotonic)

    def reusable(self) -> bool:
        """Offer these files again? Not when they failed, vanished, or may be out of date."""
        if self.batch.settled and not self.batch.result().ok:
            return False
        if not self.folder.is_dir():
            return False
        return self.prepared or time.monotonic() - self.created < REUSE_SECONDS

    def urls(self) -> list[QUrl]:
        """The top-level files and folders the drag offers, once downloaded."""
        tops: list[Path] = []
        for item in self.batch.items:
            if item.state is not TransferState.DONE:
                continue
            try:
                rel = item.path.relative_to(self.folder)
            except ValueError:
                continue
            top = self.folder / rel.parts[0]
            if top not in tops:
                tops.append(top)
        return [QUrl.fromLocalFile(str(p)) for p in tops]


class StagedMimeData(QMimeData):
    """Offers ``text/uri-list`` at once; produces it when the target asks (the drop)."""

    def __init__(self, drag_out: DragOut, staged: Staged) -> None:
        super().__init__()
        self.drag_out = drag_out
        self.staged = staged
        self.delivered: list[QUrl] | None = None

    def formats(self) -> list[str]:
        return ["text/uri-list"]

    def hasFormat(self, mimetype: str) -> bool:
        return mimetype == "text/uri-list"

    def retrieveData(self, mimetype: str, preferredType: Any) -> Any:
        if mimetype != "text/uri-list":
            return None
        if self.delivered is None:
            ready = self.drag_out.wait_for(self.staged.batch, DROP_WAIT_MS)
            urls = self.staged.urls() if ready else []
            self.delivered = urls
            if not ready:
                self.drag_out.not_ready(self.staged)
            elif urls:
                self.drag_out.delivered(self.staged, urls)
        return QByteArray(b"".join(bytes(u.toEncoded().data()) + b"\r\n" for u in self.delivered))


class DragOut(QObject):
    """Turns a mouse drag on the object table into a staged download and a file drag."""

    def __init__(self, controller: TransfersController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.view: QAbstractItemView | None = None
        self.root = staging_root()
        self.last: Staged | None = None
        self.question: QMessageBox | None = None
        self.dragging = False
        self._press: QPoint | None = None
        self._prepared: dict[tuple[Source, ...], Staged] = {}
        self._remove_old_staging()

    def attach(self, view: QAbstractItemView) -> None:
        """Watch ``view``'s mouse: its own drag (item-model MIME data) is replaced by ours."""
        self.view = view
        view.viewport().installEventFilter(self)

    def close(self) -> None:
        if self.view is not None:
            with contextlib.suppress(RuntimeError):
                self.view.viewport().removeEventFilter(self)
        self.view = None

    # -- the mouse --------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            pos = event.position().toPoint()
            on_row = self.view is not None and self.view.indexAt(pos).isValid()
            left = event.button() == Qt.MouseButton.LeftButton
            self._press = pos if left and on_row else None
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
                return False
            moved = (event.position().toPoint() - self._press).manhattanLength()
            if moved >= QApplication.startDragDistance():
                self._press = None
                refs = self.controller.refs_provider()
                if sources_of(refs):
                    self.start(refs)
                    return True
        elif kind == QEvent.Type.MouseButtonRelease:
            self._press = None
        return False

    # -- starting ---------------------------------------------------------------------
    def start(self, refs: list[Any]) -> None:
        sources = sources_of(refs)
        if not sources or self.controller.manager is None or self.dragging:
            return
        key = tuple(sources)
        staged = self._prepared.get(key)
        if staged is not None and staged.reusable():
            self._drag(staged)  # prepared earlier (or still downloading): offer it again
            return
        if is_large(refs):
            self.ask(refs, sources)
            return
        staged = self._stage(sources, prepare=False)
        if staged is not None:
            self._drag(staged)

    def _stage(self, sources: list[Source], *, prepare: bool) -> Staged | None:
        folder = self.root / f"{time.strftime('%Y%m%d-%H%M%S')}-{next(_serial)}"
        folder.mkdir(parents=True, exist_ok=True)
        batch = self.controller.download(
            sources,
            folder,
            label="the files to drag" if not prepare else "the files prepared for dragging",
            notify=self._prepared_done if prepare else False,
            conflict=ConflictAction.KEEP_BOTH,
        )
        if batch is None:
            return None
        staged = Staged(batch, folder, sources, prepared=prepare)
        self._prepared[tuple(sources)] = staged
        self.last = staged
        return staged

    def _drag(self, staged: Staged) -> None:
        assert self.view is not None
        mime = StagedMimeData(self, staged)
        drag = QDrag(self.view)
        drag.setMimeData(mime)
        drag.setPixmap(self._pixmap(staged))
        drag.setHotSpot(QPoint(-12, -12))
        self.dragging = True
        try:
            action = drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)
        finally:
            self.dragging = False
        # On X11 the drop's data is usually requested *after* exec() returns (Qt keeps
        # the drop transaction alive): the report happens in delivered(), not here.
        if action == Qt.DropAction.IgnoreAction and mime.delivered is None:
            # Dropped nowhere: keep what is done for a second try, stop what is not.
            if not staged.batch.settled and self.controller.manager is not None:
                self.controller.manager.cancel_all(staged.batch)
                self._prepared.pop(tuple(staged.sources), None)
            self.controller.window.statusBar().showMessage("Drag cancelled.", 5000)

    def _pixmap(self, staged: Staged) -> QPixmap:
        """A small label under the cursor: what is being dragged."""
        assert self.view is not None
        first = staged.sources[0].key.rstrip("/").rsplit("/", 1)[-1] or staged.sources[0].bucket
        text = first + (f"  +{len(staged.sources) - 1}" if len(staged.sources) > 1 else "")
        metrics = self.view.fontMetrics()
        text = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, 260)
        size = QSize(metrics.horizontalAdvance(text) + 20, metrics.height() + 10)
        ratio = self.view.devicePixelRatioF()
        pixmap = QPixmap(size * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.view.palette()
        painter.setBrush(palette.highlight())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(0, 0, size.width(), size.height()), 6, 6)
        painter.setPen(palette.highlightedText().color())
        painter.setFont(self.view.font())
        painter.drawText(
            QRectF(0, 0, size.width(), size.height()), Qt.AlignmentFlag.AlignCenter, text
        )
        painter.end()
        return pixmap

    def delivered(self, staged: Staged, urls: list[QUrl]) -> None:
        """The target took the files: say from where (it shows where they went)."""
        count = len(urls)
        self.controller.window.statusBar().showMessage(
            f"Dropped {count:,} item{'s' if count != 1 else ''}: the target copied "
            f"{'them' if count != 1 else 'it'} from {staged.folder}.",
            15000,
        )

    def wait_for(self, batch: Batch, timeout_ms: int) -> bool:
        """Run a nested event loop until ``batch`` settles or the time is up (GUI stays live).

        The one deliberate nested loop in the app, and not inside a coroutine: Qt calls
        ``retrieveData`` synchronously while a drop target waits for the data, and the
        answer must be returned from that call. No asyncio task is mid-step here, so
        qasync keeps running the download's callbacks inside this loop (tested by the
        X11 drag test); the wait is capped below X11 targets' ~5 s selection timeout.
        """
        if batch.settled:
            return True
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(25)
        poll.timeout.connect(lambda: batch.settled and loop.quit())
        QTimer.singleShot(timeout_ms, loop.quit)
        poll.start()
        loop.exec()
        poll.stop()
        return batch.settled

    def _prepared_done(self, batch: Batch, result: Any) -> None:
        if not result.ok:
            self.controller.notify(batch, result)  # the usual failure report
            return
        text = (
            f"{result.count(TransferState.DONE):,} file(s) ({human_size(result.bytes_done)}) are "
            f"ready in {batch.dest}. Drag the same selection again to drop them anywhere."
        )
        self.controller.window.statusBar().showMessage(text, 20000)
        self.controller.toast.show_message("Ready to drag", text, batch.dest)

    def not_ready(self, staged: Staged) -> None:
        self.controller.window.statusBar().showMessage(
            "The files were not ready when dropped; they keep downloading to "
            f"{staged.folder}. Drag the same selection again when the Transfers panel shows "
            "them done.",
            20000,
        )

    # -- a large drag asks first ---------------------------------------------------------
    def ask(self, refs: list[Any], sources: list[Source]) -> None:
        what = describe_drag(refs)
        box = QMessageBox(self.controller.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Large drag")
        box.setText(f"Drag {what} out of s3browser?")
        box.setInformativeText(
            "They must be downloaded before another application can take them, which may "
            "take a while. Prepare them in the background (progress in the Transfers panel) "
            "and drag the same selection again when they are done, or download them straight "
            "to a folder."
        )
        prepare = box.addButton("Prepare for dragging", QMessageBox.ButtonRole.AcceptRole)
        to_folder = box.addButton("Download to folder…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(prepare)

        def chosen(button: Any) -> None:
            if button is prepare:
                self._stage(sources, prepare=True)
            elif button is to_folder:
                self.controller.download_refs(refs)

        box.buttonClicked.connect(chosen)
        box.finished.connect(lambda _r: setattr(self, "question", None))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.question = box
        box.open()

    # -- housekeeping ---------------------------------------------------------------------
    def _remove_old_staging(self) -> None:
        if not self.root.is_dir():
            return
        cutoff = time.time() - STAGING_MAX_AGE
        for child in self.root.iterdir():
            with contextlib.suppress(OSError):
                if child.is_dir() and child.stat().st_mtime < cutoff:
                    shutil.rmtree(child, ignore_errors=True)


def describe_drag(refs: list[Any]) -> str:
    """ "3 files (1.2 GiB)", "the folder “logs/” (size unknown until listed)", or both."""
    objects = [r for r in refs if r.kind == "object"]
    folders = [r for r in refs if r.kind == "folder"]
    parts = []
    if len(objects) == 1:
        parts.append(
            f"“{objects[0].key.rsplit('/', 1)[-1]}” ({human_size(int(objects[0].size or 0))})"
        )
    elif objects:
        size = sum(int(r.size or 0) for r in objects)
        parts.append(f"{len(objects):,} files ({human_size(size)})")
    if len(folders) == 1:
        name = folders[0].key.rstrip("/").rsplit("/", 1)[-1] + "/"
        parts.append(f"the folder “{name}” (its size is unknown until it is listed)")
    elif folders:
        parts.append(f"{len(folders):,} folders (their size is unknown until they are listed)")
    return " and ".join(parts)


def is_large(refs: list[Any]) -> bool:
    objects = [r for r in refs if r.kind == "object"]
    if len(objects) != len([r for r in refs if r.kind != "bucket"]):
        return True  # a folder: unknown size until listed
    return len(objects) > SMALL_COUNT or sum(int(r.size or 0) for r in objects) > SMALL_BYTES
