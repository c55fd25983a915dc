"""Listing buckets and objects as async streams of pages.

Each page is yielded as soon as it arrives, so a caller (the GUI's table model, the
CLI) can show the first rows while the listing continues. The loop follows
continuation tokens itself rather than through a botocore paginator: that keeps one
code path for folder and recursive views and lets the caller stop at any page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from s3browser.core.clients import ClientPool
from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import map_error
from s3browser.core.fastlist import RESULT_KEY, CompactListing, compact_listing
from s3browser.core.models import ListingPage, S3Bucket, S3Object, S3Prefix
from s3browser.core.s3url import validate_bucket_name


def iso_utc(value: Any) -> str:
    """A botocore timestamp (datetime) as ISO 8601 in UTC; strings pass through."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return str(value or "")


def strip_etag(etag: str | None) -> str:
    return (etag or "").strip('"')


async def list_buckets(pool: ClientPool) -> list[S3Bucket]:
    client = await pool.client()
    try:
        response = await client.list_buckets()
    except Exception as exc:
        raise map_error(exc, "bucket list") from exc
    buckets = []
    for item in response.get("Buckets", []):
        name = item["Name"]
        # Newer servers return each bucket's region in the listing itself.
        region = item.get("BucketRegion") or pool.known_region(name) or ""
        pool.remember_region(name, region)
        buckets.append(
            S3Bucket(name=name, creation_date=iso_utc(item.get("CreationDate")), region=region)
        )
    return buckets


def _objects_from(bucket: str, contents: list[dict[str, Any]]) -> list[S3Object]:
    return [
        S3Object(
            key=item["Key"],
            size=int(item.get("Size", 0)),
            last_modified=iso_utc(item.get("LastModified")),
            etag=strip_etag(item.get("ETag")),
            storage_class=item.get("StorageClass") or "STANDARD",
            bucket_name=bucket,
        )
        for item in contents
    ]


async def list_page(
    client: Any, bucket: str, params: dict[str, Any], token: str | None = None
) -> CompactListing:
    """One ListObjectsV2 call, read by the lean parser (botocore's when it declines)."""
    call = dict(params, Bucket=bucket)
    if token:
        call["ContinuationToken"] = token
    try:
        with compact_listing(bucket):
            response = await client.list_objects_v2(**call)
    except Exception as exc:
        raise map_error(exc, f"s3://{bucket}/{params.get('Prefix', '')}") from exc
    listing: CompactListing | None = response.get(RESULT_KEY)
    if listing is None:  # botocore parsed it: an unusual server or response
        listing = CompactListing(
            objects=_objects_from(bucket, response.get("Contents", []) or []),
            prefixes=[p["Prefix"] for p in response.get("CommonPrefixes", []) or []],
            is_truncated=bool(response.get("IsTruncated")),
            next_token=response.get("NextContinuationToken"),
        )
    return listing


async def iter_pages(
    pool: ClientPool,
    bucket: str,
    prefix: str = "",
    *,
    delimiter: str | None = "/",
    page_size: int | None = None,
    start_after: str | None = None,
) -> AsyncIterator[ListingPage]:
    """Yield one :class:`ListingPage` per ListObjectsV2 call until the listing ends.

    ``delimiter="/"`` gives the folder view (folders + objects directly inside
    ``prefix``); ``delimiter=None`` lists every key under ``prefix`` recursively.
    """
    validate_bucket_name(bucket)
    client = await pool.client_for_bucket(bucket)
    params: dict[str, Any] = {
        "Prefix": prefix,
        "MaxKeys": page_size or S3_CONFIG["listing"]["page_size"],
    }
    if delimiter:
        params["Delimiter"] = delimiter
    if start_after:
        params["StartAfter"] = start_after
    token: str | None = None
    while True:
        listing = await list_page(client, bucket, params, token)
        token = listing.next_token if listing.is_truncated else None
        yield ListingPage(
            bucket_name=bucket,
            prefix=prefix,
            prefixes=[S3Prefix(bucket, p) for p in listing.prefixes],
            objects=listing.objects,
            is_last=token is None,
        )
        if token is None:
            return


async def iter_objects(
    pool: ClientPool, bucket: str, prefix: str = "", *, recursive: bool = True
) -> AsyncIterator[S3Object]:
    """Every object under ``prefix`` (recursively by default), one at a time."""
    async for page in iter_pages(pool, bucket, prefix, delimiter=None if recursive else "/"):
        for obj in page.objects:
            yield obj


async def list_objects(
    pool: ClientPool, bucket: str, prefix: str = "", max_keys: int = 1000
) -> list[S3Object]:
    """At most ``max_keys`` objects under ``prefix``, following continuation tokens."""
    if max_keys <= 0:
        return []
    out: list[S3Object] = []
    page_size = min(max_keys, S3_CONFIG["listing"]["page_size"])
    async for page in iter_pages(pool, bucket, prefix, delimiter=None, page_size=page_size):
        out.extend(page.objects[: max_keys - len(out)])
        if len(out) >= max_keys:
            break
    return out
