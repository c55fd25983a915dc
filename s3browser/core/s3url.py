"""Parsing and validating bucket names, ``s3://`` URLs and ``bucket:key`` item ids.

All of this runs before any request, so bad input fails at once with a sentence
instead of as a confusing server error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from s3browser.core.errors import InvalidInputError

# Bucket names as S3 accepts them for new buckets, plus the legacy forms still in use
# in us-east-1 (uppercase, underscores, up to 255 characters) so that old buckets
# stay reachable.
_BUCKET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,253}[A-Za-z0-9]$")
_OTHER_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_IP_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def validate_bucket_name(name: str) -> str:
    """Return ``name`` if it can be a bucket name, else raise :class:`InvalidInputError`."""
    if not isinstance(name, str) or not name:
        raise InvalidInputError("The bucket name is empty: give a bucket name.")
    if "/" in name:
        raise InvalidInputError(
            f"{name!r} is not a bucket name (it contains '/'): give the bucket alone, "
            "or an s3://bucket/key URL."
        )
    if len(name) < 3 or not _BUCKET_RE.match(name) or _IP_RE.match(name) or ".." in name:
        raise InvalidInputError(
            f"{name!r} is not a valid bucket name: use 3-63 lowercase letters, digits, "
            "dots and hyphens, starting and ending with a letter or digit."
        )
    return name


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket (possibly empty: "all buckets") and a key or prefix within it."""

    bucket: str
    key: str = ""

    @property
    def is_root(self) -> bool:
        return not self.bucket

    @property
    def is_prefix(self) -> bool:
        return self.key == "" or self.key.endswith("/")

    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}" if self.bucket else "s3://"

    def parent(self) -> S3Location:
        """The enclosing folder; the bucket's parent is the bucket list."""
        if not self.key:
            return S3Location("")
        trimmed = self.key[:-1] if self.key.endswith("/") else self.key
        cut = trimmed.rfind("/")
        return S3Location(self.bucket, trimmed[: cut + 1] if cut >= 0 else "")


def parse_s3_url(url: str, *, require_bucket: bool = True) -> S3Location:
    """Parse ``s3://bucket/key`` (the key keeps every character after the first '/').

    ``s3://`` alone (or an empty string with ``require_bucket=False``) means the
    bucket list.
    """
    if not isinstance(url, str):
        raise InvalidInputError("The S3 URL must be text such as s3://bucket/prefix/.")
    text = url.strip()
    if not text.lower().startswith("s3://"):
        raise InvalidInputError(
            f"{url!r} is not an S3 URL: write it as s3://bucket/key or s3://bucket/prefix/."
        )
    rest = text[5:]
    bucket, _, key = rest.partition("/")
    if not bucket:
        if key:
            raise InvalidInputError(f"{url!r} has no bucket name: write it as s3://bucket/key.")
        if require_bucket:
            raise InvalidInputError(f"{url!r} has no bucket name: write it as s3://bucket/key.")
        return S3Location("")
    validate_bucket_name(bucket)
    return S3Location(bucket, key)


def parse_item_id(item_id: str) -> S3Location:
    """Parse the data service's item ids: ``s3://bucket/key`` or ``bucket:key``.

    Only the first ':' separates: keys may contain ':' themselves.
    """
    if not isinstance(item_id, str) or not item_id.strip():
        raise InvalidInputError("The item id is empty: use bucket:key or s3://bucket/key.")
    if item_id.lower().startswith("s3://"):
        return parse_s3_url(item_id)
    if _OTHER_SCHEME_RE.match(item_id):
        raise InvalidInputError(
            f"{item_id!r} is not an S3 URL: write it as s3://bucket/key or bucket:key."
        )
    bucket, sep, key = item_id.partition(":")
    if not sep:
        return S3Location(validate_bucket_name(bucket), "")
    return S3Location(validate_bucket_name(bucket), key)
