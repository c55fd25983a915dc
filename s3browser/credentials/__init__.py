"""Connection profiles (a settings file) and their secrets (the OS keyring only).

Qt-free, so the command line and scripts use the same saved connections as the GUI:
``ProfileStore.load()`` reads them, ``await resolve_credentials(profile, secrets)``
turns one into the core's credentials dict, and ``resolve_profile_for_cli(name)``
does the same for ``s3browser --profile NAME``.
"""

from s3browser.credentials.profiles import Profile, ProfileKind, Secrets
from s3browser.credentials.resolve import (
    resolve_credentials,
    resolve_credentials_sync,
    resolve_profile_for_cli,
)
from s3browser.credentials.secrets import (
    KeyringStatus,
    KeyringUnavailableError,
    MissingSecretError,
    SecretStore,
)
from s3browser.credentials.store import ProfileStore

__all__ = [
    "KeyringStatus",
    "KeyringUnavailableError",
    "MissingSecretError",
    "Profile",
    "ProfileKind",
    "ProfileStore",
    "SecretStore",
    "Secrets",
    "resolve_credentials",
    "resolve_credentials_sync",
    "resolve_profile_for_cli",
]
