"""Connection settings -> an aioboto3 session and a botocore client config.

Every credential source goes through botocore's own chain: explicit keys, a profile
of the user's AWS config (so SSO and assume-role profiles refresh themselves), the
default chain (environment, config files, instance role) or unsigned requests.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import InvalidInputError

if TYPE_CHECKING:
    import aioboto3
    from botocore.config import Config

AddressingStyle = Literal["auto", "path", "virtual"]

# The seed's credential keys and the names ConnectionSettings gives them.
_KEY_MAP = {
    "aws_access_key_id": "access_key_id",
    "aws_secret_access_key": "secret_access_key",
    "aws_session_token": "session_token",
    "region_name": "region_name",
    "region": "region_name",
    "profile_name": "profile_name",
    "profile": "profile_name",
    "endpoint_url": "endpoint_url",
    "addressing_style": "addressing_style",
    "verify": "verify",
    "anonymous": "anonymous",
}

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where and how to connect; ``repr`` never shows the secret or the token."""

    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    region_name: str | None = None
    profile_name: str | None = None
    endpoint_url: str | None = None
    addressing_style: AddressingStyle = "auto"
    verify: bool | str = True
    anonymous: bool = False

    @classmethod
    def from_dict(cls, credentials: dict[str, Any] | None) -> ConnectionSettings:
        """Build settings from the seed's credentials dict, checking every value."""
        values: dict[str, Any] = {}
        for key, value in (credentials or {}).items():
            if key not in _KEY_MAP:
                raise InvalidInputError(
                    f"Unknown credential field {key!r}: use one of {', '.join(sorted(_KEY_MAP))}."
                )
            if value is None or value == "":
                continue
            values[_KEY_MAP[key]] = value
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if bool(self.access_key_id) != bool(self.secret_access_key):
            raise InvalidInputError(
                "Give both the access key id and the secret access key, or neither."
            )
        if self.addressing_style not in ("auto", "path", "virtual"):
            raise InvalidInputError(
                f"Unknown addressing style {self.addressing_style!r}: use auto, path or virtual."
            )
        if self.anonymous and self.access_key_id:
            raise InvalidInputError("Choose either anonymous access or access keys, not both.")
        if self.profile_name and self.access_key_id:
            raise InvalidInputError("Choose either an AWS profile or access keys, not both.")
        if self.endpoint_url:
            parts = urlsplit(self.endpoint_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InvalidInputError(
                    f"The endpoint URL {self.endpoint_url!r} is not valid: use a full URL "
                    "such as https://s3.example.com or http://127.0.0.1:9000."
                )
        if isinstance(self.verify, str):
            import os

            if not os.path.isfile(self.verify):
                raise InvalidInputError(
                    f"The CA bundle {self.verify!r} does not exist: give the path of a PEM file."
                )

    @property
    def is_aws(self) -> bool:
        """True when talking to AWS itself (no endpoint, or an amazonaws.com one)."""
        if not self.endpoint_url:
            return True
        host = urlsplit(self.endpoint_url).hostname or ""
        return host.endswith(".amazonaws.com") or host.endswith(".amazonaws.com.cn")

    @property
    def source(self) -> str:
        if self.anonymous:
            return "anonymous"
        if self.access_key_id:
            return "access_keys"
        if self.profile_name:
            return "profile"
        return "default_chain"

    def with_region(self, region: str) -> ConnectionSettings:
        return replace(self, region_name=region)

    def public_dict(self) -> dict[str, Any]:
        """Everything except secrets, safe for logs and the status bar."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("secret_access_key", "session_token"):
                out[f.name] = "***" if value else None
            elif f.name == "access_key_id" and value:
                out[f.name] = mask_key(value)
            else:
                out[f.name] = value
        out["source"] = self.source
        return out

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.public_dict().items())
        return f"ConnectionSettings({inner})"

    __str__ = __repr__


def mask_key(value: str) -> str:
    """Show enough of an access key id to recognise it, never a whole secret."""
    return value[:4] + "…" + value[-2:] if len(value) > 8 else "***"


_shared_loader: Any = None


def _botocore_session() -> Any:
    """A fresh botocore session that shares one model loader with all the others.

    Every new session would otherwise read and parse the S3 and STS service models
    again (tens of milliseconds on the GUI thread for each connection test or
    switch); the loader caches them, and the models never change while we run.
    """
    global _shared_loader
    from aiobotocore.session import AioSession

    session = AioSession()
    if _shared_loader is None:
        _shared_loader = session.get_component("data_loader")
    else:
        session.register_component("data_loader", _shared_loader)
    return session


def create_session(settings: ConnectionSettings) -> aioboto3.Session:
    import aioboto3

    core = _botocore_session()
    if settings.access_key_id:
        return aioboto3.Session(
            aws_access_key_id=settings.access_key_id,
            aws_secret_access_key=settings.secret_access_key,
            aws_session_token=settings.session_token,
            region_name=settings.region_name,
            botocore_session=core,
        )
    if settings.profile_name:
        return aioboto3.Session(
            profile_name=settings.profile_name,
            region_name=settings.region_name,
            botocore_session=core,
        )
    return aioboto3.Session(region_name=settings.region_name, botocore_session=core)


def client_config(
    settings: ConnectionSettings, region: str, service: str = "s3", **overrides: Any
) -> Config:
    """The botocore config for one client: retries, timeouts, pool, addressing, checksums."""
    from botocore import UNSIGNED
    from botocore.config import Config

    addressing = settings.addressing_style
    if addressing == "auto" and not settings.is_aws:
        # Most S3-compatible servers only answer path-style requests reliably.
        addressing = "path"
    kwargs: dict[str, Any] = {
        "region_name": region,
        "retries": dict(S3_CONFIG["retry"]),
        "connect_timeout": S3_CONFIG["timeouts"]["connect_seconds"],
        "read_timeout": S3_CONFIG["timeouts"]["read_seconds"],
        "max_pool_connections": S3_CONFIG["max_pool_connections"],
        "s3": {"addressing_style": addressing},
        "user_agent_extra": "s3browser",
    }
    if not settings.is_aws:
        # botocore >= 1.36 adds CRC checksums by default, which several S3-compatible
        # servers reject; only send and check them where the operation requires it.
        kwargs["request_checksum_calculation"] = "when_required"
        kwargs["response_checksum_validation"] = "when_required"
    if settings.anonymous:
        kwargs["signature_version"] = UNSIGNED
    elif service == "s3":
        # SigV4 everywhere: presigned URLs would otherwise use SigV2, which newer AWS
        # regions and several S3-compatible servers refuse.
        kwargs["signature_version"] = "s3v4"
    kwargs.update(overrides)
    return Config(**kwargs)
