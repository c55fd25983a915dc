"""The connect dialog as a user sees it, against the real core on a moto server."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.errors import CredentialsExpiredError
from s3browser.credentials.profiles import Profile, ProfileKind, Secrets
from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.dialogs.connect_dialog import ConnectDialog
from s3browser.ui.dialogs.connection_check import describe_expiry

from .conftest import MemoryKeyring
from .dialog_helpers import choose, click, dispose, fill_access_keys, type_into, until

# The offscreen platform (no display) cannot raise or size windows; it says so.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"


@pytest.fixture
async def dialog(
    qtbot: Any, store: ProfileStore, secret_store: SecretStore
) -> AsyncIterator[ConnectDialog]:
    d = ConnectDialog(store, secret_store)
    qtbot.addWidget(d)
    d.open_on()
    await until(lambda: d.list.count() >= 0 and not d._tasks.running)
    yield d
    await dispose(d)


def _row_names(dialog: ConnectDialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


async def test_new_profile_saved_secret_in_keyring_only(
    qtbot: Any, dialog: ConnectDialog, memory_keyring: MemoryKeyring, s3_endpoint: str
) -> None:
    fill_access_keys(qtbot, dialog, name="Lab MinIO", endpoint=s3_endpoint, secret=SECRET)
    assert dialog.form.endpoint.text() == s3_endpoint  # the preset filled it
    assert dialog.form.addressing.currentData() == "path"
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved" in dialog.status.text())

    saved = ProfileStore.load()
    assert [p.name for p in saved.profiles] == ["Lab MinIO"]
    profile = saved.profiles[0]
    assert profile.endpoint_url == s3_endpoint
    assert SECRET not in saved.path.read_text()
    stored = json.loads(memory_keyring.items[("s3browser", profile.id)])
    assert stored["secret_access_key"] == SECRET
    assert dialog.form.secret_key.text() == ""  # not left lying in the widget
    assert _row_names(dialog) == ["Lab MinIO"]


async def test_new_access_keys_profile_needs_the_secret(
    qtbot: Any, dialog: ConnectDialog, s3_endpoint: str
) -> None:
    fill_access_keys(qtbot, dialog, name="No secret", endpoint=s3_endpoint, secret="")
    click(qtbot, dialog.save_button)
    await until(lambda: "secret access key" in dialog.status.text())
    assert ProfileStore.load().profiles == []


async def test_test_connection_shows_identity_and_bucket_count(
    qtbot: Any, dialog: ConnectDialog, s3_endpoint: str, s3_admin: Any
) -> None:
    for name in ("alpha", "beta", "gamma"):
        s3_admin.create_bucket(Bucket=name)
    fill_access_keys(qtbot, dialog, name="moto", endpoint=s3_endpoint)
    click(qtbot, dialog.test_button)  # before saving: the typed secret is used
    # the click returns at once: the test runs as a task while the dialog stays live
    assert dialog.status.text() == "Testing the connection…"
    await until(lambda: "bucket" in dialog.status.text())
    assert "3 buckets" in dialog.status.text()
    assert "Connected as arn:aws" in dialog.status.text()
    assert ProfileStore.load().profiles == []  # testing does not save


async def test_test_connection_reports_the_core_sentence(
    qtbot: Any, dialog: ConnectDialog, s3_endpoint: str
) -> None:
    fill_access_keys(qtbot, dialog, name="nowhere", endpoint="http://127.0.0.1:9")
    click(qtbot, dialog.test_button)
    await until(lambda: dialog.status.text() not in ("", "Testing the connection…"))
    assert "could not be reached" in dialog.status.text()
    assert "Traceback" not in dialog.status.text()


async def test_connect_emits_credentials_from_the_keyring(
    qtbot: Any,
    dialog: ConnectDialog,
    store: ProfileStore,
    secret_store: SecretStore,
    s3_endpoint: str,
) -> None:
    profile = Profile(name="saved", access_key_id="testing-key-id", endpoint_url=s3_endpoint)
    store.put(profile)
    store.save()
    await secret_store.set(profile.id, Secrets("testing-secret-key"))
    secret_store.forget(profile.id)  # as after a restart: only the keyring has it
    dialog._rebuild_list()
    dialog.open_on(profile.id)

    received: list[tuple[Profile, dict[str, Any]]] = []
    dialog.connectRequested.connect(lambda p, c: received.append((p, c)))
    click(qtbot, dialog.connect_button)
    await until(lambda: received)
    got_profile, creds = received[0]
    assert got_profile.id == profile.id
    assert creds["aws_secret_access_key"] == "testing-secret-key"
    assert creds["endpoint_url"] == s3_endpoint
    assert not dialog.isVisible()
    assert ProfileStore.load().last_used == profile.id


async def test_duplicate_copies_the_secret_and_delete_removes_it(
    qtbot: Any, dialog: ConnectDialog, memory_keyring: MemoryKeyring, s3_endpoint: str
) -> None:
    fill_access_keys(qtbot, dialog, name="prod", endpoint=s3_endpoint, secret=SECRET)
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved" in dialog.status.text())
    click(qtbot, dialog.duplicate_button)
    await until(lambda: "copy" in dialog.status.text())
    assert _row_names(dialog) == ["prod", "prod (copy)"]
    assert len(memory_keyring.items) == 2

    copy = ProfileStore.load().find("prod (copy)")
    assert copy is not None
    assert dialog.current_profile() is not None and dialog.current_profile().id == copy.id
    click(qtbot, dialog.delete_button)  # first click asks
    assert "Confirm" in dialog.delete_button.text()
    assert len(ProfileStore.load().profiles) == 2
    click(qtbot, dialog.delete_button)
    await until(lambda: "Deleted" in dialog.status.text())
    assert [p.name for p in ProfileStore.load().profiles] == ["prod"]
    assert ("s3browser", copy.id) not in memory_keyring.items
    assert len(memory_keyring.items) == 1


async def test_r2_preset_fills_endpoint_and_region_auto(qtbot: Any, dialog: ConnectDialog) -> None:
    click(qtbot, dialog.new_button)
    form = dialog.form
    choose(form.preset, "r2")
    assert form.preset_label.text() == "Account id"
    type_into(qtbot, form.preset_value, "0123456789abcdef0123456789abcdef")
    assert (
        form.endpoint.text() == "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com"
    )
    assert form.region.text() == "auto"
    choose(form.preset, "wasabi")
    type_into(qtbot, form.preset_value, "eu-central-1")
    assert form.endpoint.text() == "https://s3.eu-central-1.wasabisys.com"
    choose(form.preset, "aws")
    assert form.endpoint.text() == ""


async def test_aws_config_profiles_are_listed_read_only(
    qtbot: Any, dialog: ConnectDialog, aws_config: Path
) -> None:
    await dialog.refresh()
    assert _row_names(dialog) == [
        "analyst (AWS config)",
        "default (AWS config)",
        "minio-lab (AWS config)",
    ]
    dialog.list.setCurrentRow(0)
    assert not dialog.save_button.isEnabled()
    assert not dialog.delete_button.isEnabled()
    assert not dialog.form.name.isEnabled()
    assert "AWS config" in dialog.origin.text()
    assert dialog.form.region.text() == "eu-central-1"

    click(qtbot, dialog.duplicate_button)
    await until(lambda: "copy" in dialog.status.text())
    saved = ProfileStore.load().profiles
    assert [(p.name, p.kind, p.aws_profile) for p in saved] == [
        ("analyst (copy)", ProfileKind.AWS_PROFILE, "analyst")
    ]
    assert dialog.form.name.isEnabled()
    # nothing of the AWS credentials file was copied
    assert "analyst-secret" not in ProfileStore.load().path.read_text()


async def test_no_keyring_warns_and_connects_for_this_session(
    qtbot: Any, no_keyring: None, store: ProfileStore, s3_endpoint: str
) -> None:
    secrets = SecretStore()
    dialog = ConnectDialog(store, secrets)
    qtbot.addWidget(dialog)
    dialog.open_on()
    await until(lambda: dialog.banner.isVisible())
    assert "this session only" in dialog.banner.text()
    assert dialog.connect_button.text() == "Connect for this session"

    fill_access_keys(qtbot, dialog, name="lab", endpoint=s3_endpoint, secret=SECRET)
    received: list[dict[str, Any]] = []
    dialog.connectRequested.connect(lambda p, c: received.append(c))
    click(qtbot, dialog.connect_button)
    await until(lambda: received)
    assert received[0]["aws_secret_access_key"] == SECRET
    # the profile is saved, the secret is not (anywhere on disk)
    text = ProfileStore.load().path.read_text()
    assert "lab" in text and SECRET not in text
    assert SecretStore().get_sync(ProfileStore.load().profiles[0].id) is None
    await dispose(dialog)
    secrets.close()


async def test_reconnect_path_opens_on_the_profile_with_the_sentence(
    qtbot: Any, dialog: ConnectDialog, store: ProfileStore
) -> None:
    a = Profile(name="a", access_key_id="k")
    b = Profile(name="b", access_key_id="k")
    store.put(a)
    store.put(b)
    dialog._rebuild_list()
    dialog.hide()
    dialog.open_on(b.id, str(CredentialsExpiredError()), error=True)
    assert dialog.isVisible()
    assert dialog.current_profile() == b
    assert dialog.status.text() == "The credentials have expired — reconnect to get new ones."


async def test_temporary_credentials_show_their_expiry(aws_config: Path, s3_endpoint: str) -> None:
    """A credential_process profile gives refreshable credentials with an expiry."""
    from datetime import UTC, datetime, timedelta

    from s3browser.ui.dialogs.connection_check import check_connection

    expiry = (datetime.now(UTC) + timedelta(minutes=50)).strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = json.dumps(
        {
            "Version": 1,
            "AccessKeyId": "tmp-key",
            "SecretAccessKey": "tmp-secret",
            "SessionToken": "tmp-token",
            "Expiration": expiry,
        }
    )
    script = Path(os.environ["AWS_CONFIG_FILE"]).with_name("creds.sh")
    script.write_text(f"#!/bin/sh\necho '{payload}'\n")
    script.chmod(0o700)
    with open(aws_config, "a") as fh:
        fh.write(f"\n[profile temp]\nregion = us-east-1\ncredential_process = {script}\n")
    creds = {"profile_name": "temp", "endpoint_url": s3_endpoint}
    text, ok = await check_connection(creds)
    assert ok, text
    assert "temporary credentials expire at" in text
    assert "(in 4" in text  # 49 or 50 minutes left


def test_describe_expiry() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert describe_expiry("2026-01-01T12:30:00Z", now).endswith("(in 30 min)")
    assert describe_expiry("2026-01-01T11:00:00Z", now).startswith("credentials expired")


async def test_test_connection_keeps_the_event_loop_running(
    qtbot: Any, dialog: ConnectDialog, s3_endpoint: str
) -> None:
    """The longest event-loop gap while "Test connection" runs (printed; generous bound).

    Most of it is botocore building clients on the loop thread (service models are
    parsed per session); the network waits themselves never block.
    """
    import asyncio
    import contextlib
    import time

    fill_access_keys(qtbot, dialog, name="gap", endpoint=s3_endpoint)
    gaps: list[float] = []
    last = time.perf_counter()

    async def ticker() -> None:
        nonlocal last
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    for _ in range(2):  # the first run also pays for importing boto (done at start-up in the app)
        gaps.clear()
        last = time.perf_counter()
        tick = asyncio.ensure_future(ticker())
        click(qtbot, dialog.test_button)
        await until(lambda: "bucket" in dialog.status.text())
        tick.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await tick
        dialog.set_status("")
    longest = max(gaps)
    print(f"\nlongest event-loop gap during Test connection (2nd run): {longest * 1000:.0f} ms")
    assert longest < 3.0


async def test_a_failing_secret_service_is_reported_after_saving(
    qtbot: Any, broken_keyring: MemoryKeyring, store: ProfileStore, s3_endpoint: str
) -> None:
    secrets = SecretStore()
    dialog = ConnectDialog(store, secrets)
    qtbot.addWidget(dialog)
    dialog.open_on()
    await until(lambda: not dialog._tasks.running)
    assert not dialog.banner.isVisible()  # the backend looked fine...
    fill_access_keys(qtbot, dialog, name="lab", endpoint=s3_endpoint, secret=SECRET)
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved" in dialog.status.text())
    # ...until it failed: the user is told the secret lasts for this session only
    assert "this session only" in dialog.status.text()
    assert dialog.banner.isVisible() and "KeyringError" in dialog.banner.text()
    assert SECRET not in ProfileStore.load().path.read_text()
    await dispose(dialog)
    secrets.close()


async def test_editing_keeps_the_stored_secret_and_changing_kind_drops_it(
    qtbot: Any, dialog: ConnectDialog, memory_keyring: MemoryKeyring, s3_endpoint: str
) -> None:
    fill_access_keys(qtbot, dialog, name="edit me", endpoint=s3_endpoint, secret=SECRET)
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved" in dialog.status.text())
    profile_id = ProfileStore.load().profiles[0].id

    type_into(qtbot, dialog.form.name, "edited")  # secret field left empty
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved “edited”" in dialog.status.text())
    assert [p.name for p in ProfileStore.load().profiles] == ["edited"]
    assert SECRET in memory_keyring.items[("s3browser", profile_id)]

    choose(dialog.form.kind, ProfileKind.ANONYMOUS.value)
    assert not dialog.form.secret_key.isVisibleTo(dialog)
    click(qtbot, dialog.save_button)
    await until(lambda: dialog.status.text().startswith("Saved") and not dialog._busy)
    assert ProfileStore.load().profiles[0].kind is ProfileKind.ANONYMOUS
    assert ("s3browser", profile_id) not in memory_keyring.items


async def test_a_background_refresh_keeps_what_the_user_is_typing(
    qtbot: Any, store: ProfileStore, secret_store: SecretStore, aws_config: Path
) -> None:
    dialog = ConnectDialog(store, secret_store)
    qtbot.addWidget(dialog)
    dialog.open()  # no refresh yet: the AWS config has not been read
    click(qtbot, dialog.new_button)
    type_into(qtbot, dialog.form.name, "half-typed")
    type_into(qtbot, dialog.form.access_key_id, "AKIA-HALF")
    await dialog.refresh()  # the AWS config's profiles arrive
    assert "analyst (AWS config)" in _row_names(dialog)
    assert dialog.form.name.text() == "half-typed"
    assert dialog.form.access_key_id.text() == "AKIA-HALF"
    await dispose(dialog)


async def test_leaving_unsaved_changes_says_they_were_discarded(
    qtbot: Any, dialog: ConnectDialog, store: ProfileStore
) -> None:
    store.put(Profile(name="one", access_key_id="k1"))
    store.put(Profile(name="two", access_key_id="k2"))
    dialog._rebuild_list()
    dialog.list.setCurrentRow(0)
    type_into(qtbot, dialog.form.access_key_id, "k1-edited")
    dialog.list.setCurrentRow(1)
    assert dialog.status.text() == "Your unsaved changes to “one” were discarded."
    assert ProfileStore.load().profiles == []  # nothing was written behind the user's back


async def test_a_missing_secret_shows_in_the_secret_field(
    qtbot: Any, dialog: ConnectDialog, store: ProfileStore, secret_store: SecretStore
) -> None:
    kept = Profile(name="kept", access_key_id="k1")
    lost = Profile(name="lost", access_key_id="k2")
    store.put(kept)
    store.put(lost)
    await secret_store.set(kept.id, Secrets(SECRET))
    dialog._rebuild_list()
    dialog.list.setCurrentRow(1)
    await until(lambda: not dialog._tasks.running)
    assert dialog.form.secret_key.placeholderText().startswith("type it")
    dialog.list.setCurrentRow(0)
    await until(lambda: not dialog._tasks.running)
    assert dialog.form.secret_key.placeholderText().startswith("stored in the system keyring")


async def test_close_with_unsaved_changes_asks_for_a_second_click(
    qtbot: Any, dialog: ConnectDialog, s3_endpoint: str
) -> None:
    """Typed keys are not lost to one click on Close: the first says what would be lost."""
    fill_access_keys(qtbot, dialog, name="Typed", endpoint=s3_endpoint, secret=SECRET)
    click(qtbot, dialog.close_button)
    assert dialog.isVisible()
    assert "unsaved changes" in dialog.status.text()
    assert dialog.close_button.text() == "Discard and close"
    click(qtbot, dialog.close_button)
    assert not dialog.isVisible()
    assert ProfileStore.load().profiles == []
