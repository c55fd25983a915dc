"""The connect dialog: saved and AWS-config connections, editing, testing, connecting.

Non-modal and driven by signals (``open()``, never ``exec()``, no static message
boxes: a nested event loop inside a qasync coroutine is how "Cannot enter into task"
happens). Every slow thing runs as a task of the dialog's TaskGroup: keyring calls go
to the SecretStore's worker thread, reading the AWS config to the default executor,
and "Test connection" through the core's S3Session, so the window never freezes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from s3browser.core.errors import InvalidInputError, S3BrowserError
from s3browser.credentials.aws_config import discover_aws_profiles
from s3browser.credentials.profiles import Profile
from s3browser.credentials.resolve import resolve_credentials, with_secrets
from s3browser.credentials.secrets import KeyringStatus, SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.dialogs.connect_form import ProfileForm
from s3browser.ui.dialogs.connection_check import check_connection
from s3browser.ui.dialogs.qt_helpers import named
from s3browser.ui.tasks import Generation, TaskGroup

log = logging.getLogger(__name__)

_ID_ROLE = Qt.ItemDataRole.UserRole
_ERROR_STYLE = "color: #b3261e;"
_OK_STYLE = "color: #1b6e20;"
_WARN_STYLE = "background: #fff4ce; color: #4a3b00; padding: 6px; border-radius: 4px;"


class ConnectDialog(QDialog):
    """Manage connections and pick one; ``connectRequested(profile, credentials)`` on Connect."""

    connectRequested = Signal(object, object)
    profilesChanged = Signal()

    def __init__(
        self, store: ProfileStore, secrets: SecretStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connections")
        self.setModal(False)
        self.setObjectName("connectDialog")
        self.store = store
        self.secrets = secrets
        self.aws_profiles: list[Profile] = []
        self._tasks = TaskGroup("connect-dialog")
        self._test_generation = Generation()
        self._draft: Profile | None = None
        self._current: Profile | None = None
        self._dirty = False
        self._confirm_delete = False
        self._confirm_close = False
        self._busy = False

        self.banner = named(QLabel(wordWrap=True), "keyringBanner")
        self.banner.setStyleSheet(_WARN_STYLE)
        self.banner.hide()

        self.list = named(QListWidget(), "profileList")
        self.list.setMinimumWidth(200)
        self.new_button = named(QPushButton("New"), "newProfile")
        self.duplicate_button = named(QPushButton("Duplicate"), "duplicateProfile")
        self.delete_button = named(QPushButton("Delete"), "deleteProfile")
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        for b in (self.new_button, self.duplicate_button, self.delete_button):
            row.addWidget(b)
        left.addLayout(row)

        self.form = ProfileForm()
        self.origin = named(QLabel(wordWrap=True), "origin")
        self.status = named(QLabel(wordWrap=True), "status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setMinimumHeight(40)
        right = QVBoxLayout()
        right.addWidget(self.origin)
        right.addWidget(self.form)
        right.addWidget(self.status)
        right.addStretch(1)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(right, 2)

        self.test_button = named(QPushButton("Test connection"), "testConnection")
        self.save_button = named(QPushButton("Save"), "saveProfile")
        self.close_button = named(QPushButton("Close"), "closeDialog")
        self.connect_button = named(QPushButton("Connect", default=True), "connectButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        for b in (self.save_button, self.close_button, self.connect_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.resize(820, 560)

        self.list.currentItemChanged.connect(self._selection_changed)
        self.form.changed.connect(self._form_changed)
        self.new_button.clicked.connect(self.new_profile)
        self.duplicate_button.clicked.connect(self._duplicate_clicked)
        self.delete_button.clicked.connect(self._delete_clicked)
        self.test_button.clicked.connect(self._test_clicked)
        self.save_button.clicked.connect(self._save_clicked)
        self.connect_button.clicked.connect(self._connect_clicked)
        self.close_button.clicked.connect(self.reject)
        self._rebuild_list()

    # -- public API -------------------------------------------------------------------
    def open_on(
        self, profile_id: str | None = None, message: str = "", *, error: bool = False
    ) -> None:
        """Show the dialog with ``profile_id`` selected (the reconnect path) and a message."""
        if profile_id:
            self._select_id(profile_id)
        self.open()
        self.raise_()
        self.activateWindow()
        if message:
            self.set_status(message, error=error)
        self._tasks.start(self.refresh(), name="connect-dialog-refresh")

    async def refresh(self) -> None:
        """Ask the keyring whether it can keep secrets, and re-read the AWS config."""
        self._show_keyring_status(await self.secrets.status())
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(None, discover_aws_profiles)
        if [p.to_json() for p in found] != [p.to_json() for p in self.aws_profiles]:
            self.aws_profiles = found
            self.form.set_aws_profile_names([p.name for p in found])
            self._rebuild_list()
            self.profilesChanged.emit()

    def _show_keyring_status(self, status: KeyringStatus) -> None:
        self.form.set_keyring_persistent(status.persistent)
        warnings = [w for w in (self.store.load_warning, status.message) if w]
        self.banner.setText("\n".join(warnings))
        self.banner.setVisible(bool(warnings))
        # Say on the button itself what Connect means without a keyring.
        self.connect_button.setText("Connect" if status.persistent else "Connect for this session")

    def all_profiles(self) -> list[Profile]:
        return [*self.store.profiles, *self.aws_profiles]

    def profile_by_id(self, profile_id: str) -> Profile | None:
        return next((p for p in self.all_profiles() if p.id == profile_id), None)

    def current_profile(self) -> Profile | None:
        return self._current

    def set_status(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(_ERROR_STYLE if error else _OK_STYLE if ok else "")

    async def aclose(self) -> None:
        """Cancel whatever the dialog still runs (the app calls this on quit)."""
        await self._tasks.close()

    # -- the list ---------------------------------------------------------------------
    def _rebuild_list(self) -> None:
        keep = self._current.id if self._current else self.store.last_used
        self.list.blockSignals(True)
        self.list.clear()
        for profile in self.all_profiles():
            item = QListWidgetItem(profile.label)
            item.setData(_ID_ROLE, profile.id)
            item.setToolTip(profile.summary)
            if profile.read_only:
                font = QFont(item.font())
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)
        if self._draft is not None:
            item = QListWidgetItem(f"{self._draft.name} (not saved)")
            item.setData(_ID_ROLE, self._draft.id)
            self.list.addItem(item)
        row = self._find_row(keep) if keep else -1
        if row < 0 and self.list.count():
            row = 0
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        chosen = self.list.item(row) if row >= 0 else None
        shown = chosen.data(_ID_ROLE) if chosen is not None else None
        # Only reload the form when the selection really changed: a background refresh
        # (the AWS config read) must not wipe what the user is typing.
        if self._current is None or shown != self._current.id:
            self._selection_changed(chosen, None)

    def _find_row(self, profile_id: str) -> int:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(_ID_ROLE) == profile_id:
                return row
        return -1

    def _select_id(self, profile_id: str) -> None:
        row = self._find_row(profile_id)
        if row >= 0:
            if self.list.currentRow() == row:
                self._selection_changed(self.list.item(row), None)
            else:
                self.list.setCurrentRow(row)

    def _selection_changed(self, item: QListWidgetItem | None, _previous: Any) -> None:
        profile_id = item.data(_ID_ROLE) if item is not None else None
        left = self._current
        note = ""
        if left is not None and profile_id != left.id and not left.read_only and self._dirty:
            note = (
                f"The new connection “{left.name}” was not saved."
                if self._draft is not None and left.id == self._draft.id
                else f"Your unsaved changes to “{left.name}” were discarded."
            )
        if self._draft is not None and profile_id != self._draft.id:
            self._draft = None  # switching away drops an unsaved new connection
            self._tasks.start(_later(self._rebuild_list), name="drop-draft")
        profile = self._draft if self._draft and self._draft.id == profile_id else None
        self._show(profile or (self.profile_by_id(profile_id) if profile_id else None))
        if note:
            self.set_status(note)

    def _show(self, profile: Profile | None) -> None:
        self._test_generation.next()  # an answer for the previous profile is now stale
        self._current = profile
        self._dirty = False
        self._confirm_delete = False
        self._arm_close(False)
        self.delete_button.setText("Delete")
        self.set_status("")
        self.form.setVisible(profile is not None)
        if profile is None:
            self.origin.setText("No connections yet: click New to add one.")
        else:
            is_draft = self._draft is not None and profile.id == self._draft.id
            self.form.load(profile, has_stored_secret=profile.needs_secret and not is_draft)
            if profile.needs_secret and not is_draft:
                self._tasks.start(self._check_secret(profile), name="check-secret")
            self.form.set_read_only(profile.read_only)
            self.origin.setText(
                f"From your AWS config ({profile.name}): edit it there, or Duplicate it to "
                "change its settings here."
                if profile.read_only
                else ""
            )
        self.origin.setVisible(bool(self.origin.text()))
        self._update_buttons()

    async def _check_secret(self, profile: Profile) -> None:
        """Ask the keyring (off the GUI thread) whether this profile's secret is there."""
        try:
            stored = await self.secrets.get(profile.id)
        except S3BrowserError:
            return  # a keyring that does not answer: keep assuming, Connect will say
        if self._current is profile:
            self.form.set_has_stored_secret(bool(stored and stored.secret_access_key))

    def _update_buttons(self) -> None:
        p = self._current
        editable = p is not None and not p.read_only
        self.save_button.setEnabled(editable and not self._busy)
        self.delete_button.setEnabled(
            editable and not self._busy and not (self._draft and p is self._draft)
        )
        self.duplicate_button.setEnabled(p is not None and not self._busy)
        self.test_button.setEnabled(p is not None)
        self.connect_button.setEnabled(p is not None and not self._busy)

    def _form_changed(self) -> None:
        self._dirty = True
        self._arm_close(False)
        self._test_generation.next()
        self.set_status("")

    # -- actions ----------------------------------------------------------------------
    def new_profile(self) -> None:
        self._draft = Profile(
            name=self.store.unique_name("New connection"), preset="aws", region="us-east-1"
        )
        self._current = self._draft
        self._rebuild_list()
        self._select_id(self._draft.id)
        self._dirty = True
        self.form.name.setFocus()
        self.form.name.selectAll()

    def _edited_profile(self) -> Profile:
        assert self._current is not None
        if self._current.read_only:
            return self._current
        return self.form.profile(self._current)

    def _save_clicked(self) -> None:
        self._start(self._save(), "save")

    def _test_clicked(self) -> None:
        self.set_status("Testing the connection…")
        self._tasks.start(self._test(), on_error=self._unexpected, name="test-connection")

    def _connect_clicked(self) -> None:
        self._start(self._connect(), "connect")

    def _duplicate_clicked(self) -> None:
        self._start(self._duplicate(), "duplicate")

    def _delete_clicked(self) -> None:
        if not self._confirm_delete:
            self._confirm_delete = True
            self.delete_button.setText("Confirm delete")
            name = self._current.name if self._current else ""
            self.set_status(
                f"Delete “{name}” and its secret in the keyring? Click Confirm delete.", error=True
            )
            return
        self._start(self._delete(), "delete")

    def _start(self, coro: Any, name: str) -> None:
        self._busy = True
        self._update_buttons()

        async def run() -> None:
            try:
                await coro
            except S3BrowserError as exc:
                self.set_status(str(exc), error=True)
            finally:
                self._busy = False
                self._update_buttons()

        self._tasks.start(run(), on_error=self._unexpected, name=f"connect-dialog-{name}")

    def _unexpected(self, exc: BaseException) -> None:
        log.error("connect dialog action failed", exc_info=exc)
        self.set_status("Something went wrong: see the log file for details.", error=True)

    async def _save(self) -> Profile | None:
        """Write the form to the settings file and its secret to the keyring."""
        if self._current is None or self._current.read_only:
            return self._current
        profile = self._edited_profile()
        typed = self.form.typed_secrets()
        was_draft = self._draft is not None and profile.id == self._draft.id
        if profile.needs_secret and typed is None and was_draft:
            raise InvalidInputError("Type the secret access key: it is stored in the keyring.")
        if profile.needs_secret and typed is None and not self.form.has_stored_secret:
            raise InvalidInputError("Type the secret access key: it is stored in the keyring.")
        self.store.put(profile)
        try:
            self.store.save()
        except OSError as exc:
            if was_draft:
                self.store.remove(profile.id)
            raise InvalidInputError(
                f"The connections could not be saved ({exc.strerror}): check that "
                f"{self.store.path.parent} is writable."
            ) from exc
        persistent = True
        if typed is not None and profile.needs_secret:
            persistent = await self.secrets.set(profile.id, typed)
        elif not profile.needs_secret:
            await self.secrets.delete(profile.id)  # a kind without keys keeps no secret
        self._draft = None
        self._current = profile
        self._rebuild_list()
        self._select_id(profile.id)
        self.profilesChanged.emit()
        if persistent:
            self.set_status(f"Saved “{profile.name}”.", ok=True)
        else:
            if self.secrets.known_status is not None:
                self._show_keyring_status(self.secrets.known_status)
            self.set_status(
                f"Saved “{profile.name}”; its secret key is kept for this session only, "
                "because no system keyring is available.",
                error=True,
            )
        return profile

    async def _credentials(self, profile: Profile) -> dict[str, Any]:
        """Typed secrets win (testing before saving); otherwise the keyring's."""
        typed = self.form.typed_secrets() if not profile.read_only else None
        if profile.needs_secret and typed is not None:
            return with_secrets(profile, typed)
        return await resolve_credentials(profile, self.secrets)

    async def _test(self) -> None:
        if self._current is None:
            return
        generation = self._test_generation.next()
        try:
            profile = self._edited_profile()
            creds = await self._credentials(profile)
        except S3BrowserError as exc:
            self.set_status(str(exc), error=True)
            return
        self.test_button.setEnabled(False)
        try:
            text, ok = await check_connection(creds)
        finally:
            self.test_button.setEnabled(self._current is not None)
        if self._test_generation.is_current(generation):
            self.set_status(text, ok=ok, error=not ok)

    async def _connect(self) -> None:
        if self._current is None:
            return
        profile = self._current
        if not profile.read_only and (self._dirty or self._draft is not None):
            saved = await self._save()
            if saved is None:
                return
            profile = saved
        creds = await self._credentials(profile)
        self.store.last_used = profile.id
        try:
            self.store.save()
        except OSError as exc:
            log.warning("could not remember the last connection: %s", exc.strerror)
        self.form.clear_secret_fields()
        self.connectRequested.emit(profile, creds)
        self.accept()

    async def _duplicate(self) -> None:
        source = self._current
        if source is None:
            return
        base = source if source is not self._draft else self._edited_profile()
        copy = base.duplicate(self.store.unique_name(f"{base.name} (copy)"))
        secret = None
        if copy.needs_secret and not source.read_only:
            secret = self.form.typed_secrets() or await self.secrets.get(source.id)
        self.store.put(copy)
        self.store.save()
        if secret is not None:
            await self.secrets.set(copy.id, secret)
        self._draft = None
        self._current = copy
        self._rebuild_list()
        self._select_id(copy.id)
        self.profilesChanged.emit()
        self.set_status(
            f"Saved a copy as “{copy.name}”: rename it and change what differs.", ok=True
        )

    async def _delete(self) -> None:
        profile = self._current
        if profile is None or profile.read_only:
            return
        self.store.remove(profile.id)
        self.store.save()
        await self.secrets.delete(profile.id)
        self._current = None
        self._rebuild_list()
        self.profilesChanged.emit()
        self.set_status(f"Deleted “{profile.name}” and its stored secret.", ok=True)

    def reject(self) -> None:
        """Close (or Esc); with unsaved edits the first Close says so and a second one
        discards them: typed keys are not lost to one stray click."""
        current = self._current
        if (
            self._dirty
            and current is not None
            and not current.read_only
            and not self._confirm_close
            and self.isVisible()
        ):
            self._arm_close(True)
            self.set_status(
                f"“{current.name}” has unsaved changes: Save them, or click "
                "“Discard and close” to drop them.",
                error=True,
            )
            return
        self._arm_close(False)
        self._test_generation.next()
        super().reject()

    def _arm_close(self, armed: bool) -> None:
        self._confirm_close = armed
        self.close_button.setText("Discard and close" if armed else "Close")


async def _later(func: Any) -> None:
    """Run ``func`` after the current Qt signal has finished (never rebuild a list in its own slot)."""
    await asyncio.sleep(0)
    func()
