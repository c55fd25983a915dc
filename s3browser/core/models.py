"""Plain data returned by the core: no boto objects and no Qt types cross this line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class S3Object:
    """One object as a listing sees it (the seed's fields, in the seed's order).

    ``last_modified`` is an ISO 8601 UTC string, as the seed documents, so the value
    sorts correctly as text and serialises to JSON unchanged.
    """

    key: str
    size: int
    last_modified: str
    etag: str
    storage_class: str
    bucket_name: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class S3Bucket:
    """A bucket; ``region`` is empty until it has been looked up."""

    name: str
    creation_date: str
    region: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class S3Prefix:
    """A "folder": a common prefix ending in the delimiter."""

    bucket_name: str
    prefix: str

    @property
    def name(self) -> str:
        """The last segment with its trailing delimiter, as a file manager would show it."""
        trimmed = self.prefix[:-1] if self.prefix.endswith("/") else self.prefix
        return trimmed.rsplit("/", 1)[-1] + "/"


@dataclass(slots=True)
class ListingPage:
    """One ListObjectsV2 response: what the GUI inserts as one batch of rows."""

    bucket_name: str
    prefix: str
    prefixes: list[S3Prefix] = field(default_factory=list)
    objects: list[S3Object] = field(default_factory=list)
    is_last: bool = True


@dataclass(slots=True)
class Unavailable:
    """A detail that the endpoint or the permissions refused, with the reason why."""

    reason: str

    def __str__(self) -> str:
        return f"not available: {self.reason}"


@dataclass(slots=True)
class ObjectDetails:
    """Everything HeadObject and GetObjectTagging say about one object."""

    bucket_name: str
    key: str
    size: int
    last_modified: str
    etag: str
    content_type: str
    storage_class: str
    version_id: str | None = None
    server_side_encryption: str | None = None
    sse_kms_key_id: str | None = None
    sse_customer_algorithm: str | None = None
    cache_control: str | None = None
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    expires: str | None = None
    user_metadata: dict[str, str] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    checksum_type: str | None = None
    parts_count: int | None = None
    restore_status: str | None = None
    archive_status: str | None = None
    object_lock_mode: str | None = None
    object_lock_retain_until: str | None = None
    legal_hold: str | None = None
    replication_status: str | None = None
    tags: dict[str, str] | Unavailable = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if isinstance(self.tags, Unavailable):
            data["tags"] = str(self.tags)
        return data


# The names of the bucket details sections, in display order.
BUCKET_SECTIONS: tuple[str, ...] = (
    "region",
    "versioning",
    "encryption",
    "policy",
    "tags",
    "lifecycle",
    "public_access_block",
    "object_lock",
    "cors",
    "acl",
)


@dataclass(slots=True)
class BucketDetails:
    """A bucket's configuration; each section is a value or an :class:`Unavailable`."""

    name: str
    sections: dict[str, Any | Unavailable] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        for section, value in self.sections.items():
            out[section] = str(value) if isinstance(value, Unavailable) else value
        return out


@dataclass(slots=True)
class Identity:
    """Who the endpoint says we are; every field may be unknown (None)."""

    account_id: str | None = None
    arn: str | None = None
    user_id: str | None = None

    @property
    def label(self) -> str:
        return self.arn or self.account_id or "unknown"
