"""Secrets (secret access key, session token) in the OS keyring, and nowhere else.

Every keyring call can block: a locked Secret Service shows an unlock prompt, a
stuck D-Bus never answers (desktop-kDrive#2109 hung its start-up this way). So the
async API runs each call on one dedicated worker thread, with a time limit, and the
GUI only ever awaits it. The synchronous ``*_sync`` methods are for that worker and
for the command line, which has no event loop to keep responsive.

When no real keyring exists (keyring's fail backend on a headless Linux, a Secret
Service that errors), secrets are kept in this process's memory for the session and
:attr:`SecretStore.status` says so, so the UI can warn. Nothing here ever writes a
secret to a file: there is no plain-text fallback at all.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from s3browser.core.errors import S3BrowserError
from s3browser.credentials.profiles import Secrets

log = logging.getLogger(__name__)

SERVICE = "s3browser"
KEYRING_TIMEOUT_SECONDS = 60.0

T = TypeVar("T")


class KeyringUnavailableError(S3BrowserError):
    default_message = (
        "The system keyring did not answer: unlock it (your desktop may be showing a "
        "prompt) and try again."
    )


class MissingSecretError(S3BrowserError):
    """A saved access-keys profile whose secret the keyring does not have (any more)."""

    def __init__(self, profile_name: str) -> None:
        super().__init__(
            f"The secret key of “{profile_name}” is not stored on this computer: edit the "
            "connection and type the secret key again."
        )


@dataclass(frozen=True, slots=True)
class KeyringStatus:
    """Whether secrets survive a restart, and the sentence to show when they do not."""

    persistent: bool
    backend: str
    message: str = ""


SESSION_ONLY_MESSAGE = (
    "No system keyring is available ({why}): secret keys are kept in memory for this "
    "session only, and must be typed again after a restart."
)


def _backend_status() -> KeyringStatus:
    import keyring
    from keyring.backends import chainer, fail

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a broken backend module must not stop the app
        return KeyringStatus(False, "none", SESSION_ONLY_MESSAGE.format(why=type(exc).__name__))
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not backend.backends
    ):
        return KeyringStatus(False, name, SESSION_ONLY_MESSAGE.format(why="no Secret Service"))
    priority = getattr(backend, "priority", 1)
    if type(backend).__module__.startswith("keyrings.alt") or (
        isinstance(priority, int | float) and priority < 1
    ):
        # keyrings.alt's file backends are not the OS keyring (vorta#1361): do not use them.
        why = f"only {type(backend).__name__}, which is not a system keyring"
        return KeyringStatus(False, name, SESSION_ONLY_MESSAGE.format(why=why))
    return KeyringStatus(True, name)


class SecretStore:
    """Secrets by profile id: the OS keyring when it works, else memory for this session."""

    def __init__(self, service: str = SERVICE, timeout: float = KEYRING_TIMEOUT_SECONDS) -> None:
        self.service = service
        self.timeout = timeout
        self._memory: dict[str, Secrets] = {}
        self._status: KeyringStatus | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    # -- synchronous: the worker thread and the CLI -------------------------------------
    def status_sync(self) -> KeyringStatus:
        with self._lock:
            if self._status is None:
                self._status = _backend_status()
                if not self._status.persistent:
                    log.warning(
                        "keyring: %s (backend %s)", self._status.message, self._status.backend
                    )
            return self._status

    def _degrade(self, exc: BaseException) -> None:
        why = f"the keyring failed with {type(exc).__name__}"
        with self._lock:
            backend = self._status.backend if self._status else "unknown"
            self._status = KeyringStatus(False, backend, SESSION_ONLY_MESSAGE.format(why=why))
        # Only the exception's type: its text could quote what was being stored.
        log.warning("keyring: %s; keeping secrets in memory", type(exc).__name__)

    def get_sync(self, profile_id: str) -> Secrets | None:
        cached = self._memory.get(profile_id)
        if cached is not None:
            return cached
        if not self.status_sync().persistent:
            return None
        import keyring

        try:
            raw = keyring.get_password(self.service, profile_id)
        except Exception as exc:
            self._degrade(exc)
            return None
        secrets = _decode(raw)
        if secrets is not None:
            self._memory[profile_id] = secrets
        return secrets

    def set_sync(self, profile_id: str, secrets: Secrets) -> bool:
        """Store the secrets; True when they are in the keyring, False when in memory only."""
        self._memory[profile_id] = secrets
        if not self.status_sync().persistent:
            return False
        import keyring

        try:
            keyring.set_password(self.service, profile_id, _encode(secrets))
        except Exception as exc:
            self._degrade(exc)
            return False
        return True

    def delete_sync(self, profile_id: str) -> None:
        self._memory.pop(profile_id, None)
        if not self.status_sync().persistent:
            return
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(self.service, profile_id)
        except PasswordDeleteError:
            pass  # nothing stored: already gone
        except Exception as exc:
            log.warning("keyring: could not delete a secret: %s", type(exc).__name__)

    def forget(self, profile_id: str) -> None:
        """Drop the in-memory copy (the keyring keeps its own)."""
        self._memory.pop(profile_id, None)

    # -- asynchronous: the GUI ----------------------------------------------------------
    async def status(self) -> KeyringStatus:
        return await self._run(self.status_sync)

    async def get(self, profile_id: str) -> Secrets | None:
        if profile_id in self._memory:
            return self._memory[profile_id]
        return await self._run(self.get_sync, profile_id)

    async def set(self, profile_id: str, secrets: Secrets) -> bool:
        return await self._run(self.set_sync, profile_id, secrets)

    async def delete(self, profile_id: str) -> None:
        await self._run(self.delete_sync, profile_id)

    @property
    def known_status(self) -> KeyringStatus | None:
        """The status if already checked (no keyring call), for painting the UI at once."""
        return self._status

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            # One thread: keyring backends are not all thread-safe, and calls stay ordered.
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, func, *args)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError as exc:
            raise KeyringUnavailableError() from exc

    def close(self) -> None:
        """Let the worker thread end (a hung keyring call is abandoned, not waited for)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _encode(secrets: Secrets) -> str:
    return json.dumps(
        {"secret_access_key": secrets.secret_access_key, "session_token": secrets.session_token}
    )


def _decode(raw: str | None) -> Secrets | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        # Written by hand or by another tool: take the whole value as the secret key.
        return Secrets(secret_access_key=raw)
    if not isinstance(data, dict):
        return Secrets(secret_access_key=raw)
    return Secrets(
        secret_access_key=str(data.get("secret_access_key") or ""),
        session_token=str(data.get("session_token") or ""),
    )
