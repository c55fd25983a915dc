"""Changes to moto made inside the demo server's own process.

moto is a test double, not a server built for scale. Three things the demo needs it
does not give:

* **Fast listing.** moto's ListObjectsV2 walks and sorts every key of the bucket on
  every page, so listing 200,000 keys 1,000 at a time costs O(n²) and takes minutes.
  :func:`install_fast_listing` replaces it with a sorted index of key names (rebuilt
  only after the bucket's keys change) and a bisect to the page's start.
* **Fast bulk seeding.** :func:`bulk_put` inserts keys straight into the in-process
  backend (no HTTP), with a shared private ACL and in-memory buffers so 200,000 keys
  take seconds and a few hundred MB rather than one HTTP PUT each.
* **A user who may not read one bucket.** moto checks IAM policies only when its
  ``INITIAL_NO_AUTH_ACTION_COUNT`` setting is reached; :func:`create_demo_user` and
  :func:`enforce_iam_auth` create the demo IAM user with fixed keys and a policy that
  denies one bucket, then switch the check on (signatures are then verified too).

Only ever imported by the server child process: it imports moto internals.
"""

from __future__ import annotations

import bisect
import io
import json
import threading
import types
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3 import models as s3_models
from moto.s3.utils import _VersionedKeyStore

_INDEX_ATTR = "_s3browser_index"
_GEN_ATTR = "_s3browser_generation"
_lock = threading.Lock()


def s3_backend() -> Any:
    return s3_models.s3_backends[DEFAULT_ACCOUNT_ID]["aws"]


# -- sorted key index ---------------------------------------------------------------
def _bump(store: Any) -> None:
    store.__dict__[_GEN_ATTR] = store.__dict__.get(_GEN_ATTR, 0) + 1


def _wrap_mutator(name: str) -> None:
    original = getattr(_VersionedKeyStore, name, None) or getattr(dict, name)

    def mutator(self: Any, *args: Any, **kwargs: Any) -> Any:
        _bump(self)
        return original(self, *args, **kwargs)

    mutator.__name__ = name
    setattr(_VersionedKeyStore, name, mutator)


def sorted_names(store: Any) -> list[str]:
    """The bucket's key names in order, cached until the key store changes."""
    generation = store.__dict__.get(_GEN_ATTR, 0)
    cached = store.__dict__.get(_INDEX_ATTR)
    if cached is not None and cached[0] == generation:
        names: list[str] = cached[1]
        return names
    with _lock:
        names = sorted(dict.keys(store))
        store.__dict__[_INDEX_ATTR] = (generation, names)
    return names


def _after(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def list_page(
    store: Any, prefix: str, delimiter: str | None, marker: str | None, max_keys: int
) -> tuple[list[Any], bool]:
    """Up to ``max_keys`` entries (keys and common-prefix strings) after ``marker``.

    Same answer as moto's ListObjectsV2 (delete markers hidden, common prefixes
    folded, entries strictly after the marker) in O(page · log n) instead of O(n log n).
    """
    names = sorted_names(store)
    i = bisect.bisect_left(names, prefix)
    if marker is not None:
        i = max(i, bisect.bisect_right(names, marker))
    out: list[Any] = []
    plen = len(prefix)
    count = len(names)
    while i < count:
        name = names[i]
        if not name.startswith(prefix):
            break
        if delimiter:
            pos = name.find(delimiter, plen)
            if pos >= 0:
                common = name[: pos + len(delimiter)]
                i = bisect.bisect_left(names, _after(common), i)
                if marker is not None and common <= marker:
                    continue
                if len(out) == max_keys:
                    return out, True
                out.append(common)
                continue
        i += 1
        versions = dict.get(store, name)
        if not versions:
            continue
        key = versions[-1]
        if isinstance(key, s3_models.FakeDeleteMarker):
            continue
        if len(out) == max_keys:
            return out, True
        out.append(key)
    return out, False


def install_fast_listing() -> None:
    """Replace S3Backend.list_objects_v2 with the indexed version (idempotent)."""
    if getattr(s3_models.S3Backend, "_s3browser_fast", False):
        return
    for name in ("__setitem__", "__delitem__", "setlist", "pop", "clear", "update", "popitem"):
        _wrap_mutator(name)
    original = s3_models.S3Backend.list_objects_v2

    def list_objects_v2(
        self: Any,
        bucket: Any,
        prefix: str | None,
        delimiter: str | None,
        continuation_token: str | None,
        start_after: str | None,
        max_keys: int,
    ) -> tuple[list[Any], bool, str | None]:
        if isinstance(bucket, s3_models.FakeTableStorageBucket):
            answer: Any = original(
                self, bucket, prefix, delimiter, continuation_token, start_after, max_keys
            )
            return answer
        marker = (
            self._pagination_tokens.get(continuation_token) if continuation_token else start_after
        )
        if max_keys == 0:
            return [], False, None
        entries, truncated = list_page(bucket.keys, prefix or "", delimiter, marker, max_keys)
        token = None
        if truncated:
            last = entries[-1]
            last_name = last if isinstance(last, str) else last.name
            token = s3_models.md5_hash(last_name.encode("utf-8")).hexdigest()
            self._pagination_tokens[token] = last_name
        return entries, truncated, token

    setattr(s3_models.S3Backend, "list_objects_v2", list_objects_v2)  # noqa: B010
    setattr(s3_models.S3Backend, "_s3browser_fast", True)  # noqa: B010
    _install_fast_listing_xml()


def _install_fast_listing_xml() -> None:
    """Render ListObjectsV2 answers with a string template.

    moto's generic, model-driven serializer spends ~150 ms on a 1,000-key page
    (measured: it dominates once the key index makes the lookup cheap); a template
    gives the same XML in a few milliseconds.
    """
    import urllib.parse
    from xml.sax.saxutils import escape

    from moto import settings
    from moto.s3.exceptions import InvalidContinuationToken
    from moto.s3.responses import S3Response

    def list_objects_v2(self: Any) -> Any:
        bucket = self.backend.get_bucket(self.bucket_name)
        continuation_token = self.querystring.get("continuation-token", [None])[0]
        if continuation_token is not None and continuation_token == "":
            raise InvalidContinuationToken()
        querystring = self._get_querystring(self.request, self.uri)
        prefix = querystring.get("prefix", [None])[0]
        if prefix and isinstance(prefix, bytes):
            prefix = prefix.decode("utf-8")
        delimiter = self.querystring.get("delimiter", [None])[0]
        max_keys = int(self.querystring.get("max-keys", [settings.get_s3_default_max_keys()])[0])
        start_after = self.querystring.get("start-after", [None])[0]
        encoding_type = self.querystring.get("encoding-type", [None])[0]
        entries, truncated, next_token = self.backend.list_objects_v2(
            bucket=bucket,
            prefix=prefix,
            delimiter=delimiter,
            continuation_token=continuation_token,
            start_after=start_after,
            max_keys=max_keys,
        )
        url = encoding_type == "url"

        def text(value: str) -> str:
            return escape(urllib.parse.quote(value) if url else value)

        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
            f"<Name>{escape(bucket.name)}</Name>",
            f"<Prefix>{text(prefix or '')}</Prefix>",
            f"<MaxKeys>{max_keys}</MaxKeys><KeyCount>{len(entries)}</KeyCount>",
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
        ]
        if delimiter:
            parts.append(f"<Delimiter>{escape(delimiter)}</Delimiter>")
        folders = []
        for entry in entries:
            if isinstance(entry, str):
                folders.append(f"<CommonPrefixes><Prefix>{text(entry)}</Prefix></CommonPrefixes>")
                continue
            checksum = (
                f"<ChecksumAlgorithm>{entry.checksum_algorithm}</ChecksumAlgorithm>"
                if entry.checksum_algorithm
                else ""
            )
            parts.append(
                f"<Contents><Key>{text(entry.name)}</Key>"
                f"<LastModified>{entry.last_modified_ISO8601}</LastModified>"
                f"<ETag>{escape(entry.etag)}</ETag>{checksum}<Size>{entry.size}</Size>"
                f"<StorageClass>{entry.storage_class}</StorageClass></Contents>"
            )
        parts.extend(folders)
        if encoding_type:
            parts.append(f"<EncodingType>{escape(encoding_type)}</EncodingType>")
        if next_token:
            parts.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
        if not continuation_token and start_after:
            parts.append(f"<StartAfter>{escape(start_after)}</StartAfter>")
        parts.append("</ListBucketResult>")
        self.data["Action"] = "ListObjectsV2"
        return 200, {"Content-Type": "application/xml"}, "".join(parts)

    setattr(S3Response, "list_objects_v2", list_objects_v2)  # noqa: B010


