"""Connections for the main window: the switcher, the dialog, and start-up, in one object.

The main window needs three things: a widget for its toolbar (``switcher``), a way
to open the dialog (``open_dialog``/``show_reconnect``), and one signal,
``connectionReady(profile, credentials)``, to pass to ``MainWindow.set_connection``.
Everything that touches the keyring or the AWS config runs as a task of this
object's TaskGroup, never on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from s3browser.core.errors import CredentialsExpiredError, S3BrowserError
from s3browser.credentials.aws_config import AWS_ID_PREFIX, discover_aws_profiles
from s3browser.credentials.profiles import Profile
from s3browser.credentials.redact import install_log_redaction
from s3browser.credentials.resolve import resolve_credentials
from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.dialogs.connect_dialog import ConnectDialog
from s3browser.ui.tasks import TaskGroup
from s3browser.ui.widgets.profile_switcher import ProfileSwitcher

log = logging.getLogger(__name__)


class Connections(QObject):
    """Owns the profile store, the secret store, the switcher widget and the dialog."""

    connectionReady = Signal(object, object)  # Profile, the core's credentials dict

    def __init__(
        self,
        window: QWidget | None = None,
        store: ProfileStore | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        super().__init__(window)
        # Mask security tokens in every log line of the GUI, whatever the credentials'
        # source (--endpoint-url with AWS_* variables never passes through a profile).
        install_log_redaction()
        self.store = store if store is not None else ProfileStore.load()
        self.secrets = secrets if secrets is not None else SecretStore()
        self.switcher = ProfileSwitcher(window)
        self.dialog = ConnectDialog(self.store, self.secrets, window)
        self.current: Profile | None = None
        self.expiry: str | None = None  # ISO 8601, for temporary credentials
        self._tasks = TaskGroup("connections")
        self._session_creds: Any = None  # a credentials dict or ConnectionSettings

        self.switcher.profileChosen.connect(self._switch_to)
        self.switcher.manageRequested.connect(lambda: self.open_dialog())
        self.switcher.sessionChosen.connect(self._switch_to_session)
        self.dialog.connectRequested.connect(self._connected_from_dialog)
        self.dialog.profilesChanged.connect(self._refresh_switcher)
        self._refresh_switcher()

    # -- what the main window calls ---------------------------------------------------
    def open_dialog(self, message: str = "", *, error: bool = False) -> None:
        current = self.current.id if self.current else self.store.last_used
        self.dialog.open_on(current, message, error=error)

    def show_reconnect(self, error: BaseException | str | None = None) -> None:
        """The reconnect path: expired (or rejected) credentials open the dialog on this profile."""
        message = str(error) if error else str(CredentialsExpiredError())
        self.open_dialog(message, error=True)

    def attach(self, window: Any) -> None:
        """Wire into the main window: switcher in the status bar, File > Connect…, the
        connection itself, and the reconnect path for expired or rejected credentials."""
        status = getattr(window, "status", None)
        if status is not None:
            # Before the identity/endpoint/region fields it describes.
            status.addPermanentWidget(self.switcher)
        window.connect_requested.connect(lambda: self.open_dialog())
        credentials_rejected = getattr(window, "credentials_rejected", None)
        if credentials_rejected is not None:
            credentials_rejected.connect(self.show_reconnect)
        self.connectionReady.connect(lambda _profile, creds: window.set_connection(creds))

    def set_session_connection(self, label: str, creds: Any) -> None:
        """The unsaved connection the app started with (the demo server, command-line
        options): listed in the switcher as ``label`` so the user can come back to it."""
        self._session_creds = creds
        self.switcher.set_session_entry(label)

    def _switch_to_session(self) -> None:
        if self._session_creds is None:
            return
        self.current = None
        self.expiry = None
        self.switcher.setToolTip("Connection")
        self.switcher.set_current(None)
        self.connectionReady.emit(None, self._session_creds)

    def show_current(self, name: str) -> None:
        """Show the saved connection called ``name`` as current (``--profile NAME``)."""
        profile = self.store.find(name)
        if profile is not None:
            self.current = profile
            self._refresh_switcher()

    async def startup_credentials(self) -> dict[str, Any] | None:
        """The last used connection's credentials for start-up, or None (no dialog opened
        unless that connection needs attention: a missing secret, say)."""
        # The switcher lists the AWS config's profiles too: read them in the background.
        self._tasks.start(self.dialog.refresh(), on_error=self._refresh_failed, name="aws-config")
        if not self.store.last_used:
            return None
        profile = await self._find(self.store.last_used)
        if profile is None:
            return None
        try:
            creds = await resolve_credentials(profile, self.secrets)
        except S3BrowserError as exc:
            self.dialog.open_on(profile.id, str(exc), error=True)
            return None
        self._remember(profile, creds)
        return creds

    async def start(self) -> bool:
        """At start-up: connect to the last used connection, or open the dialog.

        Returns True when ``connectionReady`` was emitted. Keyring and AWS config are
        read off the GUI thread; a missing secret opens the dialog with its sentence.
        """
        profile = await self._find(self.store.last_used) if self.store.last_used else None
        if profile is None:
            self.open_dialog(self.store.load_warning, error=bool(self.store.load_warning))
            return False
        return await self._connect(profile)

    async def aclose(self) -> None:
        await self._tasks.close()
        await self.dialog.aclose()
        self.secrets.close()

    # -- internals --------------------------------------------------------------------
    async def _find(self, profile_id: str) -> Profile | None:
        saved = self.store.get(profile_id)
        if saved is not None or not profile_id.startswith(AWS_ID_PREFIX):
            return saved
        loop = asyncio.get_running_loop()
        found = await loop.run_in_executor(None, discover_aws_profiles)
        return next((p for p in found if p.id == profile_id), None)

    async def _connect(self, profile: Profile) -> bool:
        try:
            creds = await resolve_credentials(profile, self.secrets)
        except S3BrowserError as exc:
            self.dialog.open_on(profile.id, str(exc), error=True)
            return False
        self._remember(profile, creds)
        self.connectionReady.emit(profile, creds)
        return True

    def _switch_to(self, profile_id: str) -> None:
        profile = self.dialog.profile_by_id(profile_id) or self.store.get(profile_id)
        if profile is None:
            return
        self._tasks.start(self._connect(profile), on_error=self._failed, name="switch-profile")

    def _connected_from_dialog(self, profile: Profile, creds: dict[str, Any]) -> None:
        self._remember(profile, creds)
        self.connectionReady.emit(profile, creds)

    def _remember(self, profile: Profile, creds: dict[str, Any]) -> None:
        self.current = profile
        self.expiry = None
        self.switcher.setToolTip(f"Connection: {profile.summary}")
        self._tasks.start(self._show_expiry(profile, creds), on_error=self._expiry_failed)
        if self.store.last_used != profile.id:
            self.store.last_used = profile.id
            try:
                self.store.save()
            except OSError as exc:
                log.warning("could not remember the last connection: %s", exc.strerror)
        self._refresh_switcher()

    def _refresh_switcher(self) -> None:
        current = self.current.id if self.current else None
        self.switcher.set_profiles(self.dialog.all_profiles(), current)

    async def _show_expiry(self, profile: Profile, creds: dict[str, Any]) -> None:
        """Temporary credentials: say when they expire (no request: botocore's own chain)."""
        from s3browser.core.session import S3Session
        from s3browser.ui.dialogs.connection_check import describe_expiry

        try:
            async with S3Session(creds) as session:
                expiry = await session.credential_expiry()
        except S3BrowserError:
            return
        if expiry and self.current is profile:
            self.expiry = expiry
            self.switcher.setToolTip(f"Connection: {profile.summary}\n{describe_expiry(expiry)}")

    def _expiry_failed(self, exc: BaseException) -> None:
        log.info("credential expiry unknown: %s", type(exc).__name__)

    def _refresh_failed(self, exc: BaseException) -> None:
        log.warning("could not list the AWS config's profiles: %s", type(exc).__name__)

    def _failed(self, exc: BaseException) -> None:
        log.error("switching connections failed", exc_info=exc)
        self.open_dialog("Could not switch connections: see the log file for details.", error=True)
