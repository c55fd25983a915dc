"""Connection profiles: everything needed to connect, except the secrets.

A profile is plain data that can be written to the settings file as it is: the
secret access key and the session token are never fields here; they live in the OS
keyring (see :mod:`s3browser.credentials.secrets`) and are joined with the profile
only at the moment a connection opens (:meth:`Profile.to_credentials`).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from s3browser.core.errors import InvalidInputError


class ProfileKind(StrEnum):
    """Where a profile's credentials come from."""

    ACCESS_KEYS = "access_keys"  # key id in the settings file, secret in the keyring
    AWS_PROFILE = "aws_profile"  # a named profile of ~/.aws/config (SSO, roles...)
    DEFAULT_CHAIN = "default_chain"  # environment, shared files, instance role
    ANONYMOUS = "anonymous"  # unsigned requests, for public buckets

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ProfileKind.ACCESS_KEYS: "Access keys",
    ProfileKind.AWS_PROFILE: "AWS config profile",
    ProfileKind.DEFAULT_CHAIN: "Default credential chain",
    ProfileKind.ANONYMOUS: "Anonymous (public buckets)",
}

ADDRESSING_STYLES = ("auto", "path", "virtual")


@dataclass(frozen=True, slots=True)
class Secrets:
    """What goes to the keyring; ``repr`` hides both values so logs never show them."""

    secret_access_key: str = ""
    session_token: str = ""

    def __bool__(self) -> bool:
        return bool(self.secret_access_key or self.session_token)

    def __repr__(self) -> str:
        return (
            f"Secrets(secret_access_key={'***' if self.secret_access_key else ''!r}, "
            f"session_token={'***' if self.session_token else ''!r})"
        )

    __str__ = __repr__


def new_profile_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class Profile:
    """One saved connection (or one discovered from the AWS config, then ``read_only``).

    ``verify`` is True (check TLS against the system CAs), False (do not check) or
    the path of a CA bundle; ``preset`` remembers which preset filled the endpoint so
    the dialog can show it again when the profile is edited.
    """

    name: str
    kind: ProfileKind = ProfileKind.ACCESS_KEYS
    id: str = field(default_factory=new_profile_id)
    access_key_id: str = ""
    aws_profile: str = ""
    region: str = ""
    endpoint_url: str = ""
    addressing_style: str = "auto"
    verify: bool | str = True
    preset: str = "aws"
    preset_value: str = ""  # the R2 account id, say: what the preset built the endpoint from
    read_only: bool = False

    # -- checks ---------------------------------------------------------------------
    def validate(self) -> None:
        """Raise InvalidInputError with the sentence to show next to the form."""
        if not self.name.strip():
            raise InvalidInputError("Give the connection a name.")
        if self.kind is ProfileKind.ACCESS_KEYS and not self.access_key_id.strip():
            raise InvalidInputError("Type the access key id (the secret key goes beside it).")
        if self.kind is ProfileKind.AWS_PROFILE and not self.aws_profile.strip():
            raise InvalidInputError("Choose the AWS config profile to use.")
        if self.addressing_style not in ADDRESSING_STYLES:
            raise InvalidInputError("Choose an addressing style: auto, path or virtual.")
        if self.endpoint_url:
            parts = urlsplit(self.endpoint_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InvalidInputError(
                    f"The endpoint URL {self.endpoint_url!r} is not valid: use a full URL "
                    "such as https://s3.example.com or http://127.0.0.1:9000."
                )
        if isinstance(self.verify, str) and not self.verify.strip():
            raise InvalidInputError("Give the path of the CA bundle, or verify with system CAs.")

    @property
    def needs_secret(self) -> bool:
        return self.kind is ProfileKind.ACCESS_KEYS

    @property
    def label(self) -> str:
        return f"{self.name} (AWS config)" if self.read_only else self.name

    @property
    def summary(self) -> str:
        """One line for lists and the status bar: where this connects, never a secret."""
        where = self.endpoint_url or f"AWS {self.region or 'default region'}"
        return f"{self.kind.label} · {where}"

    # -- conversion -----------------------------------------------------------------
    def to_credentials(self, secrets: Secrets | None = None) -> dict[str, Any]:
        """The core's credentials dict (``ConnectionSettings.from_dict`` keys)."""
        creds: dict[str, Any] = {
            "region_name": self.region or None,
            "endpoint_url": self.endpoint_url or None,
            "addressing_style": self.addressing_style,
            "verify": self.verify,
        }
        if self.kind is ProfileKind.ACCESS_KEYS:
            creds["aws_access_key_id"] = self.access_key_id.strip()
            if secrets is not None:
                creds["aws_secret_access_key"] = secrets.secret_access_key or None
                creds["aws_session_token"] = secrets.session_token or None
        elif self.kind is ProfileKind.AWS_PROFILE:
            creds["profile_name"] = self.aws_profile
        elif self.kind is ProfileKind.ANONYMOUS:
            creds["anonymous"] = True
        return {k: v for k, v in creds.items() if v is not None}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["kind"] = self.kind.value
        data.pop("read_only")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        """Read one stored profile, ignoring fields a newer version may have added."""
        known = {f.name for f in fields(cls)} - {"read_only"}
        values = {k: v for k, v in data.items() if k in known}
        kind = values.get("kind", ProfileKind.ACCESS_KEYS.value)
        try:
            values["kind"] = ProfileKind(kind)
        except ValueError as exc:
            raise InvalidInputError(f"Unknown connection kind {kind!r}.") from exc
        verify = values.get("verify", True)
        if not isinstance(verify, bool | str):
            values["verify"] = True
        return cls(**values)

    def duplicate(self, name: str) -> Profile:
        """A saved copy under a new id (an AWS config profile becomes a saved reference)."""
        return replace(self, id=new_profile_id(), name=name, read_only=False)

    def edited(self, **changes: Any) -> Profile:
        return replace(self, **changes)