# -- bulk insert --------------------------------------------------------------------
def bulk_put(
    bucket_name: str,
    items: Iterable[tuple[str, bytes, datetime | None, str | None]],
    content_type: str = "application/octet-stream",
) -> int:
    """Insert (key, body, last_modified, storage_class) items into the backend directly.

    While it runs, moto's per-key ACL objects are replaced by one shared private ACL
    and its spooled temporary files by plain in-memory buffers: both are per-object
    overheads that matter at 200,000 keys and not at all for small demo objects.
    """
    backend = s3_backend()
    shared_acl = s3_models.get_canned_acl("private")
    original_acl, original_tempfile = s3_models.get_canned_acl, s3_models.tempfile

    def canned_acl(name: str) -> Any:
        return shared_acl if name == "private" else original_acl(name)

    setattr(s3_models, "get_canned_acl", canned_acl)  # noqa: B010
    s3_models.tempfile = types.SimpleNamespace(  # type: ignore[assignment]
        SpooledTemporaryFile=lambda *a, **k: io.BytesIO()
    )
    count = 0
    try:
        for key_name, body, modified, storage in items:
            key = backend.put_object(
                bucket_name, key_name, body, storage=storage, disable_notification=True
            )
            key.set_metadata({"Content-Type": content_type})
            if modified is not None:
                key.last_modified = modified
            count += 1
    finally:
        s3_models.get_canned_acl, s3_models.tempfile = original_acl, original_tempfile
    return count


# -- IAM ----------------------------------------------------------------------------
def demo_user_policy(denied_bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReadEverything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {
                    "Sid": "ButNotTheRestrictedBucket",
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": [
                        f"arn:aws:s3:::{denied_bucket}",
                        f"arn:aws:s3:::{denied_bucket}/*",
                    ],
                },
            ],
        }
    )


def create_demo_user(user_name: str, access_key_id: str, secret: str, denied_bucket: str) -> str:
    """Create the IAM user with fixed keys and its policy; returns the user's ARN."""
    from moto.iam.models import iam_backends

    iam = iam_backends[DEFAULT_ACCOUNT_ID]["aws"]
    user = iam.create_user(region_name="us-east-1", user_name=user_name)
    key = iam.create_access_key(user_name)
    # moto generates random keys; the demo's are fixed so any client can use them.
    iam.access_keys.pop(key.physical_resource_id, None)
    key.access_key_id = access_key_id
    key.secret_access_key = secret
    iam.access_keys[key.physical_resource_id] = key
    iam.put_user_policy(user_name, "demo-access", demo_user_policy(denied_bucket))
    return str(user.arn)


def enforce_iam_auth() -> None:
    """From the next request on, moto checks signatures and IAM policies."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
