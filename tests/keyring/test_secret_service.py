"""Against a real Secret Service: save through the dialog, restart, connect without retyping."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Any

import keyring
import pytest

from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.dialogs.connect_dialog import ConnectDialog
from tests.credentials.dialog_helpers import click, dispose, fill_access_keys, until

from .conftest import child_env

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.qt_log_ignore(r"This plugin does not support"),
]

SECRET = "kr-Secret/7f3a9c0e1b2d4e5f60718293a4b5c6d7"


def test_keyring_picks_the_secret_service(secret_service: dict[str, str]) -> None:
    backend = keyring.get_keyring()
    assert f"{type(backend).__module__}.{type(backend).__name__}" == (
        "keyring.backends.SecretService.Keyring"
    )
    assert SecretStore().status_sync().persistent


async def test_saved_profile_connects_in_a_new_process_without_retyping(
    qtbot: Any,
    secret_service: dict[str, str],
    store: ProfileStore,
    s3_endpoint: str,
    s3_admin: Any,
) -> None:
    s3_admin.create_bucket(Bucket="after-restart")
    secrets = SecretStore()
    dialog = ConnectDialog(store, secrets)
    qtbot.addWidget(dialog)
    dialog.open_on()
    fill_access_keys(qtbot, dialog, name="Keyring Lab", endpoint=s3_endpoint, secret=SECRET)
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved" in dialog.status.text())
    assert "session only" not in dialog.status.text()
    assert not dialog.banner.isVisible()
    profile = ProfileStore.load().find("Keyring Lab")
    assert profile is not None
    assert SECRET in (keyring.get_password("s3browser", profile.id) or "")
    await dispose(dialog)
    secrets.close()

    # A new process: the settings file names the profile, the keyring has the secret.
    env = child_env(secret_service)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hashlib, keyring; from s3browser.credentials import resolve_profile_for_cli as r;"
            "print(type(keyring.get_keyring()).__module__);"
            "print(hashlib.sha256(r('Keyring Lab')['aws_secret_access_key'].encode()).hexdigest())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    backend, digest = probe.stdout.split()
    assert backend == "keyring.backends.SecretService"
    assert digest == hashlib.sha256(SECRET.encode()).hexdigest()

    ls = subprocess.run(
        [sys.executable, "-m", "s3browser", "ls", "--profile", "Keyring Lab"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ls.returncode == 0, ls.stderr
    assert "after-restart" in ls.stdout

    # Control: without the Secret Service the same command cannot find the secret.
    no_bus = {k: v for k, v in env.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    blind = subprocess.run(
        [sys.executable, "-m", "s3browser", "ls", "--profile", "Keyring Lab"],
        env=no_bus,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert blind.returncode != 0
    assert "not stored on this computer" in blind.stderr
    assert "Traceback" not in blind.stderr


async def test_delete_removes_the_secret_from_the_secret_service(
    qtbot: Any, secret_service: dict[str, str], store: ProfileStore, s3_endpoint: str
) -> None:
    secrets = SecretStore()
    dialog = ConnectDialog(store, secrets)
    qtbot.addWidget(dialog)
    dialog.open_on()
    fill_access_keys(qtbot, dialog, name="Short-lived", endpoint=s3_endpoint, secret=SECRET)
    click(qtbot, dialog.save_button)
    await until(lambda: "Saved" in dialog.status.text())
    profile = ProfileStore.load().find("Short-lived")
    assert profile is not None and keyring.get_password("s3browser", profile.id)
    click(qtbot, dialog.delete_button)
    click(qtbot, dialog.delete_button)
    await until(lambda: "Deleted" in dialog.status.text())
    assert keyring.get_password("s3browser", profile.id) is None
    await dispose(dialog)
    secrets.close()


_RESTART_PROBE = """
import asyncio, hashlib, json, sys
from s3browser.credentials import resolve_profile_for_cli
from s3browser.core.session import S3Session
out = {}
for name in sys.argv[1:]:
    creds = resolve_profile_for_cli(name)
    secret = creds.pop("aws_secret_access_key")
    creds["secret_sha256"] = hashlib.sha256(secret.encode()).hexdigest()
    out[name] = creds
async def buckets():
    creds = resolve_profile_for_cli("Lab MinIO")
    async with S3Session(creds) as s:
        return [b.name for b in await s.list_buckets()]
out["buckets"] = asyncio.run(buckets())
print(json.dumps(out))
"""


async def test_aws_minio_and_r2_connections_survive_a_restart(
    qtbot: Any,
    secret_service: dict[str, str],
    store: ProfileStore,
    s3_endpoint: str,
    s3_admin: Any,
) -> None:
    """The issue's "done when": add three connections, restart, browse without retyping."""
    import json

    from tests.credentials.dialog_helpers import choose, type_into

    s3_admin.create_bucket(Bucket="lab-data")
    secrets = SecretStore()
    dialog = ConnectDialog(store, secrets)
    qtbot.addWidget(dialog)
    dialog.open_on()
    form = dialog.form
    account = "0123456789abcdef0123456789abcdef"
    for name, preset_id, value, key_id in (
        ("AWS prod", "aws", "eu-west-1", "AKIAEXAMPLEAWS"),
        ("Lab MinIO", "minio", s3_endpoint, "testing-key-id"),
        ("R2 archive", "r2", account, "r2-token-key-id"),
    ):
        click(qtbot, dialog.new_button)
        type_into(qtbot, form.name, name)
        choose(form.preset, preset_id)
        type_into(qtbot, form.preset_value, value)
        type_into(qtbot, form.access_key_id, key_id)
        type_into(qtbot, form.secret_key, f"{SECRET}-{preset_id}")
        click(qtbot, dialog.save_button)
        await until(lambda n=name: f"Saved “{n}”" in dialog.status.text())
    await dispose(dialog)
    secrets.close()

    probe = subprocess.run(
        [sys.executable, "-c", _RESTART_PROBE, "AWS prod", "Lab MinIO", "R2 archive"],
        env=child_env(secret_service),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]
    got = json.loads(probe.stdout)
    assert got["buckets"] == ["lab-data"]
    aws, minio, r2 = got["AWS prod"], got["Lab MinIO"], got["R2 archive"]
    assert "endpoint_url" not in aws and aws["region_name"] == "eu-west-1"
    assert minio["endpoint_url"] == s3_endpoint and minio["addressing_style"] == "path"
    assert r2["endpoint_url"] == f"https://{account}.r2.cloudflarestorage.com"
    assert r2["region_name"] == "auto"
    for creds, preset_id in ((aws, "aws"), (minio, "minio"), (r2, "r2")):
        expected = hashlib.sha256(f"{SECRET}-{preset_id}".encode()).hexdigest()
        assert creds["secret_sha256"] == expected
