"""Joining a profile with its secrets into the core's credentials dict, at connect time.

This is the only place where a profile and its secret meet; the result goes straight
to :class:`s3browser.core.session.S3Session` and is never stored or logged.
"""

from __future__ import annotations

from typing import Any

from s3browser.credentials.profiles import Profile, Secrets
from s3browser.credentials.redact import install_log_redaction, register_secret
from s3browser.credentials.secrets import MissingSecretError, SecretStore
from s3browser.credentials.store import ProfileStore


async def resolve_credentials(profile: Profile, secrets: SecretStore) -> dict[str, Any]:
    """The credentials dict for ``profile``; the keyring is read on a worker thread."""
    install_log_redaction()
    if not profile.needs_secret:
        return profile.to_credentials()
    stored = await secrets.get(profile.id)
    if stored is None or not stored.secret_access_key:
        raise MissingSecretError(profile.name)
    return with_secrets(profile, stored)


def with_secrets(profile: Profile, secrets: Secrets) -> dict[str, Any]:
    """Join a profile with its secrets, first telling the log redaction what to mask."""
    register_secret(secrets.secret_access_key, secrets.session_token)
    return profile.to_credentials(secrets)


def resolve_credentials_sync(profile: Profile, secrets: SecretStore) -> dict[str, Any]:
    """The same, blocking: for the command line (no event loop to keep responsive)."""
    install_log_redaction()
    if not profile.needs_secret:
        return profile.to_credentials()
    stored = secrets.get_sync(profile.id)
    if stored is None or not stored.secret_access_key:
        raise MissingSecretError(profile.name)
    return with_secrets(profile, stored)


def resolve_profile_for_cli(name: str) -> dict[str, Any] | None:
    """The credentials of the saved connection called ``name``, or None if there is none.

    None lets the command line fall back to an AWS config profile of that name. A
    saved access-keys connection whose secret is missing raises MissingSecretError
    (its sentence says what to do) rather than silently trying other credentials.
    """
    store = ProfileStore.load()
    profile = store.find(name)
    if profile is None:
        return None
    return resolve_credentials_sync(profile, SecretStore())
