"""Secrets go to the keyring only; without a keyring they stay in memory, with a warning."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path

import pytest

from s3browser.credentials.profiles import Profile, Secrets
from s3browser.credentials.secrets import KeyringUnavailableError, SecretStore
from s3browser.credentials.store import ProfileStore

from .conftest import MemoryKeyring

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"


async def test_secret_goes_to_keyring_under_profile_id(
    memory_keyring: MemoryKeyring, secret_store: SecretStore
) -> None:
    assert await secret_store.set("profile-1", Secrets(SECRET, "token-1")) is True
    raw = memory_keyring.items[("s3browser", "profile-1")]
    assert json.loads(raw) == {"secret_access_key": SECRET, "session_token": "token-1"}

    fresh = SecretStore()  # a new process: nothing in memory
    assert await fresh.get("profile-1") == Secrets(SECRET, "token-1")
    fresh.close()


async def test_keyring_calls_run_off_the_event_loop_thread(
    memory_keyring: MemoryKeyring, secret_store: SecretStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    original = memory_keyring.set_password

    def spy(*args: str) -> None:
        threads.append(threading.current_thread().name)
        original(*args)

    monkeypatch.setattr(memory_keyring, "set_password", spy)
    await secret_store.set("p", Secrets(SECRET))
    assert threads and threads[0] != threading.main_thread().name
    assert threads[0].startswith("keyring")


async def test_delete_removes_the_keyring_entry(
    memory_keyring: MemoryKeyring, secret_store: SecretStore
) -> None:
    await secret_store.set("p", Secrets(SECRET))
    await secret_store.delete("p")
    assert memory_keyring.items == {}
    assert await secret_store.get("p") is None
    await secret_store.delete("p")  # deleting twice is fine


async def test_no_keyring_keeps_secrets_in_memory_and_says_so(
    no_keyring: None, config_dir: Path
) -> None:
    secrets = SecretStore()
    status = await secrets.status()
    assert not status.persistent
    assert "this session only" in status.message
    assert await secrets.set("p", Secrets(SECRET)) is False
    assert await secrets.get("p") == Secrets(SECRET)  # usable for this session
    assert SecretStore().get_sync("p") is None  # gone after a "restart"
    secrets.close()
    # and nothing was written anywhere as a fallback
    assert not config_dir.exists() or all(
        SECRET not in f.read_text() for f in config_dir.rglob("*") if f.is_file()
    )


async def test_a_failing_secret_service_degrades_to_memory(broken_keyring: MemoryKeyring) -> None:
    secrets = SecretStore()
    assert (await secrets.status()).persistent
    assert await secrets.set("p", Secrets(SECRET)) is False
    status = await secrets.status()
    assert not status.persistent
    assert "KeyringError" in status.message
    assert await secrets.get("p") == Secrets(SECRET)
    secrets.close()


async def test_a_hanging_keyring_times_out_with_a_sentence(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def hang(*_: str) -> None:
        release.wait(10)

    monkeypatch.setattr(memory_keyring, "get_password", hang)
    secrets = SecretStore(timeout=0.2)
    with pytest.raises(KeyringUnavailableError, match="unlock it"):
        await secrets.get("p")
    release.set()
    secrets.close()
    await asyncio.sleep(0)


def test_secret_written_by_another_tool_is_read_as_the_key(
    memory_keyring: MemoryKeyring,
) -> None:
    memory_keyring.items[("s3browser", "p")] = SECRET
    assert SecretStore().get_sync("p") == Secrets(SECRET)


async def test_settings_file_never_holds_the_secret(
    memory_keyring: MemoryKeyring, secret_store: SecretStore, store: ProfileStore
) -> None:
    profile = Profile(name="aws", access_key_id="AKIAEXAMPLE")
    store.put(profile)
    store.save()
    await secret_store.set(profile.id, Secrets(SECRET, "session-token-value"))
    text = store.path.read_text()
    assert SECRET not in text
    assert "session-token-value" not in text
