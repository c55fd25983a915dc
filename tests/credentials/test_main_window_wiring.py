"""Connections inside the real main window: start-up, switching, File > Connect, reconnect."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from s3browser.core.errors import CredentialsExpiredError
from s3browser.credentials.profiles import Profile, Secrets
from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.connections import Connections
from s3browser.ui.main_window import MainWindow

from .conftest import MemoryKeyring
from .dialog_helpers import dispose, until

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")


@pytest.fixture
async def wired(
    qtbot: Any,
    tmp_path: Any,
    store: ProfileStore,
    memory_keyring: MemoryKeyring,
    s3_endpoint: str,
    s3_admin: Any,
) -> AsyncIterator[tuple[MainWindow, Connections]]:
    s3_admin.create_bucket(Bucket="first")
    s3_admin.create_bucket(Bucket="second")
    for name in ("lab", "other"):
        p = Profile(name=name, access_key_id="testing-key-id", endpoint_url=s3_endpoint)
        store.put(p)
        SecretStore().set_sync(p.id, Secrets("testing-secret-key"))
    store.last_used = store.profiles[0].id
    store.save()
    # Not qtbot.addWidget: pytest-qt would close and delete the window before this
    # fixture's teardown can shut it down in order.
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    connections = Connections(window, ProfileStore.load(), SecretStore())
    connections.attach(window)
    window.show()
    yield window, connections
    # let an identity request in flight finish (cancelling aiohttp mid-write warns)
    await until(lambda: "checking" not in window.status.identity.text())
    await connections.aclose()
    await window.shutdown()
    await dispose(window)


async def test_startup_reconnects_and_the_window_browses(
    wired: tuple[MainWindow, Connections],
) -> None:
    window, connections = wired
    creds = await connections.startup_credentials()
    assert creds is not None
    await window.open_connection(creds)
    await until(lambda: window.tree_model.root_loaded)
    await until(lambda: "checking" not in window.status.identity.text())
    assert window.tree_model.rowCount() == 2
    assert connections.switcher.currentText() == "lab"
    assert connections.switcher.isVisible()  # in the status bar


async def test_switching_profiles_reconnects_the_window(
    wired: tuple[MainWindow, Connections],
) -> None:
    window, connections = wired
    connections.switcher.activated.emit(1)  # "other"
    await until(lambda: window.session is not None and window.tree_model.root_loaded)
    await until(lambda: "checking" not in window.status.identity.text())
    assert connections.switcher.currentText() == "other"
    assert ProfileStore.load().last_used == connections.current.id


async def test_the_start_up_connection_stays_in_the_switcher(
    wired: tuple[MainWindow, Connections], credentials: dict[str, Any]
) -> None:
    """The demo server (an unsaved connection) is listed: switching to a saved one and
    back reconnects to it instead of leaving it unreachable until a restart."""
    window, connections = wired
    connections.set_session_connection("Demo server", credentials)
    await window.open_connection(credentials)
    switcher = connections.switcher
    assert switcher.currentText() == "Demo server"
    switcher.activated.emit(switcher.findText("other"))
    await until(lambda: connections.current is not None and window.tree_model.root_loaded)
    await until(lambda: switcher.currentText() == "other")
    await until(lambda: "checking" not in window.status.identity.text())
    switcher.activated.emit(switcher.findText("Demo server"))
    await until(lambda: connections.current is None and window.tree_model.root_loaded)
    assert switcher.currentText() == "Demo server"
    await until(lambda: "checking" not in window.status.identity.text())


async def test_file_connect_opens_the_dialog(wired: tuple[MainWindow, Connections]) -> None:
    window, connections = wired
    window.connect_requested.emit()  # what File > Connect… does
    assert connections.dialog.isVisible()


async def test_expired_credentials_open_the_dialog_on_the_profile(
    wired: tuple[MainWindow, Connections],
) -> None:
    window, connections = wired
    connections.switcher.activated.emit(0)
    await until(lambda: window.session is not None)
    await until(lambda: "checking" not in window.status.identity.text())
    # what the window does when a listing fails with the core's expired-credentials error
    window._listing_failed(CredentialsExpiredError())
    assert connections.dialog.isVisible()
    assert connections.dialog.current_profile().name == "lab"
    assert connections.dialog.status.text() == str(CredentialsExpiredError())
    assert window.banner.message == str(CredentialsExpiredError())
