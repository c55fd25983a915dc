"""Credentials test set-up: an in-memory keyring, a fresh settings file, an AWS config.

The in-memory backend is a real ``keyring`` backend (set with ``keyring.set_keyring``),
so the code under test goes through the same ``keyring`` calls as with the OS
keyring; tests can look inside it to prove where a secret went.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def qasync_loop() -> Any:
    """A qasync loop over the one QApplication: the dialog's tasks need Qt events running."""
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Hiding the last dialog must not quit the app (and stop the test's loop).
    app.setQuitOnLastWindowClosed(False)
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: Any, item: Any) -> Mapping[str, Callable[[], Any]]:
    return {"qasync": qasync_loop}


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        if (service, username) not in self.items:
            raise PasswordDeleteError("not found")
        del self.items[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """Looks usable, then fails like a Secret Service whose D-Bus call errors."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("org.freedesktop.DBus.Error.NoReply")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("org.freedesktop.DBus.Error.NoReply")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """keyring's own fail backend: what a headless Linux without Secret Service gets."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def broken_keyring() -> Iterator[BrokenKeyring]:
    previous = keyring.get_keyring()
    backend = BrokenKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def config_dir() -> Iterator[Path]:
    """The app's config dir (XDG_CONFIG_HOME is a temp dir, see tests/conftest.py), emptied."""
    from s3browser.credentials.store import default_path

    path = default_path()
    if path.exists():
        path.unlink()
    yield path.parent
    if path.exists():
        path.unlink()


@pytest.fixture
def store(config_dir: Path) -> ProfileStore:
    return ProfileStore.load()


@pytest.fixture
def secret_store(memory_keyring: MemoryKeyring) -> Iterator[SecretStore]:
    secrets = SecretStore()
    yield secrets
    secrets.close()


@pytest.fixture
def aws_config() -> Iterator[Path]:
    """Write an AWS config + credentials file (the isolated ones tests/conftest.py set)."""
    config = Path(os.environ["AWS_CONFIG_FILE"])
    creds = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    config.write_text(
        "[default]\nregion = eu-west-1\n\n"
        "[profile analyst]\nregion = eu-central-1\n\n"
        "[profile minio-lab]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\n"
        "s3 =\n    addressing_style = path\n"
    )
    creds.write_text(
        "[analyst]\naws_access_key_id = analyst-key\naws_secret_access_key = analyst-secret\n"
    )
    yield config
    config.unlink()
    creds.unlink()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_gui_thread(request: pytest.FixtureRequest) -> Iterator[None]:
    """Free the previous test's Qt objects here, not in a worker thread's garbage collection.

    A Python garbage collection runs on whichever thread happens to allocate; Qt
    objects in reference cycles freed on an executor thread make Qt warn ("Timers
    cannot be stopped from another thread"), which fails the test.
    """
    import gc

    qt = "qtbot" in request.fixturenames
    if qt:
        gc.collect()
    yield
    if qt:
        gc.collect()
