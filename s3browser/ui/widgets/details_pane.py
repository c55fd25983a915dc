"""The metadata/preview dock: everything about the selected object, bucket or folder.

The main window calls ``show_object`` / ``show_bucket`` / ``show_folder`` on every
selection change, possibly many times a second while the user arrows down a list.
Each call starts a new *generation*: the previous request is cancelled and, should
its answer still arrive, it is recognised as stale and dropped, so the pane never
shows the details or the preview of an item the user has already left.

The preview (one ranged GET of at most 1 MiB) is fetched only while the Preview tab
is visible, or when the user switches to it, so browsing with the Details tab open
costs one HEAD (plus a tagging GET) per item and nothing more.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.errors import S3BrowserError
from s3browser.ui.tasks import Generation, TaskGroup
from s3browser.ui.widgets.details_format import (
    Section,
    bucket_sections,
    folder_sections,
    object_sections,
    selection_sections,
)
from s3browser.ui.widgets.preview import PreviewWidget, blend, dim_color
from s3browser.ui.widgets.preview_content import (
    PREVIEW_LIMIT,
    PreviewPlan,
    build_preview,
    plan_preview,
)

if TYPE_CHECKING:
    from s3browser.core.models import ObjectDetails
    from s3browser.core.session import S3Session

log = logging.getLogger(__name__)


def sections_html(sections: list[Section], palette: QPalette) -> str:
    """Rich text for the Details tab, coloured from ``palette`` (light or dark)."""
    dim = dim_color(palette).name()
    esc = html.escape
    parts: list[str] = []
    for section in sections:
        parts.append(
            f'<p style="margin-top:10px; margin-bottom:2px; font-weight:600;">{esc(section.title)}</p>'
        )
        if section.note:
            style = f"color:{dim};" + (" font-style:italic;" if section.unavailable else "")
            parts.append(f'<p style="margin:0 0 2px 8px; {style}">{esc(section.note)}</p>')
        if not section.rows:
            continue
        parts.append(
            '<table cellspacing="0" cellpadding="2" width="100%" style="margin-left:8px;">'
        )
        for row in section.rows:
            value_style = f' style="color:{dim};"' if row.dim else ""
            if row.block:
                style = (
                    f"white-space:pre-wrap; color:{dim};" if row.dim else "white-space:pre-wrap;"
                )
                value = f'<pre style="{style}">{esc(row.value)}</pre>'
            else:
                value = f"<span{value_style}>{esc(row.value)}</span>"
            if row.label:
                parts.append(
                    f'<tr><td width="34%" valign="top" style="color:{dim};">{esc(row.label)}</td>'
                    f'<td valign="top">{value}</td></tr>'
                )
            else:
                parts.append(f'<tr><td colspan="2" valign="top">{value}</td></tr>')
        parts.append("</table>")
    return "".join(parts)


def _decode_image(data: bytes) -> QImage:
    """QImage is safe to build outside the GUI thread (QPixmap is not)."""
    return QImage.fromData(data)


class _ElidedLabel(QLabel):
    """One line that elides in the middle instead of widening the dock (long keys)."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width(), 40)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle, width))


