"""The switcher + dialog + start-up, as the main window uses them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.errors import CredentialsExpiredError
from s3browser.credentials.profiles import Profile, Secrets
from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.connections import Connections
from s3browser.ui.widgets.profile_switcher import MANAGE

from .conftest import MemoryKeyring
from .dialog_helpers import dispose, until

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")


@pytest.fixture
async def saved(
    store: ProfileStore, memory_keyring: MemoryKeyring, s3_endpoint: str
) -> list[Profile]:
    profiles = [
        Profile(name="moto", access_key_id="testing-key-id", endpoint_url=s3_endpoint),
        Profile(name="other", access_key_id="other-id", endpoint_url=s3_endpoint),
    ]
    for p in profiles:
        store.put(p)
        SecretStore().set_sync(p.id, Secrets(f"secret-of-{p.name}"))
    store.save()
    return profiles


@pytest.fixture
async def connections(qtbot: Any, saved: list[Profile]) -> AsyncIterator[Connections]:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()  # deleted by this fixture, after the tasks are closed
    c = Connections(window, ProfileStore.load(), SecretStore())
    window.show()
    yield c
    await c.aclose()
    await dispose(window)


def _ready(c: Connections) -> list[tuple[Profile, dict[str, Any]]]:
    got: list[tuple[Profile, dict[str, Any]]] = []
    c.connectionReady.connect(lambda p, creds: got.append((p, creds)))
    return got


async def test_start_without_last_used_opens_the_dialog(connections: Connections) -> None:
    got = _ready(connections)
    assert await connections.start() is False
    assert connections.dialog.isVisible()
    assert got == []


async def test_start_reconnects_to_the_last_used_profile(
    qtbot: Any, saved: list[Profile], store: ProfileStore
) -> None:
    store.last_used = saved[1].id
    store.save()
    c = Connections(None, ProfileStore.load(), SecretStore())
    got = _ready(c)
    assert await c.start() is True
    assert got[0][0].name == "other"
    assert got[0][1]["aws_secret_access_key"] == "secret-of-other"
    assert c.switcher.currentText() == "other"
    assert not c.dialog.isVisible()
    await c.aclose()
    await dispose(c.dialog)
    await dispose(c.switcher)


async def test_switcher_lists_profiles_and_switches(connections: Connections) -> None:
    got = _ready(connections)
    switcher = connections.switcher
    texts = [switcher.itemText(i) for i in range(switcher.count())]
    assert texts[:2] == ["moto", "other"]
    assert texts[-1] == "Manage connections…"
    assert switcher.currentIndex() == -1  # "Not connected"

    switcher.activated.emit(1)
    await until(lambda: got)
    assert got[0][0].name == "other"
    assert switcher.currentText() == "other"
    assert ProfileStore.load().last_used == got[0][0].id

    switcher.activated.emit(switcher.findData(MANAGE))
    assert connections.dialog.isVisible()
    assert switcher.currentText() == "other"  # still shows the connection, not the action


async def test_missing_secret_opens_the_dialog_with_the_sentence(
    connections: Connections, memory_keyring: MemoryKeyring, saved: list[Profile]
) -> None:
    await until(lambda: not connections.dialog._tasks.running)
    memory_keyring.items.clear()  # gone from the keyring (another tool, another machine)
    for p in saved:
        connections.secrets.forget(p.id)  # and not remembered from earlier in this session
    got = _ready(connections)
    connections.switcher.activated.emit(0)
    await until(lambda: connections.dialog.isVisible())
    assert "type the secret key again" in connections.dialog.status.text()
    assert connections.dialog.current_profile().name == "moto"
    assert got == []


async def test_expired_credentials_reopen_the_dialog_on_the_profile(
    connections: Connections,
) -> None:
    got = _ready(connections)
    connections.switcher.activated.emit(1)
    await until(lambda: got)
    connections.show_reconnect(CredentialsExpiredError())
    assert connections.dialog.isVisible()
    assert connections.dialog.current_profile().name == "other"
    assert "have expired — reconnect" in connections.dialog.status.text()


async def test_dialog_changes_reach_the_switcher(
    qtbot: Any, connections: Connections, aws_config: Path
) -> None:
    connections.open_dialog()
    await until(lambda: connections.switcher.count() > 4)
    texts = [connections.switcher.itemText(i) for i in range(connections.switcher.count())]
    assert "analyst (AWS config)" in texts


async def test_temporary_credentials_expiry_in_the_switcher_tooltip(
    qtbot: Any, store: ProfileStore, aws_config: Path, s3_endpoint: str
) -> None:
    import json
    import os
    from datetime import UTC, datetime, timedelta

    expiry = (datetime.now(UTC) + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = json.dumps(
        {
            "Version": 1,
            "AccessKeyId": "tmp",
            "SecretAccessKey": "tmp-secret",
            "SessionToken": "tmp-token",
            "Expiration": expiry,
        }
    )
    script = Path(os.environ["AWS_CONFIG_FILE"]).with_name("creds-30.sh")
    script.write_text(f"#!/bin/sh\necho '{payload}'\n")
    script.chmod(0o700)
    with open(aws_config, "a") as fh:
        fh.write(f"\n[profile sso-like]\nregion = us-east-1\ncredential_process = {script}\n")
    c = Connections(None, store, SecretStore())
    await c.dialog.refresh()
    got = _ready(c)
    c.switcher.activated.emit(c.switcher.findData("aws-config:sso-like"))
    await until(lambda: got and c.expiry)
    assert "temporary credentials expire at" in c.switcher.toolTip()
    await c.aclose()
    await dispose(c.dialog)
    await dispose(c.switcher)


async def test_profile_named_on_the_command_line_shows_in_the_switcher(
    connections: Connections,
) -> None:
    connections.show_current("OTHER")  # names ignore case, like the CLI
    assert connections.switcher.currentText() == "other"
    connections.show_current("an AWS config profile")  # not saved: nothing to show
    assert connections.switcher.currentText() == "other"