class DetailsPane(QWidget):
    """Details and Preview tabs for whatever the main window has selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session: S3Session | None = None
        self._tasks = TaskGroup("details")
        self._generation = Generation()
        self._sections: list[Section] = []
        self._placeholder = ""
        self._retry: Callable[[], None] | None = None
        self._pending_preview: tuple[int, ObjectDetails, PreviewPlan] | None = None

        self.title = _ElidedLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = _ElidedLabel()

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry")
        self.retry_button.clicked.connect(self._on_retry)
        self.error_banner = QFrame()
        self.error_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.error_banner.setAutoFillBackground(True)
        banner = QHBoxLayout(self.error_banner)
        banner.setContentsMargins(6, 4, 6, 4)
        banner.addWidget(self.error_label, 1)
        banner.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        self.error_banner.hide()

        self.details_view = QTextBrowser()
        self.details_view.setOpenLinks(False)
        self.details_view.setFrameShape(QFrame.Shape.NoFrame)
        self.details_view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.details_view.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.preview = PreviewWidget()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.details_view, "Details")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.currentChanged.connect(self._on_tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.tabs, 1)
        self._style_banner()
        self.clear()

    # -- the contract the main window uses ----------------------------------------------
    def set_session(self, session: S3Session | None) -> None:
        self._session = session
        self.clear()

    def clear(self) -> None:
        self._begin("Nothing selected", "", retry=None)
        self._show_placeholder("Select a bucket, folder or object to see its details.")
        self.preview.show_message("Select an object to preview its contents.")

    def show_object(self, bucket: str, key: str) -> None:
        name = key.rstrip("/").rsplit("/", 1)[-1] or key
        gen = self._begin(name, f"s3://{bucket}/{key}", lambda: self.show_object(bucket, key))
        self._show_placeholder(f"Loading the details of {name}…")
        self.preview.show_message("Waiting for the object's details…")
        self._start(gen, self._load_object(gen, bucket, key))

    def show_bucket(self, bucket: str) -> None:
        gen = self._begin(bucket, f"s3://{bucket}/ · bucket", lambda: self.show_bucket(bucket))
        self._show_placeholder(f"Loading the configuration of bucket {bucket}…")
        self.preview.show_message("A bucket has no preview: select an object.")
        self._start(gen, self._load_bucket(gen, bucket))

    def show_folder(self, bucket: str, prefix: str, count: int, total_size: int) -> None:
        name = prefix.rstrip("/").rsplit("/", 1)[-1] + "/" if prefix else bucket
        self._begin(name, f"s3://{bucket}/{prefix} · folder", retry=None)  # count < 0: unknown
        self._render(folder_sections(bucket, prefix, count, total_size))
        self.preview.show_message("A folder has no preview: select an object.")

    def show_selection(self, refs: list[Any]) -> None:
        """Several rows selected (anything with kind/bucket/key/size, like RowRef)."""
        self._begin(f"{len(refs):,} items selected", "", retry=None)
        self._render(selection_sections(refs))
        self.preview.show_message("Select one object to preview it.")

    async def aclose(self) -> None:
        """Cancel and await every request of the pane (call before the loop closes)."""
        self._generation.next()
        await self._tasks.close()

    # -- requests -------------------------------------------------------------------------
    def _begin(self, title: str, subtitle: str, retry: Callable[[], None] | None) -> int:
        """A new generation: earlier requests are cancelled and their answers ignored."""
        self._tasks.cancel_all()
        self._pending_preview = None
        self._retry = retry
        self.error_banner.hide()
        self.title.set_full_text(title)
        self.subtitle.set_full_text(subtitle)
        return self._generation.next()

    def _start(self, gen: int, coro: Any) -> None:
        if self._session is None:
            coro.close()
            self._show_placeholder("Not connected: connect to an S3 endpoint first.")
            self.preview.show_message("Not connected.")
            return
        try:
            self._tasks.start(coro, on_error=lambda exc: self._failed(gen, exc), name="details")
        except RuntimeError:  # closed: the window is shutting down
            log.debug("details pane closed; request dropped")

    def _failed(self, gen: int, exc: BaseException) -> None:
        if not self._generation.is_current(gen):
            return
        if isinstance(exc, S3BrowserError):
            message = str(exc)
        else:
            log.error("details request failed", exc_info=exc)
            message = "The details could not be loaded because of an internal error; see the log."
        self.error_label.setText(message)
        self.error_banner.setVisible(True)
        self.retry_button.setVisible(self._retry is not None)
        self._show_placeholder("")
        self.preview.show_message("No preview: the details could not be loaded.")

    def _on_retry(self) -> None:
        if self._retry is not None:
            self._retry()

    async def _load_object(self, gen: int, bucket: str, key: str) -> None:
        assert self._session is not None
        details = await self._session.object_details(bucket, key)
        if not self._generation.is_current(gen):
            return
        self._render(object_sections(details))
        plan = plan_preview(
            key,
            details.content_type,
            details.size,
            details.storage_class,
            restore_status=details.restore_status,
            archive_status=details.archive_status,
            content_encoding=details.content_encoding,
        )
        if plan.kind is None:
            self.preview.show_message(plan.reason)
            return
        if self.tabs.currentWidget() is self.preview:
            await self._load_preview(gen, details, plan)
        else:
            self._pending_preview = (gen, details, plan)
            self.preview.show_message("The preview loads when this tab is shown.")

    def _on_tab_changed(self, _index: int) -> None:
        pending = self._pending_preview
        if self.tabs.currentWidget() is not self.preview or pending is None:
            return
        self._pending_preview = None
        gen, details, plan = pending
        if self._generation.is_current(gen):
            self._start(gen, self._load_preview(gen, details, plan))

    async def _load_preview(self, gen: int, details: ObjectDetails, plan: PreviewPlan) -> None:
        assert self._session is not None
        name = details.key.rsplit("/", 1)[-1]
        self.preview.show_loading(name)
        try:
            data = await self._session.read_head(details.bucket_name, details.key, PREVIEW_LIMIT)
        except S3BrowserError as err:
            if self._generation.is_current(gen):
                self.preview.show_message(f"No preview: {err}")
            return
        if not self._generation.is_current(gen):
            return
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(None, build_preview, plan, data, details.size)
        image = None
        if result.kind == "image":
            image = await loop.run_in_executor(None, _decode_image, result.data)
        if self._generation.is_current(gen):
            self.preview.show_result(result, image)

    async def _load_bucket(self, gen: int, bucket: str) -> None:
        assert self._session is not None
        details = await self._session.bucket_details(bucket)
        if self._generation.is_current(gen):
            self._render(bucket_sections(details))

    # -- rendering ------------------------------------------------------------------------
    def _show_placeholder(self, text: str) -> None:
        self._sections = []
        self._placeholder = text
        dim = dim_color(self.palette()).name()
        self.details_view.setHtml(
            f'<p style="color:{dim}; margin-top:12px;">{html.escape(text)}</p>' if text else ""
        )

    def _render(self, sections: list[Section]) -> None:
        self._sections = sections
        self._placeholder = ""
        self.details_view.setHtml(sections_html(sections, self.palette()))

    def sizeHint(self) -> QSize:
        return QSize(380, 560)

    def _style_banner(self) -> None:
        """Colours derived from the current palette: the banner tint and the dim subtitle."""
        sub = self.subtitle.palette()
        sub.setColor(QPalette.ColorRole.WindowText, dim_color(self.palette()))
        self.subtitle.setPalette(sub)
        pal = self.error_banner.palette()
        base = self.palette().color(QPalette.ColorRole.Window)
        pal.setColor(QPalette.ColorRole.Window, blend(base, QColor(220, 50, 47), 0.18))
        self.error_banner.setPalette(pal)

    def changeEvent(self, event: QEvent) -> None:
        """Re-colour on a light/dark switch: the HTML holds colours, not palette roles."""
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._style_banner()
            if self._sections:
                self.details_view.setHtml(sections_html(self._sections, self.palette()))
            elif self._placeholder:
                self._show_placeholder(self._placeholder)

    @property
    def details_text(self) -> str:
        """The Details tab as plain text (what a user would select and copy)."""
        return self.details_view.toPlainText()
